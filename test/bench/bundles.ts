// The artifacts that deploy or install (issue 12): each Lambda bundle as the CDK synthesis builds it —
// its size, gzipped size (about what the uploaded zip weighs) and the time its handler module takes to
// load in a fresh Node process from an empty folder, as a cold start does — and the packed CLI: the
// .tgz, its one file, and `tongban --help` as a whole process. Loads are run one at a time (BENCH_LOADS
// each, default 5; min, median, max), with the template's environment resolved to placeholder
// resources: loading connects to nothing.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';
import { packCli } from '../../infra/cli-packaging.ts';
import { deployedFunctions, embeddedCounterparts, localServiceEnvironment, resolvedEnvironment, startFunction } from '../support/deployed-functions.ts';
import { CDK_JSON, removeSynthOutputs, synthApp } from '../support/synth-app.ts';
import { table } from './figures.ts';

const LOADS = Number(process.env.BENCH_LOADS ?? 5);

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
  try {
    for (const fn of deployedFunctions(synth)) {
      const bundle = await readFile(join(fn.assetDir, 'index.mjs'));
      const loads: number[] = [];
      for (let i = 0; i < LOADS; i++) {
        const runtime = await startFunction(fn, resolvedEnvironment(fn, synth, counterparts), extra);
        loads.push(runtime.loadMs);
        await runtime.stop();
      }
      rows.push([fn.name, kib(bundle.length), kib(gzipSync(bundle).length), ...minMedianMax(loads)]);
    }
  } finally {
    removeSynthOutputs();
  }
  console.log(`\nLambda bundles as the CDK synthesis builds them (synth with bundling: ${(synthMs / 1000).toFixed(1)} s); handler load in a fresh process, ${LOADS} runs`);
  table(rows, ['function', 'index.mjs KiB', 'gzip KiB', 'load min ms', 'median', 'max']);

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

function minMedianMax(xs: number[]): string[] {
  const s = [...xs].sort((a, b) => a - b);
  return [s[0]!, s[Math.floor(s.length / 2)]!, s[s.length - 1]!].map((x) => x.toFixed(0));
}

function kib(n: number): string {
  return (n / 1024).toFixed(1);
}
