// The AWS SDK clients as the Lambda bundles take them (infra/lambda-bundling.ts aliases each package to
// its copy here): the package's code unchanged but for its schemas (`dist-es/schemas/schemas_*.js`), whose
// trait objects name their keys by constant (`{ [_hH]: _xaa }`) in the SDK and by literal here
// (`{ "httpHeader": _xaa }`), the same object.
//
// Why: esbuild counts a computed key as a possible side effect (it could call a toString), so it keeps
// every schema whose traits have one and every schema those name — the whole service model, each of
// its operations' shapes, whichever commands a bundle imports: 66 KiB of S3's, 39 KiB of Lambda's. With
// literal keys it keeps the schemas of the commands the bundle sends. Known upstream (aws-sdk-js-v3
// issue 7607; smithy-typescript's pull request 1889 makes the code generator write literal keys): once
// the SDK ships that, this module has nothing left to rewrite and can go.
//
// The copy's package.json keeps only what esbuild and the client read of it (packageEssentials).
//
// The copies are made once per package version (and per REWRITE_VERSION) under `.build/node_modules`,
// so the bundles' metafiles still name them `node_modules/@aws-sdk/<client>/…` and their bare imports
// resolve from the project's node_modules, as the originals' do. test/unit/lean-sdk-clients.test.ts
// checks that every rewritten schema equals the SDK's own, value for value.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** The clients the functions bundle (the Lambda client is not one: shared/adapters/lambda-invoker.ts). */
export const LEAN_SDK_CLIENTS = ['@aws-sdk/client-s3', '@aws-sdk/client-dynamodb', '@aws-sdk/client-kms', '@aws-sdk/client-sfn', '@aws-sdk/client-eventbridge'] as const;

/** Bumped when the rewrite changes, so copies made by an older one are made again. */
const REWRITE_VERSION = 2;
const STAMP = '.lean-sdk-client';
const SCHEMA_FILE = /^schemas_\d+\.js$/;

/**
 * `source` (a generated schemas module) with each computed key `[_x]:` whose `_x` is one of the
 * module's top-level `const _x = "…";` written as that string literal; anything else left as it is.
 */
export function withLiteralKeys(source: string): string {
  const strings = new Map<string, string>();
  for (const [, name, literal] of source.matchAll(/^const (_\w+) = ("(?:[^"\\\n]|\\.)*");$/gm)) strings.set(name!, literal!);
  return source.replace(/\[(_\w+)\]:/g, (key, name: string) => strings.get(name)?.concat(':') ?? key);
}

/**
 * What the copy's package.json keeps: what esbuild reads to resolve it (main fields, sideEffects) and
 * what the client reads of it (`version`, in its user agent). The client imports the whole file, and
 * esbuild bundles all of it: 2-2.5 KiB of each client's dependencies and scripts, in every bundle.
 */
export function packageEssentials(packageJson: string): Record<string, unknown> {
  const all = JSON.parse(packageJson) as Record<string, unknown>;
  return Object.fromEntries(['name', 'version', 'main', 'module', 'types', 'sideEffects'].filter((k) => k in all).map((k) => [k, all[k]]));
}

/** Where the bundles take `pkg` from under `root`: its lean copy's folder, made first if missing or stale. */
export function leanSdkClient(root: string, pkg: string): string {
  const source = join(root, 'node_modules', pkg);
  const target = join(root, '.build', 'node_modules', pkg);
  const version = (JSON.parse(readFileSync(join(source, 'package.json'), 'utf8')) as { version: string }).version;
  const stamp = `${pkg}@${version} rewrite ${REWRITE_VERSION}`;
  const current = () => existsSync(join(target, STAMP)) && readFileSync(join(target, STAMP), 'utf8') === stamp;
  if (current()) return target;
  // Made aside and moved in whole, so a bundling in another process never reads half a copy.
  mkdirSync(join(target, '..'), { recursive: true });
  const making = mkdtempSync(`${target}.making-`);
  try {
    writeFileSync(join(making, 'package.json'), JSON.stringify(packageEssentials(readFileSync(join(source, 'package.json'), 'utf8'))));
    cpSync(join(source, 'dist-es'), join(making, 'dist-es'), { recursive: true });
    const schemas = join(making, 'dist-es', 'schemas');
    if (existsSync(schemas))
      for (const file of readdirSync(schemas).filter((f) => SCHEMA_FILE.test(f))) writeFileSync(join(schemas, file), withLiteralKeys(readFileSync(join(schemas, file), 'utf8')));
    writeFileSync(join(making, STAMP), stamp);
    if (!current()) {
      rmSync(target, { recursive: true, force: true });
      renameSync(making, target);
    }
  } catch (error) {
    // Another process moved its copy in first: that one serves.
    if (!current()) throw error;
  } finally {
    rmSync(making, { recursive: true, force: true });
  }
  return target;
}

/** esbuild aliases: each bundled SDK client to its lean copy under `root`. */
export function leanSdkClientAliases(root: string): Record<string, string> {
  return Object.fromEntries(LEAN_SDK_CLIENTS.map((pkg) => [pkg, leanSdkClient(root, pkg)]));
}
