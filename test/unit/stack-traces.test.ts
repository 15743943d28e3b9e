// A Lambda bundle's stack traces name our TypeScript (functions/http/stack-traces.ts): a module built
// with the deployed esbuild options throws, and its printed stack gives the source file, line and
// function — read from the bundle's source map when the stack is asked for, not as the bundle loads
// (Node's --enable-source-maps is not set). Without a map, or with one that cannot be read, the trace
// is V8's own.
import { build } from 'esbuild';
import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_ESBUILD_OPTIONS, PROJECT_ROOT } from '../../infra/lambda-bundling.ts';

let dir: string;
const run = async (file: string) => (await promisify(execFile)(process.execPath, [file], { env: { PATH: process.env.PATH ?? '' } })).stdout;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tongban-stacks-'));
  await writeFile(
    join(dir, 'entry.ts'),
    [
      `import { sourceMappedStacks } from '${join(PROJECT_ROOT, 'functions/http/stack-traces.ts')}';`,
      `console.log(JSON.stringify({ installed: sourceMappedStacks(import.meta.url) }));`,
      `function failsHere(): never {`,
      `  throw new TypeError('the bundle failed');`,
      `}`,
      `try { failsHere(); } catch (e) { console.log((e as Error).stack); }`,
      '',
    ].join('\n'),
  );
  await build({ ...LAMBDA_ESBUILD_OPTIONS, entryPoints: [join(dir, 'entry.ts')], outfile: join(dir, 'out', 'index.mjs'), logLevel: 'silent' });
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('the stack traces of a bundle', () => {
  it('name the TypeScript source, line and function of each frame of the bundle, read from its source map', async () => {
    // Act
    const out = await run(join(dir, 'out', 'index.mjs'));

    // Assess: the first frame is the throw in entry.ts (line 4, column 9), in the function that threw; the next one its call
    const [installed, head, first, second] = out.split('\n');
    expect(JSON.parse(installed!)).toEqual({ installed: true });
    expect(head).toBe('TypeError: the bundle failed');
    expect(first).toMatch(/^ {4}at failsHere \(.*entry\.ts:4:9\)$/);
    expect(second).toMatch(/^ {4}at .*\(.*entry\.ts:6:7\)$/);
  });

  it("are V8's own where the map cannot be read: read when a stack is printed, not when the bundle loads", async () => {
    // Arrange: a map that is not JSON (reading it at load would fail there; sourceMappedStacks still installs)
    await writeFile(join(dir, 'out', 'index.mjs.map'), 'not a source map');

    // Act
    const out = await run(join(dir, 'out', 'index.mjs'));

    // Assess
    const [installed, head, first] = out.split('\n');
    expect(JSON.parse(installed!)).toEqual({ installed: true });
    expect(head).toBe('TypeError: the bundle failed');
    expect(first).toMatch(/index\.mjs:\d+:\d+\)?$/);
    expect(out).not.toContain('entry.ts');
  });

  it('are left alone where no map sits beside the module (the TypeScript run as it is)', async () => {
    // Arrange
    await rm(join(dir, 'out', 'index.mjs.map'));

    // Act
    const out = await run(join(dir, 'out', 'index.mjs'));

    // Assess
    expect(JSON.parse(out.split('\n')[0]!)).toEqual({ installed: false });
    expect(out).toMatch(/index\.mjs:\d+:\d+/);
  });
});
