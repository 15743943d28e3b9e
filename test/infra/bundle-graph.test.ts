// What each Lambda bundle's module graph may not reach (infra/lambda-bundling.ts), read from esbuild's
// metafile of the same entry with the deployed options:
//   - a function manifest (functions/<name>/manifest.ts): each loads its handler by a dynamic import,
//     so a bundle that reaches one reaches its own entry dynamically, and esbuild then wraps every
//     module for lazy start and keeps what it would shake (the tickets bundle, whose config imported
//     its manifest, carried every DynamoDB command: 558 KiB instead of 502);
//   - the packages LAMBDA_ALIASES replaces, and the X-Ray SDK (the functions trace with their own
//     tracer, functions/http/xray-tracer.ts).
import { build } from 'esbuild';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LAMBDA_ESBUILD_OPTIONS, functionEntry } from '../../infra/lambda-bundling.ts';
import { LAMBDA_NAMES } from '../../functions/manifests.ts';

const FORBIDDEN: [string, RegExp][] = [
  ['a function manifest', /functions\/[^/]+\/manifest\.ts$/],
  ['the SDK credential chain', /node_modules\/@aws-sdk\/credential-provider-node\//],
  ['the event-stream codec', /node_modules\/@smithy\/core\/dist-es\/submodules\/event-streams\//],
  ['the X-Ray SDK', /node_modules\/(aws-xray-sdk-core|cls-hooked|@aws-lambda-powertools\/tracer)\//],
];

describe.each(LAMBDA_NAMES)('the %s bundle', (name) => {
  it('reaches no manifest, nor a package bundled in its place or left out', async () => {
    // Act
    const { metafile } = await build({
      ...LAMBDA_ESBUILD_OPTIONS,
      entryPoints: [functionEntry(name)],
      outfile: join(tmpdir(), 'index.mjs'),
      write: false,
      metafile: true,
      logLevel: 'silent',
    });

    // Assess
    const inputs = Object.keys(metafile.inputs);
    expect(inputs).toContain(`functions/${name}/handler.ts`);
    expect(FORBIDDEN.flatMap(([what, path]) => inputs.filter((i) => path.test(i)).map((i) => `${what}: ${i}`))).toEqual([]);
  });
});
