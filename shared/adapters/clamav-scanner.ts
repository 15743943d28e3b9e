// The virus-scan hook of the four-property check: ClamAV's `clamscan` over a bundle file (it looks
// inside tar archives), where it is installed; where it is not, the check says so instead of claiming
// a scan. `clamscan` exits 0 when clean, 1 when it found something (lines `<path>: <signature> FOUND`),
// 2 on an error.
import { spawn } from 'node:child_process';
import type { ScanResult } from '../domain/archive/bag-assessment.ts';

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
