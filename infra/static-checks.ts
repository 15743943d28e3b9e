// The static checks `npm test` runs before the tests: the type check, ESLint and Prettier (the
// package's `typecheck`, `lint:eslint` and `lint:format` scripts), at the same time. Each is one
// single-threaded process, so on the CI's two cores the three take about as long as the longest
// (ESLint's) instead of their sum (about a minute less). Each one's output is printed whole when it
// ends, under its name, never interleaved with another's; the run fails if any of them fails, after all
// have ended (so one failure does not hide another's).
import { spawn } from 'node:child_process';
import { PROJECT_ROOT } from './project-paths.ts';

/** The package scripts run, in the order their output is printed. */
export const STATIC_CHECKS = ['typecheck', 'lint:eslint', 'lint:format'] as const;

interface Ended {
  script: string;
  code: number | null;
  output: string;
  ms: number;
}

function run(script: string): Promise<Ended> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn('npm', ['run', '--silent', script], { cwd: PROJECT_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (c: Buffer) => chunks.push(c));
    child.stderr.on('data', (c: Buffer) => chunks.push(c));
    child.on('error', (e) => resolve({ script, code: null, output: `could not start: ${e.message}\n`, ms: performance.now() - started }));
    child.on('close', (code) => resolve({ script, code, output: Buffer.concat(chunks).toString('utf8'), ms: performance.now() - started }));
  });
}

const ended = await Promise.all(STATIC_CHECKS.map(run));
for (const { script, code, output, ms } of ended) {
  console.log(`> ${script}: ${code === 0 ? 'passed' : `FAILED (exit ${code ?? 'none'})`} in ${(ms / 1000).toFixed(0)} s`);
  if (output.trim() !== '') console.log(output.trimEnd());
}
process.exitCode = ended.every((e) => e.code === 0) ? 0 : 1;
