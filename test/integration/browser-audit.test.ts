// The auditor's check in a web browser (browser-audit.ts, which the console lazy-loads): bundled by
// esbuild for the browser, with nothing of Node in the bundle, and run so — in a V8 context that has a
// browser's globals and not Node's (no Buffer, process or require) — over real bundles the platform
// makes, sealed by the local KMS with P-256 (ES256) keys and with SM2 keys: a sound bundle passes; a
// changed byte of a material, a changed signature of a department's seal and of the archive seal fail,
// with the very finding codes `tongban audit verify` reports. On every input the browser bundle answers
// what the Node path (auditBundle, node:crypto's SHA-256) answers, byte for byte of the report.
import { CreateKeyCommand, GetPublicKeyCommand, KMSClient } from '@aws-sdk/client-kms';
import { build, transform } from 'esbuild';
import { createHash, webcrypto } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import vm from 'node:vm';
import { gzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startLocalKms } from '../../infra/local/kms-server.ts';
import { KmsSealSigner } from '../../shared/adapters/kms-seal-signer.ts';
import type { ArchiveReport } from '../../shared/domain/archive/bag-assessment.ts';
import { BAG_PATHS } from '../../shared/domain/archive/bag-assessment.ts';
import type { BrowserAuditOptions, ByteStream } from '../../shared/domain/archive/browser-audit.ts';
import { BROWSER_SCAN } from '../../shared/domain/archive/browser-audit.ts';
import type { BundleAudit } from '../../shared/domain/archive/bundle-audit.ts';
import { auditBundle } from '../../shared/domain/archive/bundle-audit.ts';
import { ARCHIVE_SEAL, bundleFilePath, caseBundle } from '../../shared/domain/archive/case-bundle.ts';
import type { CaseState } from '../../shared/domain/cases/case-record.ts';
import { nodeSha256 } from '../../shared/domain/node-sha256.ts';
import type { Jwks } from '../../shared/domain/seals/jwks.ts';
import { sealJwk } from '../../shared/domain/seals/jwks.ts';
import type { SealAlgorithm } from '../../shared/domain/seals/seal.ts';
import { sealDocument } from '../../shared/domain/seals/seal.ts';
import { FOOD, MARKET } from '../support/case-fixtures.ts';
import { pdf, sealedFoodCase } from '../support/sealed-case.ts';
import { runCli } from '../support/signed-clients.ts';

type Audit = (bytes: Uint8Array | ByteStream, opts: BrowserAuditOptions) => Promise<BundleAudit>;

const NOW = () => new Date('2036-10-12T00:00:00.000Z');
/** The minified browser bundle may grow, but not by a library pulled in by mistake (zod alone is 100 KiB gzipped). */
const BUDGET_GZIP_BYTES = 64 * 1024;
const MATERIAL = bundleFilePath('materials', '营业执照', 'application/pdf');

let dir: string;
let kms: KMSClient;
let closeKms: () => Promise<void>;
/** The browser bundle as esbuild writes it (minified ESM), and the check it exports, loaded in a browser-like context. */
let browserBundle: { text: string; inputs: string[] };
let context: vm.Context;
let audit: Audit;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tongban-browser-audit-'));
  const local = await startLocalKms({ dataDir: join(dir, 'kms') });
  kms = new KMSClient({ endpoint: local.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  closeKms = () => local.close();

  // As the console's build bundles it: for the browser, ESM, minified.
  const built = await build({
    entryPoints: ['shared/domain/archive/browser-audit.ts'],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    minify: true,
    write: false,
    metafile: true,
    logLevel: 'silent',
  });
  browserBundle = { text: built.outputFiles[0]!.text, inputs: Object.keys(built.metafile.inputs) };
  // A vm script cannot import an ES module: the bundle's closing `export {…}` becomes a global, the rest unchanged.
  const script = await transform(browserBundle.text, { format: 'iife', globalName: 'tongbanAudit' });
  // A browser's globals that the check may use, and none of Node's.
  context = vm.createContext({ TextEncoder, TextDecoder, crypto: { getRandomValues: <T extends ArrayBufferView>(a: T) => webcrypto.getRandomValues(a as never) } });
  vm.runInContext(script.code, context);
  audit = (vm.runInContext('tongbanAudit', context) as { auditBundleBytes: Audit }).auditBundleBytes;
});

afterAll(async () => {
  kms?.destroy();
  await closeKms?.();
  await rm(dir, { recursive: true, force: true });
});

describe('the browser entry, bundled for a web browser', () => {
  it('holds nothing of Node — no node builtin, no tar package, no Buffer, process or require — and is small', () => {
    const { text, inputs } = browserBundle;

    // esbuild fails a browser build that imports a node builtin; the inputs say what went in.
    expect(inputs.filter((i) => i.startsWith('node:') || /node_modules\/(tar|minipass|zod)\//.test(i))).toEqual([]);
    expect(inputs).toEqual(expect.arrayContaining(['shared/domain/archive/bundle-audit.ts', 'shared/domain/seals/seal.ts', 'shared/domain/archive/tar.ts']));
    // Node's globals as free variables (a minifier renames locals, never globals); `.process(` is a hash's method.
    expect(text).not.toMatch(/\bBuffer\b/);
    expect(text).not.toMatch(/(?<![\w$.])process\s*\./);
    expect(text).not.toMatch(/(?<![\w$.])require\s*\(/);
    expect(text).not.toMatch(/["'`]node:/);
    expect(gzipSync(text).length).toBeLessThan(BUDGET_GZIP_BYTES);
  });

  it('runs where Buffer, process and require are not defined', () => {
    expect(vm.runInContext('[typeof Buffer, typeof process, typeof require, typeof module, typeof window]', context)).toEqual([
      'undefined',
      'undefined',
      'undefined',
      'undefined',
      'undefined',
    ]);
    expect(typeof audit).toBe('function');
  });
});

describe.each([
  { alg: 'ES256' as const, keySpec: 'ECC_NIST_P256' as const, large: 'digest' },
  { alg: 'SM2-SM3' as const, keySpec: 'SM2' as const, large: 'header' },
])('a bundle sealed with $alg keys, checked in the browser bundle', ({ alg, keySpec, large }) => {
  let made: Made;

  beforeAll(async () => {
    made = await makeBundle(alg, keySpec);
  });

  it('passes when sound, each seal valid — a large decision sealed by its ' + large + ', the notice and the archive seal as they are — and says no virus scan ran', async () => {
    const browser = await inBrowser(made.path, made.jwks);

    expect(browser.report).toMatchObject({ caseNo: made.state.caseNo, at: 'audit', passed: true });
    expect(codes(browser.report)).toEqual([]);
    expect(browser.ingest).toMatchObject({ at: 'ingest', passed: true });
    expect(browser.seals.map((s) => [s.document, s.result, s.check?.valid && s.check.header.alg, s.check?.valid && s.check.header['tongban:signed']])).toEqual([
      [BAG_PATHS.decision, 'valid', alg, large],
      ['data/notices/000002-acceptance.json', 'valid', alg, 'raw'],
      [BAG_PATHS.tagManifest, 'valid', alg, 'raw'],
    ]);
    expect(browser.scan).toEqual({ ran: false, scanner: BROWSER_SCAN.scanner, infected: [] });
    expect(browser.report.properties.security.checked).toContain(`virus scan not run: ${BROWSER_SCAN.scanner}`);
    expect(browser).toEqual(await inNode(made.path, made.jwks));
    expect(await byCli(made)).toEqual({ code: 0, codes: [] });
  });

  it('reads the bundle streamed (a response body), as it does whole, telling the bytes read', async () => {
    const bytes = await readFile(made.path);
    const told: number[] = [];
    // A web ReadableStream of the page's own Uint8Arrays, as fetch gives it.
    const InContext = vm.runInContext('Uint8Array', context) as Uint8ArrayConstructor;
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const chunk of chunks(bytes, 65_536)) controller.enqueue(new InContext(chunk));
        controller.close();
      },
    });

    const streamed = plain(await audit(body, { publishedJwks: inContext(made.jwks), now: NOW, onProgress: (n) => told.push(n) }));

    expect(streamed).toEqual(await inBrowser(made.path, made.jwks));
    expect(told.at(-1)).toBe(bytes.length);
    expect(told.length).toBe(Math.ceil(bytes.length / 65_536));
  });

  it('fails a changed byte of a material, as tongban audit verify does', async () => {
    const path = await tampered(made, 'material', async (tar) => {
      const at = tar.indexOf(made.files.get('营业执照')!);
      expect(at).toBeGreaterThan(0);
      tar[at + 100] = tar[at + 100]! ^ 0x01;
    });

    const browser = await inBrowser(path, made.jwks);

    expect(browser.report.passed).toBe(false);
    expect(codes(browser.report)).toEqual([`CHECKSUM_MISMATCH ${MATERIAL}`, `MATERIAL_NOT_AS_RECORDED ${MATERIAL}`]);
    expect(await byCli({ ...made, path })).toEqual({ code: 1, codes: codes(browser.report) });
    expect(browser).toEqual(await inNode(path, made.jwks));
  });

  it("fails a changed signature of the decision's seal, and of the archive seal, as tongban audit verify does", async () => {
    const department = await tampered(made, 'decision-seal', async (tar) => changeSignature(tar, contentOf(tar, made, BAG_PATHS.decisionSeal)));
    const archive = await tampered(made, 'archive-seal', async (tar) => changeSignature(tar, contentOf(tar, made, BAG_PATHS.tagManifestSeal)));

    const byDepartment = await inBrowser(department, made.jwks);
    const byArchive = await inBrowser(archive, made.jwks);

    expect(codes(byDepartment.report)).toEqual([`SEAL_INVALID ${BAG_PATHS.decision}`, `CHECKSUM_MISMATCH ${BAG_PATHS.decisionSeal}`].sort());
    expect(byDepartment.seals.find((s) => s.document === BAG_PATHS.decision)).toMatchObject({ result: 'invalid', check: { valid: false, reason: 'bad-signature' } });
    expect(codes(byArchive.report)).toEqual([`SEAL_INVALID ${BAG_PATHS.tagManifest}`]);
    expect(await byCli({ ...made, path: department })).toEqual({ code: 1, codes: codes(byDepartment.report) });
    expect(await byCli({ ...made, path: archive })).toEqual({ code: 1, codes: codes(byArchive.report) });
    expect(byDepartment).toEqual(await inNode(department, made.jwks));
    expect(byArchive).toEqual(await inNode(archive, made.jwks));
  });
});

interface Made {
  path: string;
  root: string;
  jwks: Jwks;
  jwksPath: string;
  state: CaseState;
  files: Map<string, Buffer>;
}

/**
 * A food-licence case taken to a sealed denial with the platform's code, its keys in the local KMS
 * (`keySpec`): filed, accepted (its notice sealed), denied with reasons long enough that the decision
 * is sealed as a large document, then bundled — the archive seal by a key of the same kind.
 */
async function makeBundle(alg: SealAlgorithm, keySpec: 'ECC_NIST_P256' | 'SM2'): Promise<Made> {
  const key = async () => (await kms.send(new CreateKeyCommand({ KeySpec: keySpec, KeyUsage: 'SIGN_VERIFY' }))).KeyMetadata!.Arn!;
  const [sealKey, archiveKey] = [await key(), await key()];
  const spki = async (kid: string) => (await kms.send(new GetPublicKeyCommand({ KeyId: kid }))).PublicKey!;
  const jwks: Jwks = {
    keys: [
      sealJwk(await spki(sealKey), { kid: sealKey, alg, department: MARKET.departmentId!, seal: 'seal-1' }),
      sealJwk(await spki(archiveKey), { kid: archiveKey, alg, department: ARCHIVE_SEAL.department, seal: ARCHIVE_SEAL.seal }),
    ],
  };
  const signer = new KmsSealSigner(kms);
  const reasons = Array.from({ length: 12 }, (_, i) => `第${i + 1}项：经现场核查，经营场所的布局与流程不符合食品安全要求，${'原料、半成品与成品存放未分区，'.repeat(12)}`);
  const { state, history, files } = await sealedFoodCase({
    caseNo: alg === 'ES256' ? '20261009BROWSERES2' : '20261009BROWSERSM2',
    material: (name) => pdf(`${name} ${alg}`),
    decision: { action: 'decide', outcome: 'denied', reasons },
    seal: (document, sealedAt) => sealDocument(Buffer.from(document), { keyId: sealKey, alg, department: MARKET.departmentId!, seal: 'seal-1', sealedAt }, signer),
  });
  expect(Buffer.byteLength(state.results!.decision.document)).toBeGreaterThan(4096);

  const bundle = caseBundle({
    state,
    history,
    retention: FOOD.retention,
    materials: [...files].map(([name, bytes]) => ({
      record: {
        path: bundleFilePath('materials', name, 'application/pdf'),
        role: 'material' as const,
        name,
        sha256: createHash('sha256').update(bytes).digest('hex'),
        size: bytes.length,
        contentType: 'application/pdf',
      },
      // In chunks, as storage streams it.
      open: async function* () {
        yield* chunks(bytes, 1000);
      },
    })),
    jwks,
    archiveKey: { keyId: archiveKey, alg },
    signer,
    scan: { ran: false, scanner: 'no scanner here', infected: [] },
    archivedAt: new Date('2026-10-12T03:00:00.000Z'),
  });
  const parts: Uint8Array[] = [];
  for await (const part of bundle.stream) parts.push(part);
  expect((await bundle.report).passed).toBe(true);
  const path = join(dir, `${alg}.tar`);
  await writeFile(path, Buffer.concat(parts));
  const jwksPath = join(dir, `${alg}-published.json`);
  await writeFile(jwksPath, JSON.stringify(jwks));
  return { path, root: bundle.root, jwks, jwksPath, state, files };
}

/** The bundle at `path` checked by the browser bundle, its bytes and keys made in the browser context. */
async function inBrowser(path: string, jwks: Jwks): Promise<BundleAudit> {
  const InContext = vm.runInContext('Uint8Array', context) as Uint8ArrayConstructor;
  return plain(await audit(new InContext(await readFile(path)), { publishedJwks: inContext(jwks), now: NOW }));
}

/** The same check by the Node path, as `tongban audit verify` runs it (node:crypto's SHA-256), told the browser's scan result. */
async function inNode(path: string, jwks: Jwks): Promise<BundleAudit> {
  return plain(await auditBundle(createReadStream(path), { scan: BROWSER_SCAN, publishedJwks: jwks, now: NOW, sha256: nodeSha256 }));
}

/** `tongban audit verify <bundle> --jwks <published> --json`: its exit code and the findings it reports. */
async function byCli(made: { path: string; jwksPath: string }): Promise<{ code: number; codes: string[] }> {
  const run = await runCli(join(dir, 'no-credentials.json'), 'audit', 'verify', made.path, '--jwks', made.jwksPath, '--json');
  return { code: run.code, codes: codes(JSON.parse(run.out) as ArchiveReport) };
}

/** A copy of the bundle with its bytes changed in place by `change` (no tar tool: the tar stays as it was around them). */
async function tampered(made: Made, name: string, change: (tar: Buffer) => Promise<void>): Promise<string> {
  const tar = await readFile(made.path);
  await change(tar);
  const path = join(dir, `${made.state.caseNo}-${name}.tar`);
  await writeFile(path, tar);
  return path;
}

/** Where the bytes of the bag's file `path` begin in the tar: the block after its header (a short ASCII name: no pax header). */
function contentOf(tar: Buffer, made: Made, path: string): number {
  const header = tar.indexOf(`${made.root}/${path}\0`);
  expect(header % 512).toBe(0);
  return header + 512;
}

/** Changes one character of the `"signature":"…"` of the seal JSON at `at` (base64url for base64url: the file keeps its size). */
function changeSignature(tar: Buffer, at: number): void {
  expect(at).toBeGreaterThan(0);
  const signature = tar.indexOf('"signature":"', at) + '"signature":"'.length + 10;
  tar[signature] = tar[signature] === 0x41 ? 0x42 : 0x41;
}

const codes = (r: ArchiveReport) =>
  Object.values(r.properties)
    .flatMap((p) => p.findings.map((f) => `${f.code}${f.path ? ` ${f.path}` : ''}`))
    .sort();

/** A value made in the browser context as plain data of this one (the two realms' objects have different prototypes). */
function plain<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** `value` made in the browser context, as a page would have it from a fetch. */
function inContext<T>(value: T): T {
  return (vm.runInContext('JSON.parse', context) as (text: string) => T)(JSON.stringify(value));
}

function* chunks(bytes: Uint8Array, size: number): Generator<Uint8Array> {
  for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}
