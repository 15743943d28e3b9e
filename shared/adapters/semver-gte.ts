// What the X-Ray SDK's packages ask of `semver` in a Lambda bundle: `gte`, once — cls-hooked checks that
// Node is 8 or newer as it loads, and the SDK's v2 patcher checks an AWS SDK v2 it is given (Tongban
// uses v3). infra/lambda-bundling.ts bundles this module in place of the `semver` package (both copies:
// 7.x and cls-hooked's 5.x), CommonJS that esbuild cannot shake: about 28 KiB of every bundle for one
// comparison. The e2e test of the bundles loads the SDK (tracing on) through it.

/** `a >= b` for plain release versions (`22.11.0`, `v22.11.0`); throws, as semver does, on anything else. */
export function gte(a: string, b: string): boolean {
  const [x, y] = [release(a), release(b)];
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i]! > y[i]!;
  return true;
}

function release(version: string): [number, number, number] {
  const m = /^v?(\d+)\.(\d+)\.(\d+)$/.exec(version.trim());
  if (!m) throw new TypeError(`Invalid Version: ${version}`);
  return [Number(m[1]), Number(m[2]), Number(m[3])];
}
