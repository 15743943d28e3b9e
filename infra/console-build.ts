// The web console's build: Vite over `shared/console` into a static folder (index.html, assets/),
// with relative paths so the same files serve from the embedded platform's `/console/` and from the
// root of the deployed site. A build is kept under node_modules/.cache by the hash of everything it
// is made from (the console's sources, the shared code it imports, the lock file), so a start or a
// synthesis after the first reuses it, and two processes building at once both end with one folder.
//
// Run as a script it builds (if need be) and prints the folder: the CDK app, whose synthesis is
// synchronous, calls it that way (consoleDistSync).
import { createHash } from 'node:crypto';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdir, rename, rm } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The console's Vite root. */
export const CONSOLE_ROOT = join(REPO, 'shared', 'console');
/** What a build depends on: its own sources, the shared code it imports, the packages' versions. */
const INPUTS = [join(REPO, 'shared'), join(REPO, 'package-lock.json'), join(REPO, 'infra', 'console-build.ts')];
const CACHE = join(REPO, 'node_modules', '.cache', 'tongban-console');

/** The hash of the console's inputs: the same sources give the same build folder. */
export function consoleSourceHash(): string {
  const hash = createHash('sha256');
  const visit = (path: string): void => {
    const stat = statSync(path);
    if (stat.isDirectory()) {
      for (const name of readdirSync(path).sort()) if (name !== 'node_modules' && name !== 'dist' && !name.endsWith('.gen.d.ts') && !name.startsWith('.')) visit(join(path, name));
      return;
    }
    hash.update(relative(REPO, path)).update('\0').update(readFileSync(path)).update('\0');
  };
  for (const input of INPUTS) visit(input);
  return hash.digest('hex').slice(0, 16);
}

/**
 * Builds the console into `outDir` (emptied first), in a process of its own with NODE_ENV=production:
 * React's production build and JSX transform whatever the calling process is (vitest sets "test", and
 * Vite would then mix a development transform with production libraries).
 */
export async function buildConsole(outDir: string): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--out', outDir], {
    cwd: REPO,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const code = await new Promise<number | null>((resolve, reject) => child.once('error', reject).once('exit', resolve));
  if (code !== 0) throw new Error(`the console's build failed (exit ${code})`);
}

async function viteBuild(outDir: string): Promise<void> {
  const { build } = await import('vite');
  await build({
    root: CONSOLE_ROOT,
    base: './',
    configFile: false,
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      reportCompressedSize: false,
      chunkSizeWarningLimit: 1200,
      // React in a chunk of its own: cached across releases of the console, and the bundler's module
      // runtime kept out of the lazy chunks (it had put it in sm-crypto's, which the first screen then loaded).
      rolldownOptions: { output: { codeSplitting: { groups: [{ name: 'react', test: /node_modules[\\/](react|react-dom|scheduler)[\\/]/ }] } } },
    },
  });
}

/** The folder of the current sources' build, building it first when there is none. */
export async function consoleDist(): Promise<string> {
  const dir = join(CACHE, consoleSourceHash());
  if (existsSync(join(dir, 'index.html'))) return dir;
  await mkdir(CACHE, { recursive: true });
  const scratch = `${dir}.${process.pid}.${Date.now()}`;
  try {
    await buildConsole(scratch);
    await rename(scratch, dir);
  } catch (e) {
    // Another process finished the same build first: its folder is as good as ours.
    if (!existsSync(join(dir, 'index.html'))) throw e;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return dir;
}

/** consoleDist for synchronous callers (the CDK app): builds in a child process. */
export function consoleDistSync(): string {
  const dir = join(CACHE, consoleSourceHash());
  if (existsSync(join(dir, 'index.html'))) return dir;
  const run = spawnSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], { cwd: REPO, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (run.status !== 0) throw new Error(`the console's build failed (exit ${run.status ?? run.signal})`);
  return run.stdout.trim().split('\n').pop()!;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const out = process.argv.indexOf('--out');
  if (out > 0) await viteBuild(resolve(process.argv[out + 1]!));
  else console.log(await consoleDist());
}
