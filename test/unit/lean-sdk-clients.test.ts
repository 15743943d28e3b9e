// The SDK clients' lean copies the Lambda bundles are built from (infra/lean-sdk-clients.ts): every
// schema of every copied client is the SDK's own, value for value (each module bundled alone and
// imported, its exports walked side by side, thunks called, classes matched by name); no computed key
// is left in them; their package.json keeps what is read of it; and esbuild, given the copy, leaves out the schemas of the commands a bundle does not
// send, which it keeps from the SDK's own package.
import { build } from 'esbuild';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LEAN_SDK_CLIENTS, leanSdkClient, withLiteralKeys } from '../../infra/lean-sdk-clients.ts';
import { PROJECT_ROOT } from '../../infra/lambda-bundling.ts';

const work = mkdtempSync(join(tmpdir(), 'tongban-lean-sdk-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

/** `file` bundled alone (its imports with it) and imported: its exports. */
async function loaded(file: string, name: string): Promise<Record<string, unknown>> {
  const outfile = join(work, `${name}.mjs`);
  await build({ entryPoints: [file], bundle: true, platform: 'node', format: 'esm', outfile, logLevel: 'silent' });
  return (await import(pathToFileURL(outfile).href)) as Record<string, unknown>;
}

/** Where `a` and `b` differ (a path), or undefined: thunks are called, classes compared by name, cycles followed once. */
function difference(a: unknown, b: unknown, path: string, seen = new WeakSet<object>()): string | undefined {
  if (typeof a === 'function' && typeof b === 'function') {
    const isClass = (f: unknown) => /^class\b/.test(Function.prototype.toString.call(f));
    if (isClass(a) || isClass(b)) return isClass(a) && isClass(b) && a.name === b.name ? undefined : `${path}: class ${a.name} ≠ ${b.name}`;
    if (seen.has(a)) return undefined;
    seen.add(a);
    return difference((a as () => unknown)(), (b as () => unknown)(), `${path}()`, seen);
  }
  if (typeof a !== 'object' || a === null || typeof b !== 'object' || b === null) return Object.is(a, b) ? undefined : `${path}: ${String(a)} ≠ ${String(b)}`;
  if (seen.has(a)) return undefined;
  seen.add(a);
  if (Array.isArray(a) !== Array.isArray(b)) return `${path}: array ≠ object`;
  const keys = Object.keys(a);
  if (keys.join() !== Object.keys(b).join()) return `${path}: keys ${keys.join()} ≠ ${Object.keys(b).join()}`;
  for (const key of keys) {
    const found = difference((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key], `${path}.${key}`, seen);
    if (found) return found;
  }
  return undefined;
}

describe.each(LEAN_SDK_CLIENTS)('the lean copy of %s', (pkg) => {
  const copy = leanSdkClient(PROJECT_ROOT, pkg);
  const schemaFiles = readdirSync(join(copy, 'dist-es', 'schemas')).filter((f) => /^schemas_\d+\.js$/.test(f));

  it('has every schema the SDK has, each the same value, and no computed key left', async () => {
    expect(schemaFiles.length).toBeGreaterThan(0);
    for (const file of schemaFiles) {
      // Act
      const original = await loaded(join(PROJECT_ROOT, 'node_modules', pkg, 'dist-es', 'schemas', file), `${pkg.replace('/', '-')}-original-${file}`);
      const lean = await loaded(join(copy, 'dist-es', 'schemas', file), `${pkg.replace('/', '-')}-lean-${file}`);

      // Assess
      expect(Object.keys(lean).sort()).toEqual(Object.keys(original).sort());
      expect(Object.keys(original).length).toBeGreaterThan(10);
      expect(difference(lean, original, file)).toBeUndefined();
      expect(readFileSync(join(copy, 'dist-es', 'schemas', file), 'utf8')).not.toMatch(/\[_\w+\]:/);
    }
  });

  it('keeps of package.json what esbuild and the client read: the same name, version, main fields and sideEffects', () => {
    const original = JSON.parse(readFileSync(join(PROJECT_ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as Record<string, unknown>;
    const kept = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')) as Record<string, unknown>;

    expect(kept).toEqual({ name: pkg, version: original.version, main: original.main, module: original.module, types: original.types, sideEffects: false });
  });
});

describe('withLiteralKeys', () => {
  it("writes a computed key naming one of the module's string constants as that string, and leaves any other", () => {
    const source = 'const _e = "error";\nconst _hH = "httpHeader";\nconst other = 1;\nexport var A$ = [-3, n0, _e, { [_e]: _c, [_hH]: "x-amz-a", [_z]: 1, [other]: 2 }];\n';

    expect(withLiteralKeys(source)).toBe(
      'const _e = "error";\nconst _hH = "httpHeader";\nconst other = 1;\nexport var A$ = [-3, n0, _e, { "error": _c, "httpHeader": "x-amz-a", [_z]: 1, [other]: 2 }];\n',
    );
  });

  it("lets esbuild leave out the schemas of the commands a bundle does not send, which it keeps from the SDK's package", async () => {
    // Arrange
    const entry =
      "import { S3Client, GetObjectCommand } from '@aws-sdk/client-s3'; export const get = () => new S3Client({}).send(new GetObjectCommand({ Bucket: 'b', Key: 'k' }));";
    const bundled = async (alias: Record<string, string>) =>
      (await build({ stdin: { contents: entry, resolveDir: PROJECT_ROOT }, bundle: true, platform: 'node', format: 'esm', write: false, alias, logLevel: 'silent' }))
        .outputFiles[0]!.text;

    // Act
    const fromSdk = await bundled({});
    const fromCopy = await bundled({ '@aws-sdk/client-s3': leanSdkClient(PROJECT_ROOT, '@aws-sdk/client-s3') });

    // Assess
    expect(fromSdk).toContain('PutBucketLifecycleConfigurationRequest$');
    expect(fromCopy).not.toContain('PutBucketLifecycleConfigurationRequest$');
    expect(fromCopy).toContain('GetObjectRequest$');
  });
});
