// Starts the embedded platform the way a user does (`npm start`'s command) as a child process on a
// free port, and waits for its ready line: readiness is read from the process, never guessed.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CredentialsFile, RuntimeCredentials } from '../../infra/local/platform.ts';
import { RUNTIME_CREDENTIALS_FILE } from '../../infra/local/platform.ts';

export interface PlatformProcess {
  endpoint: string;
  /** The platform's process id (its memory can be read under /proc). */
  pid: number;
  credentials: CredentialsFile;
  /** The embedded functions' own key pair (every S3 action): what a test inspects the buckets with. */
  runtime: RuntimeCredentials;
  output: () => string;
  stop: () => Promise<number | null>;
}

const ROOT = new URL('../..', import.meta.url).pathname;

/**
 * `nodeArgs` go before the script (a benchmark profiles the platform with --cpu-prof).
 * `clockStart` pins the platform's clock to an instant (it then runs on): date rules are tested on
 * known days, whatever the day the suite runs.
 */
export async function startPlatformProcess(
  dataDir: string,
  clockStart?: string,
  timeoutMs = 60_000,
  env: Record<string, string> = {},
  nodeArgs: readonly string[] = [],
): Promise<PlatformProcess> {
  const child = spawn(process.execPath, [...nodeArgs, '--import', 'tsx', 'infra/local/main.ts'], {
    cwd: ROOT,
    env: { ...process.env, PORT: '0', TONGBAN_DATA_DIR: dataDir, POWERTOOLS_LOG_LEVEL: 'ERROR', ...(clockStart ? { TONGBAN_CLOCK_START: clockStart } : {}), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));

  const endpoint = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`platform not ready after ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const check = () => {
      const m = /ready on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    };
    child.stdout.on('data', check);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`platform exited with ${code} before it was ready:\n${out}`));
    });
  });
  const credentials = JSON.parse(await readFile(join(dataDir, 'credentials.json'), 'utf8')) as CredentialsFile;
  const runtime = JSON.parse(await readFile(join(dataDir, RUNTIME_CREDENTIALS_FILE), 'utf8')) as RuntimeCredentials;
  return { endpoint, pid: child.pid!, credentials, runtime, output: () => out, stop: () => stop(child) };
}

function stop(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return Promise.resolve(child.exitCode);
  return new Promise((resolve) => {
    child.once('exit', (code) => resolve(code));
    child.kill('SIGTERM');
  });
}
