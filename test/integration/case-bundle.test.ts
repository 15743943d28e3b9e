// A case's archive bundle (BagIt in a tar), built from a case taken through the lifecycle to a sealed
// decision, and checked the way an auditor would: by `auditBundle` (the four-property check), and with
// standard tools alone run as processes — `tar` to open it, `sha256sum -c` over both manifests, and
// `openssl` over the archive seal. Then tampered with, each way the issue names, through `tar` again:
// a changed byte in a material, a removed history entry, an edited tag manifest, an added payload file.
import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, sign } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ArchiveReport, ScanResult } from '../../shared/domain/archive/bag-assessment.ts';
import { BAG_PATHS, noticePaths } from '../../shared/domain/archive/bag-assessment.ts';
import { auditBundle } from '../../shared/domain/archive/bundle-audit.ts';
import { ARCHIVE_SEAL, bundleFilePath, caseBundle } from '../../shared/domain/archive/case-bundle.ts';
import type { CaseHistoryEntry, CaseMaterial, CaseState } from '../../shared/domain/cases/case-record.ts';
import type { Jwks } from '../../shared/domain/seals/jwks.ts';
import { sealJwk } from '../../shared/domain/seals/jwks.ts';
import { canonicalize } from '../../shared/domain/seals/jcs.ts';
import type { Seal, SealSigner } from '../../shared/domain/seals/seal.ts';
import { joseToDer, sealDocument } from '../../shared/domain/seals/seal.ts';
import { clamAvScan, clamAvStreamScanner } from '../../shared/adapters/clamav-scanner.ts';
import type { StreamScanner } from '../../shared/domain/archive/bag-assessment.ts';
import { FOOD, MARKET } from '../support/case-fixtures.ts';
import { pdf, sealedFoodCase } from '../support/sealed-case.ts';
import { runCli } from '../support/signed-clients.ts';

const MARKET_KEY = 'arn:aws-cn:kms:cn-north-1:000000000000:key/00000000-0000-4000-8000-0000000000a1';
const ARCHIVE_KEY = 'arn:aws-cn:kms:cn-north-1:000000000000:key/00000000-0000-4000-8000-0000000000a2';
const keys = new Map<string, { privateKey: KeyObject; spki: Buffer; pem: string }>(
  [MARKET_KEY, ARCHIVE_KEY].map((kid) => {
    const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return [kid, { privateKey, spki: publicKey.export({ type: 'spki', format: 'der' }), pem: publicKey.export({ type: 'spki', format: 'pem' }) as string }];
  }),
);
/** As KMS ECDSA_SHA_256 answers: DER over the message (RAW) or over the given digest. */
const signer: SealSigner = {
  async sign(keyId, message, messageType) {
    if (messageType !== 'RAW') throw new Error('RAW only here');
    return sign('sha256', message, keys.get(keyId)!.privateKey);
  },
};
const JWKS: Jwks = {
  keys: [
    sealJwk(keys.get(MARKET_KEY)!.spki, { kid: MARKET_KEY, department: MARKET.departmentId!, seal: 'seal-1' }),
    sealJwk(keys.get(ARCHIVE_KEY)!.spki, { kid: ARCHIVE_KEY, department: ARCHIVE_SEAL.department, seal: ARCHIVE_SEAL.seal }),
  ],
};
const NO_SCAN: ScanResult = { ran: false, scanner: 'ClamAV is not installed here', infected: [] };

let dir: string;
let state: CaseState;
let history: CaseHistoryEntry[];
let files: Map<string, Buffer>;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tongban-bundle-'));
  // A food-licence case: filed with every material, accepted (its notice sealed), approved, sealed.
  ({ state, history, files } = await sealedFoodCase({
    caseNo: '20261009ABCDEFGHIJ',
    form: { 经营项目: ['热食类食品制售'] },
    seal: (document, sealedAt) => sealDocument(Buffer.from(document), { keyId: MARKET_KEY, department: MARKET.departmentId!, seal: 'seal-1', sealedAt }, signer),
  }));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Builds the bundle into `<dir>/<name>.tar`; answers its path and the ingest report. */
async function build(name: string, scanner?: StreamScanner): Promise<{ path: string; report: ArchiveReport; root: string }> {
  const bundle = caseBundle({
    ...(scanner ? { scanner } : {}),
    state,
    history,
    retention: FOOD.retention,
    materials: Object.entries(state.materials).map(([materialName, m]) => {
      const u = m as Extract<CaseMaterial, { kind: 'upload' }>;
      return {
        record: {
          path: bundleFilePath('materials', materialName, u.contentType),
          role: 'material',
          name: materialName,
          sha256: u.sha256,
          size: u.size,
          contentType: u.contentType,
        },
        // In chunks, as storage streams it.
        open: () => Readable.from([files.get(materialName)!.subarray(0, 1000), files.get(materialName)!.subarray(1000)]),
      };
    }),
    jwks: JWKS,
    archiveKey: { keyId: ARCHIVE_KEY, alg: 'ES256' },
    signer,
    scan: NO_SCAN,
    archivedAt: new Date('2026-10-12T03:00:00.000Z'),
  });
  const path = join(dir, `${name}.tar`);
  await pipeline(Readable.from(bundle.stream), createWriteStream(path));
  return { path, report: await bundle.report, root: bundle.root };
}

const audit = (path: string) => auditBundle(createReadStream(path), { scan: NO_SCAN, publishedJwks: JWKS, now: () => new Date('2036-10-12T00:00:00.000Z') });
const codes = (r: ArchiveReport) => Object.values(r.properties).flatMap((p) => p.findings.map((f) => `${f.code}${f.path ? ` ${f.path}` : ''}`));

/** Extracts `tarPath` with tar, lets `change` edit the bag, and packs it again with tar. */
async function tampered(tarPath: string, root: string, name: string, change: (bag: string) => Promise<void>): Promise<string> {
  const work = await mkdtemp(join(dir, `${name}-`));
  execFileSync('tar', ['-xf', tarPath, '-C', work]);
  await change(join(work, root));
  const out = join(dir, `${name}.tar`);
  execFileSync('tar', ['-cf', out, '-C', work, root]);
  return out;
}

describe('a case bundle', () => {
  let built: { path: string; report: ArchiveReport; root: string };

  it('passes the four-property check at ingest and in an audit, and keeps the ingest report inside', async () => {
    built = await build('bundle');

    expect(built.report).toMatchObject({ caseNo: state.caseNo, at: 'ingest', passed: true });
    expect(codes(built.report)).toEqual([]);
    const audited = await audit(built.path);
    expect(codes(audited.report)).toEqual([]);
    expect(audited.report).toMatchObject({ at: 'audit', passed: true });
    expect(audited.ingest).toEqual(built.report);
    expect(audited.report.properties.security.checked).toContain('virus scan not run: ClamAV is not installed here');
    expect(audited.report.properties.authenticity.checked).toContain("every notice's seal verifies with the bundled keys, and each is the document the case records");
  });

  it('keeps every notice the case gave and its seal, listed in the manifest, and names a notice changed or gone', async () => {
    const paths = noticePaths({ kind: 'acceptance', entry: 2 });
    const work = await mkdtemp(join(dir, 'notices-'));
    execFileSync('tar', ['-xf', built.path, '-C', work]);
    const bag = join(work, built.root);
    const manifest = await readFile(join(bag, BAG_PATHS.manifest), 'utf8');
    // A notice changed and its manifest line made to match; another bundle with the notice taken out
    const changed = await tampered(built.path, built.root, 'changed-notice', async (b) => {
      const text = (await readFile(join(b, paths.document), 'utf8')).replace('予以受理', '不予受理');
      await writeFile(join(b, paths.document), text);
      const sum = execFileSync('sha256sum', [paths.document], { cwd: b, encoding: 'utf8' });
      await writeFile(join(b, BAG_PATHS.manifest), manifest.replace(new RegExp(`^.*  ${paths.document}\n`, 'm'), sum));
    });
    const gone = await tampered(built.path, built.root, 'notice-gone', async (b) => {
      await rm(join(b, paths.document));
      await rm(join(b, paths.seal));
    });

    expect(paths).toEqual({ document: 'data/notices/000002-acceptance.json', seal: 'data/notices/000002-acceptance.seal.json' });
    expect(await readFile(join(bag, paths.document), 'utf8')).toBe(state.notices![0]!.document);
    expect(JSON.parse(await readFile(join(bag, paths.seal), 'utf8'))).toEqual(state.notices![0]!.seal);
    expect(manifest).toContain(`  ${paths.document}\n`);
    expect(manifest).toContain(`  ${paths.seal}\n`);
    expect(JSON.parse(await readFile(join(bag, BAG_PATHS.metadata), 'utf8'))).toMatchObject({
      notices: [{ kind: 'acceptance', entry: 2, sealedAt: '2026-10-09T02:01:01.000Z', path: paths.document }],
    });
    expect(codes((await audit(changed)).report)).toEqual(expect.arrayContaining([`SEAL_INVALID ${paths.document}`, `METADATA_MISMATCH ${paths.document}`]));
    expect(codes((await audit(gone)).report)).toEqual(expect.arrayContaining([`SEAL_MISSING ${paths.document}`, `MISSING ${paths.document}`]));
  });

  it('opens with tar, and verifies with sha256sum -c and openssl alone', async () => {
    const work = await mkdtemp(join(dir, 'tools-'));
    execFileSync('tar', ['-xf', built.path, '-C', work]);
    const bag = join(work, built.root);

    const payload = execFileSync('sha256sum', ['-c', 'manifest-sha256.txt'], { cwd: bag, encoding: 'utf8' });
    const tags = execFileSync('sha256sum', ['-c', 'tagmanifest-sha256.txt'], { cwd: bag, encoding: 'utf8' });
    expect(payload).toContain(`${bundleFilePath('materials', '营业执照', 'application/pdf')}: OK`);
    expect(payload).not.toMatch(/FAILED/);
    expect(tags).toContain(`${BAG_PATHS.report}: OK`);
    // The archive seal over the tag manifest, with OpenSSL: signing input = header "." tag manifest
    const seal = JSON.parse(await readFile(join(bag, BAG_PATHS.tagManifestSeal), 'utf8')) as Seal;
    await writeFile(join(work, 'input'), Buffer.concat([Buffer.from(`${seal.protected}.`), await readFile(join(bag, BAG_PATHS.tagManifest))]));
    await writeFile(join(work, 'sig.der'), joseToDer(Buffer.from(seal.signature, 'base64url')));
    await writeFile(join(work, 'key.pem'), keys.get(ARCHIVE_KEY)!.pem);
    expect(
      execFileSync('openssl', ['dgst', '-sha256', '-verify', join(work, 'key.pem'), '-signature', join(work, 'sig.der'), join(work, 'input')], { encoding: 'utf8' }),
    ).toContain('Verified OK');
  });

  it('names a changed byte in a material', async () => {
    const material = bundleFilePath('materials', '营业执照', 'application/pdf');
    const path = await tampered(built.path, built.root, 'changed-byte', async (bag) => {
      const bytes = await readFile(join(bag, material));
      bytes[100] = bytes[100]! ^ 0x01;
      await writeFile(join(bag, material), bytes);
    });

    const { report } = await audit(path);
    expect(report.passed).toBe(false);
    expect(codes(report)).toEqual(expect.arrayContaining([`CHECKSUM_MISMATCH ${material}`, `MATERIAL_NOT_AS_RECORDED ${material}`]));
  });

  it('names a removed history entry, even with the manifests made to match', async () => {
    const path = await tampered(built.path, built.root, 'removed-entry', async (bag) => {
      const entries = JSON.parse(await readFile(join(bag, BAG_PATHS.history), 'utf8')) as CaseHistoryEntry[];
      await writeFile(join(bag, BAG_PATHS.history), canonicalize(entries.filter((e) => e.n !== 2)));
      // A forger re-makes both manifests with sha256sum: the archive seal is what gives it away.
      const manifest = execFileSync('sh', ['-c', 'find data -type f | sort | xargs sha256sum'], { cwd: bag, encoding: 'utf8' });
      await writeFile(join(bag, BAG_PATHS.manifest), manifest);
      const tags = execFileSync('sha256sum', ['bagit.txt', 'bag-info.txt', 'manifest-sha256.txt', BAG_PATHS.jwks, BAG_PATHS.report], { cwd: bag, encoding: 'utf8' });
      await writeFile(join(bag, BAG_PATHS.tagManifest), tags);
    });

    const found = codes((await audit(path)).report);
    expect(found).toContain(`HISTORY_GAP ${BAG_PATHS.history}`);
    expect(found).toContain(`SEAL_INVALID ${BAG_PATHS.tagManifest}`);
  });

  it('names an edited tag manifest', async () => {
    const path = await tampered(built.path, built.root, 'edited-tag-manifest', async (bag) => {
      const text = await readFile(join(bag, BAG_PATHS.tagManifest), 'utf8');
      await writeFile(
        join(bag, BAG_PATHS.tagManifest),
        text
          .split('\n')
          .filter((l) => !l.endsWith(BAG_PATHS.report))
          .join('\n'),
      );
    });

    const found = codes((await audit(path)).report);
    expect(found).toContain(`SEAL_INVALID ${BAG_PATHS.tagManifest}`);
    expect(found).toContain(`UNLISTED ${BAG_PATHS.report}`);
  });

  it('names a file added to the payload', async () => {
    const path = await tampered(built.path, built.root, 'added-file', async (bag) => {
      await writeFile(join(bag, 'data/materials/补充说明.pdf'), pdf('added later'));
    });

    expect(codes((await audit(path)).report)).toEqual(expect.arrayContaining(['UNLISTED data/materials/补充说明.pdf', `PAYLOAD_OXUM_MISMATCH ${BAG_PATHS.bagInfo}`]));
  });

  it('refuses at ingest a material that is not the file the case recorded, and an encrypted or unreadable one', async () => {
    const original = files.get('营业执照')!;
    files.set('营业执照', Buffer.concat([original.subarray(0, original.length - 20), Buffer.from('/Encrypt 5 0 R'.padEnd(19) + '\n')]));
    try {
      const { report } = await build('bad-material');
      expect(report.passed).toBe(false);
      const material = bundleFilePath('materials', '营业执照', 'application/pdf');
      expect(codes(report)).toEqual(expect.arrayContaining([`MATERIAL_NOT_AS_RECORDED ${material}`, `ENCRYPTED ${material}`]));
      // A file of another size than recorded cannot even be written: the bundle fails, nothing is kept.
      files.set('营业执照', Buffer.concat([original, Buffer.from('more')]));
      await expect(build('wrong-size')).rejects.toThrow(/more than the announced/);
    } finally {
      files.set('营业执照', original);
    }
  });

  it('takes keys the platform does not publish for what they are', async () => {
    const { report } = await auditBundle(createReadStream(built.path), { scan: NO_SCAN, publishedJwks: { keys: JWKS.keys.slice(0, 1) } });
    expect(codes(report)).toEqual([`KEY_NOT_PUBLISHED ${BAG_PATHS.jwks}`]);
  });
});

describe('tongban audit verify, and the virus-scan hook', () => {
  let bundle: { path: string; root: string };

  beforeAll(async () => {
    bundle = await build('for-the-cli');
  });

  it('prints the four-property report and exits 0 for a sound bundle, 1 naming the finding for a tampered one', async () => {
    const jwksFile = join(dir, 'published.json');
    await writeFile(jwksFile, JSON.stringify(JWKS));
    const material = bundleFilePath('materials', '食品经营许可申请书', 'application/pdf');
    const broken = await tampered(bundle.path, bundle.root, 'cli-tampered', async (bag) => {
      const bytes = await readFile(join(bag, material));
      bytes[10] = 0x41;
      await writeFile(join(bag, material), bytes);
    });

    const sound = await runCli(join(dir, 'no-credentials.json'), 'audit', 'verify', bundle.path, '--jwks', jwksFile);
    const bad = await runCli(join(dir, 'no-credentials.json'), 'audit', 'verify', broken, '--json');
    const missing = await runCli(join(dir, 'no-credentials.json'), 'audit', 'verify', join(dir, 'nothing.tar'));

    expect(sound.code, sound.out).toBe(0);
    expect(sound.out).toContain(`办件 case ${state.caseNo}: 四性检测 four-property check 通过 passed`);
    expect(sound.out).toContain('真实性 authenticity: ok');
    expect(bad.code).toBe(1);
    const report = JSON.parse(bad.out) as ArchiveReport & { publishedKeysChecked: boolean };
    expect(report.properties.integrity.findings).toEqual(expect.arrayContaining([expect.objectContaining({ code: 'CHECKSUM_MISMATCH', path: material })]));
    expect(report.publishedKeysChecked).toBe(false);
    expect(missing.code).toBe(2);
  });

  it('runs ClamAV where installed, reports what it found, and says so where it is not installed', async () => {
    const fake = join(dir, 'fake-clamscan');
    await writeFile(fake, '#!/bin/sh\n# args: --no-summary --infected --scan-archive=yes <file>\necho "$4: Eicar-Test-Signature FOUND"\nexit 1\n');
    await chmod(fake, 0o755);

    const found = await clamAvScan(bundle.path, fake);
    const none = await clamAvScan(bundle.path, join(dir, 'no-such-clamscan'));

    expect(found).toEqual({ ran: true, scanner: 'ClamAV clamscan', infected: [{ path: bundle.path, signature: 'Eicar-Test-Signature' }] });
    expect(none).toMatchObject({ ran: false, infected: [] });
    expect(none.scanner).toContain('not installed');
  });

  it('streams every file through ClamAV at ingest where it is installed, and refuses what it finds', async () => {
    // A stand-in for clamscan reading the file on its standard input, as `clamscan -` does
    const fake = join(dir, 'fake-streaming-clamscan');
    await writeFile(
      fake,
      '#!/bin/sh\nif [ "$1" = "--version" ]; then echo "ClamAV 1.0 (fake)"; exit 0; fi\nif grep -q EICAR-FAKE; then echo "stdin: Fake-Signature FOUND"; exit 1; fi\nexit 0\n',
    );
    await chmod(fake, 0o755);
    const scanner = clamAvStreamScanner(fake)!;
    const clean = await build('scanned-clean', scanner);
    const original = files.get('营业执照')!;
    files.set('营业执照', Buffer.concat([original.subarray(0, original.length - 20), Buffer.from('EICAR-FAKE'.padEnd(19) + '\n')]));
    try {
      const infected = await build('scanned-infected', scanner);

      expect(clean.report.passed).toBe(true);
      expect(clean.report.properties.security.checked).toContain(`virus scan by ${scanner.name}`);
      expect(codes(infected.report)).toContain(`VIRUS_FOUND ${bundleFilePath('materials', '营业执照', 'application/pdf')}`);
      expect(clamAvStreamScanner(join(dir, 'no-such-clamscan'))).toBeUndefined();
    } finally {
      files.set('营业执照', original);
    }
  });
});
