// How every Lambda handler is bundled: one set of esbuild options, used by the CDK API stack
// (NodejsFunction, local esbuild, never Docker). test/e2e/lambda-bundles.e2e.test.ts runs each bundle
// the synthesis builds as Lambda would (alone in an empty folder), and the benchmark measures them.
//
// - ESM output (`index.mjs`) for Node 22, minified, with a source map (without the sources' text:
//   the map only has to turn minified stack traces into file:line). The bundle reads it itself when a
//   stack trace is first printed (functions/http/stack-traces.ts), not Node at every cold start
//   (NODE_OPTIONS=--enable-source-maps: 10-15 ms of each init).
// - The SDK's default credential chain is replaced by the environment's credentials, all Lambda gives a
//   function (LAMBDA_ALIASES, shared/adapters/lambda-credentials.ts): about 90 KiB less per bundle; and
//   the SDK's event-stream codec, which no Tongban function calls, by a module that refuses to
//   (shared/adapters/no-event-streams.ts): 15 KiB.
// - The SDK clients are bundled from copies whose generated schemas esbuild can tree-shake
//   (infra/lean-sdk-clients.ts, made under .build/ at the first bundling): 40-60 KiB per bundle.
// - No X-Ray SDK: functions trace with a tracer of their own (functions/http/xray-tracer.ts).
// - The `createRequire` banner gives the ESM bundle a `require`, for CommonJS dependencies that
//   call `require('node:…')` at run time (esbuild cannot rewrite those into imports).
// - Nothing is external, the AWS SDK included: the bundle carries the SDK versions the tests ran
//   with instead of whatever the Lambda runtime ships that month, and tree-shaken, minified code
//   loads faster at cold start than the runtime's full SDK packages. The runtime lends a bundle no
//   package: every import must be one esbuild can see (lint refuses createRequire and computed
//   imports in functions/ and shared/). The one require left unresolved on purpose is the SDK's
//   optional `@aws-sdk/signature-v4-crt`, tried inside try/catch for SigV4a (S3 Multi-Region Access
//   Points), which Tongban does not use.
import type { BuildOptions } from 'esbuild';
import { OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BundlingOptions } from 'aws-cdk-lib/aws-lambda-nodejs';
import { join } from 'node:path';
import { leanSdkClientAliases } from './lean-sdk-clients.ts';

import { ESM_REQUIRE_BANNER, PROJECT_ROOT } from './project-paths.ts';

export { ESM_REQUIRE_BANNER, PROJECT_ROOT };
export const DEPS_LOCK_FILE = join(PROJECT_ROOT, 'package-lock.json');

/** The handler module of a function: `functions/<name>/handler.ts`, exporting `handler`. */
export function functionEntry(name: string): string {
  return join(PROJECT_ROOT, 'functions', name, 'handler.ts');
}

/**
 * Packages a bundle takes from a module of ours instead: the SDK's default credential chain, whose
 * every source but the environment is dead code on Lambda (shared/adapters/lambda-credentials.ts), and
 * the SDK's event-stream codec, for operations Tongban never calls (shared/adapters/no-event-streams.ts);
 * and the SDK clients, taken from their copies whose schemas esbuild can shake (infra/lean-sdk-clients.ts).
 */
export const LAMBDA_ALIASES: Readonly<Record<string, string>> = {
  '@aws-sdk/credential-provider-node': join(PROJECT_ROOT, 'shared/adapters/lambda-credentials.ts'),
  '@smithy/core/event-streams': join(PROJECT_ROOT, 'shared/adapters/no-event-streams.ts'),
  ...leanSdkClientAliases(PROJECT_ROOT),
};

/** The esbuild options, in esbuild's own terms; the CDK options below are derived from these. */
export const LAMBDA_ESBUILD_OPTIONS = {
  bundle: true,
  platform: 'node',
  target: 'node22',
  format: 'esm',
  minify: true,
  sourcemap: true,
  sourcesContent: false,
  mainFields: ['module', 'main'],
  banner: { js: ESM_REQUIRE_BANNER },
  external: [],
  alias: LAMBDA_ALIASES,
} as const satisfies BuildOptions;

/** The same options for `NodejsFunction` (which writes `index.mjs` for ESM). */
export const LAMBDA_BUNDLING: BundlingOptions = {
  target: LAMBDA_ESBUILD_OPTIONS.target,
  format: OutputFormat.ESM,
  minify: LAMBDA_ESBUILD_OPTIONS.minify,
  sourceMap: LAMBDA_ESBUILD_OPTIONS.sourcemap,
  sourcesContent: LAMBDA_ESBUILD_OPTIONS.sourcesContent,
  mainFields: [...LAMBDA_ESBUILD_OPTIONS.mainFields],
  banner: LAMBDA_ESBUILD_OPTIONS.banner.js,
  externalModules: [...LAMBDA_ESBUILD_OPTIONS.external],
  esbuildArgs: { '--alias': Object.entries(LAMBDA_ESBUILD_OPTIONS.alias).map(([from, to]) => `${from}=${to}`) },
  // esbuild is a dev dependency: bundle with it, and fail rather than fall back to Docker.
  forceDockerBundling: false,
};
