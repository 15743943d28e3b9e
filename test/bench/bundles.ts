// The artifacts that deploy or install (issue 12): each Lambda bundle as the CDK synthesis builds it —
// its size, gzipped size (about what the uploaded zip weighs) and the time its handler module takes to
// load in a fresh Node process from an empty folder, as a cold start does — and the packed CLI: the
// .tgz, its one file, and `tongban --help` as a whole process. Loads are run one at a time (BENCH_LOADS
// each, default 5; min, median, max of the wall clock, and the median CPU time, which other processes
// on a shared machine disturb less), with the template's environment resolved to placeholder
// resources: loading connects to nothing. Tracing is on there, as on AWS; the median load with
// tracing off, as the embedded platform runs the handlers, is printed beside it.
// Then what each bundle is made of (issue 21): an esbuild build of the same entry with the same options
// and a metafile, its inputs' bytes in the minified output summed by package (by folder for ours), the
// largest first. Budgets (issue 21): every bundle ≤ 500 KiB minified, its load ≤ 100 ms here.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { packCli } from '../../infra/cli-packaging.ts';
import { LAMBDA_NAMES } from '../../functions/manifests.ts';
import type { LambdaName } from '../../functions/manifests.ts';
import { bundleOutput } from '../support/bundle-output.ts';
import { deployedFunctions, embeddedCounterparts, localServiceEnvironment, resolvedEnvironment, startFunction } from '../support/deployed-functions.ts';
import { CDK_JSON, removeSynthOutputs, synthApp } from '../support/synth-app.ts';
import { table } from './figures.ts';

const LOADS = Number(process.env.BENCH_LOADS ?? 5);
/** Issue 21's budgets: printed beside the figures, never asserted. */
const BUDGET_KIB = 500;
const BUDGET_LOAD_MS = 100;
/** How many of a bundle's largest contributors are printed. */
const TOP = 6;

export async function benchBundles(): Promise<void> {
  const t0 = performance.now();
  const synth = synthApp(CDK_JSON.context.tongban, { bundle: true });
  const synthMs = performance.now() - t0;
  const nowhere = 'http://127.0.0.1:9';
  const placeholder = { region: 'cn-north-1', jointStateMachineArn: 'arn:aws-cn:states:cn-north-1:000000000000:stateMachine:bench', endpoint: nowhere };
  const counterparts = embeddedCounterparts(synth, placeholder);
  const extra = localServiceEnvironment({
    region: placeholder.region,
    services: { dynamodb: nowhere, s3: nowhere, kms: nowhere, sfn: nowhere, lambda: nowhere, eventbridge: nowhere },
    runtimeCredentials: { accessKeyId: 'nobody', secretAccessKey: 'nobody' },
  });
  const rows: string[][] = [];
  const over: string[] = [];
  try {
    for (const fn of deployedFunctions(synth)) {
      const bundle = await readFile(join(fn.assetDir, 'index.mjs'));
      const environment = resolvedEnvironment(fn, synth, counterparts);
      const loads: number[] = [];
      const cpu: number[] = [];
      const untraced: number[] = [];
      for (let i = 0; i < LOADS; i++) {
        for (const [times, env] of [
          [loads, environment],
          [untraced, { ...environment, POWERTOOLS_TRACE_ENABLED: 'false' }],
        ] as const) {
          const runtime = await startFunction(fn, env, extra);
          times.push(runtime.loadMs);
          if (times === loads) cpu.push(runtime.loadCpuMs);
          await runtime.stop();
        }
      }
      const [min, median, max] = minMedianMax(loads);
      rows.push([fn.name, kib(bundle.length), kib(gzipSync(bundle).length), min, median, max, minMedianMax(cpu)[1], minMedianMax(untraced)[1]]);
      if (bundle.length > BUDGET_KIB * 1024 || Number(median) > BUDGET_LOAD_MS) over.push(fn.name);
    }
  } finally {
    removeSynthOutputs();
  }
  console.log(
    `\nLambda bundles as the CDK synthesis builds them (synth with bundling: ${(synthMs / 1000).toFixed(1)} s); handler load in a fresh process, ${LOADS} runs; load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
  );
  table(rows, ['function', 'index.mjs KiB', 'gzip KiB', 'load min ms', 'median', 'max', 'CPU ms, median', 'median, tracing off']);
  console.log(`  budget: ≤ ${BUDGET_KIB} KiB and a median load ≤ ${BUDGET_LOAD_MS} ms each; over it: ${over.length === 0 ? 'none' : over.join(', ')}`);

  console.log(`\nwhat each bundle is made of: KiB of the minified output by package (ours by folder), the ${TOP} largest`);
  const width = Math.max(...LAMBDA_NAMES.map((name) => name.length));
  for (const name of LAMBDA_NAMES) {
    const { contributors } = await bundleContributors(name);
    console.log(
      `  ${name.padEnd(width)}  ${contributors
        .slice(0, TOP)
        .map(([what, bytes]) => `${what} ${kib(bytes)}`)
        .join(', ')}`,
    );
  }

  const work = await mkdtemp(join(tmpdir(), 'tongban-bench-cli-'));
  try {
    const p0 = performance.now();
    const tgz = await packCli({ destination: work });
    const packMs = performance.now() - p0;
    await promisify(execFile)('npm', ['install', '--offline', '--no-audit', '--no-fund', tgz], { cwd: work });
    const bin = join(work, 'node_modules', 'tongban-cli', 'tongban.mjs');
    const help: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      const h0 = performance.now();
      await promisify(execFile)(process.execPath, [bin, '--help']);
      help.push(performance.now() - h0);
    }
    console.log('\nthe packed CLI (npm run pack:cli)');
    table(
      [
        ['tongban-cli .tgz', kib((await stat(tgz)).size), `packed in ${(packMs / 1000).toFixed(1)} s`],
        ['tongban.mjs (the one file)', kib((await stat(bin)).size), ''],
        [`tongban --help, whole process (min/median/max ms)`, '', minMedianMax(help).join(' / ')],
      ],
      ['', 'KiB', ''],
    );
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/**
 * What makes up function `name`'s bundle: an esbuild build of its entry with the deployed options and a
 * metafile (nothing written), its inputs' bytes in the output summed by package — `node_modules/<pkg>`,
 * scoped or not — or, for our own code, by its first two folders (`shared/contracts`), largest first.
 */
export async function bundleContributors(name: LambdaName): Promise<{ outputBytes: number; contributors: [string, number][] }> {
  const output = await bundleOutput(name);
  const by = new Map<string, number>();
  for (const [path, input] of Object.entries(output.inputs)) {
    const what = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path)?.[1] ?? path.split('/').slice(0, 2).join('/');
    by.set(what, (by.get(what) ?? 0) + input.bytesInOutput);
  }
  return { outputBytes: output.bytes, contributors: [...by].sort((a, b) => b[1] - a[1]) };
}

function minMedianMax(xs: number[]): [string, string, string] {
  const s = [...xs].sort((a, b) => a - b);
  return [s[0]!.toFixed(0), s[Math.floor(s.length / 2)]!.toFixed(0), s[s.length - 1]!.toFixed(0)];
}

function kib(n: number): string {
  return (n / 1024).toFixed(1);
}
