// The virus-scan hook of the four-property check, where ClamAV is installed (where it is not, the check
// says so instead of claiming a scan): `clamscan` over a bundle file (it looks inside tar archives) for
// an auditor's check, and at ingest each file streamed into `clamscan -` as it goes into the bundle. `clamscan` exits 0 when clean, 1 when it found something (lines `<path>: <signature> FOUND`),
// 2 on an error.
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import type { ScanResult, StreamScanner } from '../domain/archive/bag-assessment.ts';

export async function clamAvScan(file: string, command = 'clamscan'): Promise<ScanResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const result = await new Promise<{ code: number | null } | { missing: true }>((resolve, reject) => {
    const child = spawn(command, ['--no-summary', '--infected', '--scan-archive=yes', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.once('error', (e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? resolve({ missing: true }) : reject(e)));
    child.once('close', (code) => resolve({ code }));
  });
  if ('missing' in result) return { ran: false, scanner: `ClamAV (${command}) is not installed: no virus scan`, infected: [] };
  if (result.code === 0 || result.code === 1) {
    const infected = Buffer.concat(out)
      .toString('utf8')
      .split('\n')
      .flatMap((line) => {
        const m = /^(.*): (.+) FOUND$/.exec(line.trim());
        return m ? [{ path: m[1]!, signature: m[2]! }] : [];
      });
    return { ran: true, scanner: 'ClamAV clamscan', infected };
  }
  throw new Error(`clamscan failed (exit ${result.code}): ${Buffer.concat(err).toString('utf8').trim()}`);
}

/** A scanner that streams each file into `clamscan -`, or undefined where ClamAV is not installed. */
export function clamAvStreamScanner(command = 'clamscan'): StreamScanner | undefined {
  const probe = spawnSync(command, ['--version'], { stdio: 'ignore' });
  if ((probe.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return undefined;
  return {
    name: `ClamAV ${command} (streamed at ingest)`,
    start(path) {
      const child = spawn(command, ['--no-summary', '-'], { stdio: ['pipe', 'pipe', 'pipe'] });
      const out: Buffer[] = [];
      const err: Buffer[] = [];
      child.stdout.on('data', (b: Buffer) => out.push(b));
      child.stderr.on('data', (b: Buffer) => err.push(b));
      // A scanner that quits early (it found something) closes its input: the rest is not needed.
      child.stdin.on('error', () => undefined);
      const closed = new Promise<number | null>((resolve, reject) => {
        child.once('error', reject);
        child.once('close', resolve);
      });
      return {
        async write(chunk) {
          if (child.stdin.writable && !child.stdin.write(chunk)) await Promise.race([once(child.stdin, 'drain'), closed]);
        },
        async end() {
          child.stdin.end();
          const code = await closed;
          if (code === 0) return undefined;
          const found = /: (.+) FOUND$/m.exec(Buffer.concat(out).toString('utf8'));
          if (code === 1 && found) return found[1]!;
          throw new Error(`clamscan failed on ${path} (exit ${code}): ${Buffer.concat(err).toString('utf8').trim()}`);
        },
      };
    },
  };
}
