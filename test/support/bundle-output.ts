// What esbuild makes of a Lambda function's entry with the deployed options (infra/lambda-bundling.ts),
// nothing written: its bundle's output in the metafile, each input with the bytes it left in the bundle.
// The bundle bench sums them by package; test/infra/bundle-graph.test.ts checks what may not be there.
import { build } from 'esbuild';
import type { Metafile } from 'esbuild';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LAMBDA_ESBUILD_OPTIONS, functionEntry } from '../../infra/lambda-bundling.ts';
import type { LambdaName } from '../../functions/manifests.ts';

/** The metafile's output of function `name`'s bundle (its `inputs` list every module esbuild read, 0 bytes where shaken out). */
export async function bundleOutput(name: LambdaName): Promise<Metafile['outputs'][string]> {
  const result = await build({
    ...LAMBDA_ESBUILD_OPTIONS,
    entryPoints: [functionEntry(name)],
    outfile: join(tmpdir(), 'index.mjs'),
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  const output = Object.values(result.metafile.outputs).find((o) => o.entryPoint !== undefined);
  if (!output) throw new Error(`esbuild wrote no bundle for the ${name} function`);
  return output;
}
