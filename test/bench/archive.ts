// The e-archive figures of issue 6 (run in a process of its own: `node --import tsx test/bench/archive.ts`;
// run.ts does): a case whose kept files total BENCH_ARCHIVE_MB (default 1024) MB — four current
// materials and superseded versions, 50 MB each (the upload limit), generated as streams, never held
// whole — packed into its bundle and written to the archive store on s3rver (multipart, 8 MiB parts),
// then read back and checked as the archive function does:
//   - bundle build throughput (MB/s): building alone (to nowhere), and building + writing to s3rver;
//   - the check of the read-back bundle with node:crypto's SHA-256 (as the platform and the CLI run it),
//     and with the plain-JavaScript one (the code path a web browser runs, the console's audit);
//   - peak memory (RSS, sampled as the bytes flow, and the process's max RSS; s3rver runs in a process of
//     its own) — budget: under 300 MB;
//   - S3 requests per archived case (counted at the client) and stored bytes; overhead over the files.
import { spawn } from 'node:child_process';
import { createCipheriv, createHash, generateKeyPairSync, sign } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { S3Client } from '@aws-sdk/client-s3';
import { S3RVER_CREDENTIALS } from '../../infra/local/local-s3.ts';
import { S3ArchiveStore } from '../../shared/adapters/s3-archive-store.ts';
import { auditBundle } from '../../shared/domain/archive/bundle-audit.ts';
import type { BundleMaterial } from '../../shared/domain/archive/case-bundle.ts';
import { ARCHIVE_SEAL, bundleFilePath, caseBundle } from '../../shared/domain/archive/case-bundle.ts';
import type { CaseMaterial } from '../../shared/domain/cases/case-record.ts';
import { sealJwk } from '../../shared/domain/seals/jwks.ts';
import type { SealSigner } from '../../shared/domain/seals/seal.ts';
import { sealDocument } from '../../shared/domain/seals/seal.ts';
import { nodeSha256 } from '../../shared/domain/node-sha256.ts';
import type { Sha256 } from '../../shared/domain/sha256.ts';
import { FOOD } from '../support/case-fixtures.ts';
import { sealedFoodCase } from '../support/sealed-case.ts';
import { table } from './figures.ts';

const TOTAL_MB = Number(process.env.BENCH_ARCHIVE_MB ?? 1024);
const FILE_BYTES = 50 * 1024 * 1024;
const CHUNK = 1024 * 1024;

/** A file's bytes, generated chunk by chunk from its seed (AES-CTR keystream): a PDF header, then noise. */
async function* fileBytes(seed: number, size: number): AsyncGenerator<Buffer> {
  const cipher = createCipheriv('aes-128-ctr', createHash('sha256').update(String(seed)).digest().subarray(0, 16), Buffer.alloc(16));
  const zeros = Buffer.alloc(CHUNK);
  let left = size;
  let first = true;
  while (left > 0) {
    const n = Math.min(CHUNK, left);
    const chunk = cipher.update(zeros.subarray(0, n));
    if (first) {
      chunk.write('%PDF-1.7\n', 0, 'latin1');
      first = false;
    }
    left -= n;
    yield chunk;
  }
}

/** Samples the RSS as the bytes flow (a busy event loop starves timers). */
async function* sampled(stream: AsyncIterable<Uint8Array>, seen: (rss: number) => void): AsyncGenerator<Uint8Array> {
  let n = 0;
  for await (const c of stream) {
    if (++n % 8 === 0) seen(process.memoryUsage().rss);
    yield c;
  }
}

/** s3rver in a process of its own, so its memory is not counted as the bundle's. */
async function s3rverProcess(dir: string): Promise<{ endpoint: string; stop: () => void }> {
  const script = `const { startS3 } = await import(${JSON.stringify(new URL('../../infra/local/local-s3.ts', import.meta.url).href)}); const s = await startS3(${JSON.stringify(dir)}, '127.0.0.1', ['bench-archive']); console.log(s.endpoint);`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  const endpoint = await new Promise<string>((resolve, reject) => {
    child.stdout.once('data', (b: Buffer) => resolve(b.toString().trim()));
    child.once('exit', (code) => reject(new Error(`s3rver exited ${code}`)));
  });
  return { endpoint, stop: () => child.kill() };
}

async function sha256Of(seed: number, size: number): Promise<string> {
  const hash = createHash('sha256');
  for await (const c of fileBytes(seed, size)) hash.update(c);
  return hash.digest('hex');
}

export async function benchArchive(): Promise<void> {
  const files = Math.max(4, Math.ceil((TOTAL_MB * 1024 * 1024) / FILE_BYTES));
  const sizes = Array.from({ length: files }, (_, i) => (i < files - 1 ? FILE_BYTES : TOTAL_MB * 1024 * 1024 - FILE_BYTES * (files - 1)));
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const signer: SealSigner = { sign: async (_k, message) => sign('sha256', message, privateKey) };
  const kid = 'arn:aws-cn:kms:cn-north-1:000000000000:key/bench';
  const jwks = {
    keys: [
      sealJwk(publicKey.export({ type: 'spki', format: 'der' }), { kid, department: FOOD.departmentId, seal: 'seal-1' }),
      sealJwk(publicKey.export({ type: 'spki', format: 'der' }), { kid: `${kid}-archive`, department: ARCHIVE_SEAL.department, seal: ARCHIVE_SEAL.seal }),
    ],
  };

  // The case: four current materials (the first four files), the rest superseded versions.
  const current = FOOD.materials.filter((m) => m.required).slice(0, 4);
  const materials: Record<string, CaseMaterial> = {};
  for (const [i, m] of current.entries())
    materials[m.name] = { kind: 'upload', objectKey: `cases/20261009BENCH00001/${i}`, sha256: await sha256Of(i, sizes[i]!), size: sizes[i]!, contentType: 'application/pdf' };
  // Filed, accepted (its notice sealed), approved and sealed, as an archived case is.
  const { state, history } = await sealedFoodCase({
    caseNo: '20261009BENCH00001',
    uploaded: materials,
    seal: (document, sealedAt) => sealDocument(Buffer.from(document), { keyId: kid, department: FOOD.departmentId, seal: 'seal-1', sealedAt }, signer),
  });

  const bundleMaterials = (): BundleMaterial[] =>
    sizes.map((size, i) => {
      const m = current[i];
      return {
        record: m
          ? {
              path: bundleFilePath('materials', m.name, 'application/pdf'),
              role: 'material',
              name: m.name,
              sha256: (materials[m.name] as { sha256: string }).sha256,
              size,
              contentType: 'application/pdf',
            }
          : { path: bundleFilePath('materials/superseded', `v${i}`, 'application/pdf'), role: 'superseded-material', size, contentType: 'application/pdf' },
        open: () => fileBytes(i, size),
      };
    });
  const bundle = () =>
    caseBundle({
      state,
      history,
      retention: FOOD.retention,
      materials: bundleMaterials(),
      jwks,
      archiveKey: { keyId: `${kid}-archive`, alg: 'ES256' },
      signer,
      scan: { ran: false, scanner: 'bench: none', infected: [] },
      archivedAt: new Date('2026-10-12T03:00:00.000Z'),
      sha256: nodeSha256,
    });

  let peak = 0;
  const seen = (rss: number) => (peak = Math.max(peak, rss));
  const sampler = setInterval(() => seen(process.memoryUsage().rss), 20);
  const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
  const rows: string[][] = [];
  try {
    // 1. build only
    peak = 0;
    let t = performance.now();
    const only = bundle();
    let bytes = 0;
    for await (const c of sampled(only.stream, seen)) bytes += c.length;
    const passed = (await only.report).passed;
    rows.push(['build only (to nowhere)', mb(bytes), (bytes / 1024 / 1024 / ((performance.now() - t) / 1000)).toFixed(0), mb(peak), passed ? 'passed' : 'FAILED']);

    // 2. build + write to s3rver (multipart), then read back and check
    const dir = await mkdtemp(join(tmpdir(), 'tongban-bench-archive-'));
    const s3server = await s3rverProcess(dir);
    const client = new S3Client({ endpoint: s3server.endpoint, region: 'cn-north-1', forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
    const requests = new Map<string, number>();
    client.middlewareStack.add((next, context) => (args) => (requests.set(context.commandName ?? '?', (requests.get(context.commandName ?? '?') ?? 0) + 1), next(args)), {
      step: 'initialize',
      name: 'benchCount',
    });
    const store = new S3ArchiveStore(client, 'bench-archive');
    try {
      peak = 0;
      t = performance.now();
      const written = bundle();
      const stored = await store.write('bundles/bench.tar', sampled(written.stream, seen), { retainUntil: new Date('2056-10-12T00:00:00Z'), legalHold: false, metadata: {} });
      const writeSeconds = (performance.now() - t) / 1000;
      rows.push([
        'build + write to s3rver (multipart)',
        mb(stored.size),
        (stored.size / 1024 / 1024 / writeSeconds).toFixed(0),
        mb(peak),
        (await written.report).passed ? 'passed' : 'FAILED',
      ]);
      const writeRequests = [...requests].map(([c, n]) => `${c.replace(/Command$/, '')} ×${n}`).join(', ');
      requests.clear();
      // Read back and checked as the archive function and the CLI check it (node:crypto's SHA-256), then
      // with the plain-JavaScript SHA-256, as a web browser runs the same check (the console's audit).
      const readBack = async (step: string, sha256: Sha256 | undefined) => {
        peak = 0;
        const start = performance.now();
        const audit = await auditBundle(sampled(store.read('bundles/bench.tar'), seen), {
          scan: { ran: false, scanner: 'bench: none', infected: [] },
          publishedJwks: jwks,
          ...(sha256 ? { sha256 } : {}),
        });
        const rate = stored.size / 1024 / 1024 / ((performance.now() - start) / 1000);
        rows.push([step, mb(stored.size), rate.toFixed(0), mb(peak), audit.report.passed ? 'passed' : 'FAILED']);
      };
      await readBack('read back + four-property check', nodeSha256);
      const readRequests = [...requests].map(([c, n]) => `${c.replace(/Command$/, '')} ×${n}`).join(', ');
      await readBack('read back + check, plain-JS SHA-256 (the browser code path)', undefined);
      const raw = sizes.reduce((a, b) => a + b, 0);
      console.log(`\nE-archive: a case whose files total ${mb(raw)} MB (${files} files of up to 50 MB), bundled, written and checked`);
      table(rows, ['step', 'MB', 'MB/s', 'peak RSS MB', 'check']);
      console.log(`  max RSS of the process over all steps: ${mb(process.resourceUsage().maxRSS * 1024)} MB (budget: under 300 MB; s3rver runs in a process of its own)`);
      console.log(`  S3 requests to archive it: ${writeRequests}; to read it back: ${readRequests}`);
      console.log(`  stored: ${stored.size} bytes for ${raw} bytes of files: overhead ${stored.size - raw} bytes (${(((stored.size - raw) / raw) * 100).toFixed(3)} %)`);
    } finally {
      client.destroy();
      s3server.stop();
      await rm(dir, { recursive: true, force: true });
    }
  } finally {
    clearInterval(sampler);
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  await benchArchive();
}
