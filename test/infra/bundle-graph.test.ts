// What each Lambda bundle may not carry (infra/lambda-bundling.ts), read from esbuild's metafile of the
// same entry with the deployed options (the inputs with bytes in the output):
//   - a function manifest (functions/<name>/manifest.ts): each loads its handler by a dynamic import,
//     so a bundle that reaches one reaches its own entry dynamically, and esbuild then wraps every
//     module for lazy start and keeps what it would shake (the tickets bundle, whose config imported
//     its manifest, carried every DynamoDB command: 558 KiB instead of 502);
//   - the packages LAMBDA_ALIASES replaces, and the X-Ray SDK (the functions trace with their own
//     tracer, functions/http/xray-tracer.ts);
//   - the SDK's Lambda client (71 KiB for the one Invoke the cases and sweep functions make: they
//     invoke through shared/adapters/lambda-invoker.ts);
//   - where a function reads no evaluation or ticket (the tally: case events, and evaluations' figures
//     from their index attributes), the feedback events' and tickets' contract modules, whose schemas
//     zod builds at load (queue-work.ts takes the platform events' reading from its own module, the
//     statistics read the evaluation levels and partitions from modules without schemas);
//   - sm-crypto (CommonJS, which esbuild cannot shake: 41 KiB), where seals are only made, never checked
//     (shared/domain/seals/sm2-verify.ts is its one importer);
//   - the S3 and KMS clients (with S3's XML, checksums and middleware about 110 KiB) in the sweep and the
//     tally: their archive work (the anchor journals, the month's statistics document) is the anchoring
//     and publication functions' (issue 21: each bundle within 500 KiB).
import { describe, expect, it } from 'vitest';
import { LAMBDA_NAMES } from '../../functions/manifests.ts';
import type { LambdaName } from '../../functions/manifests.ts';
import { bundleOutput } from '../support/bundle-output.ts';

const FORBIDDEN: [string, RegExp][] = [
  ['a function manifest', /functions\/[^/]+\/manifest\.ts$/],
  ['the SDK credential chain', /node_modules\/@aws-sdk\/credential-provider-node\//],
  ['the event-stream codec', /node_modules\/@smithy\/core\/dist-es\/submodules\/event-streams\//],
  ['the X-Ray SDK', /node_modules\/(aws-xray-sdk-core|cls-hooked|@aws-lambda-powertools\/tracer)\//],
  ['the SDK Lambda client', /node_modules\/@aws-sdk\/client-lambda\//],
];

/** The functions that check seals (a case's bundle, a published key's seal); the others only make them. */
const VERIFIERS: readonly LambdaName[] = ['seals', 'archive'];
const SM_CRYPTO = /node_modules\/sm-crypto\//;

async function bundleInputs(name: LambdaName): Promise<string[]> {
  return Object.entries((await bundleOutput(name)).inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path);
}

describe.each(LAMBDA_NAMES)('the %s bundle', (name) => {
  it('reaches no manifest, nor a package bundled in its place or left out, nor sm-crypto unless it checks seals', async () => {
    // Act
    const inputs = await bundleInputs(name);

    // Assess
    expect(inputs).toContain(`functions/${name}/handler.ts`);
    const forbidden: [string, RegExp][] = VERIFIERS.includes(name) ? FORBIDDEN : [...FORBIDDEN, ['sm-crypto', SM_CRYPTO]];
    expect(forbidden.flatMap(([what, path]) => inputs.filter((i) => path.test(i)).map((i) => `${what}: ${i}`))).toEqual([]);
  });
});

describe('the bundles that check seals', () => {
  it.each(VERIFIERS)('%s carries sm-crypto (the check above would see it)', async (name) => {
    expect((await bundleInputs(name)).some((i) => SM_CRYPTO.test(i))).toBe(true);
  });
});

describe('the bundles of functions that read no evaluation or ticket', () => {
  it.each(['tally'] as const)('%s carries neither the feedback events’ nor the tickets’ contracts, nor the evaluation store', async (name) => {
    const inputs = await bundleInputs(name);

    expect(inputs).toContain('shared/contracts/case-events.ts');
    expect(inputs.filter((i) => /shared\/(contracts\/(feedback-events|platform-events|tickets|evaluations)|adapters\/dynamo-evaluation-store)\.ts$/.test(i))).toEqual([]);
  });
});

describe('the bundles of the sweep and the tally, whose archive work is a function of its own', () => {
  it.each(['sweep', 'tally'] as const)('%s carries neither the S3 nor the KMS client', async (name) => {
    const inputs = await bundleInputs(name);

    expect(inputs.filter((i) => /node_modules\/@aws-sdk\/(client-s3|client-kms|middleware-sdk-s3)\//.test(i))).toEqual([]);
  });

  it.each([
    ['anchoring', 'shared/adapters/s3-anchor-archive.ts'],
    ['publication', 'shared/adapters/s3-anchor-archive.ts'],
  ] as const)('%s carries them (the check above would see them)', async (name, archive) => {
    const inputs = await bundleInputs(name);

    expect(inputs).toContain(archive);
    expect(inputs.some((i) => /node_modules\/@aws-sdk\/client-s3\//.test(i))).toBe(true);
    expect(inputs.some((i) => /node_modules\/@aws-sdk\/client-kms\//.test(i))).toBe(true);
  });
});
