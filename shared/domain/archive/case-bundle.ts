// A case's archive bundle (电子档案): a BagIt bag (RFC 8493) in one tar stream, built as it is written —
// the case's records first (its state with the form and applicant, the hash-chained history, the
// metadata, the sealed decision and licence, the sealed notices), then every file it keeps, streamed from storage one at a
// time, then the tag files: bag-info.txt, the payload manifest, the public keys of every seal inside,
// the four-property check report made over what was streamed, the tag manifest, and the archive seal
// over the tag manifest (the platform's archive key). Nothing is held in memory but the small records:
// each material's bytes pass through once, hashed and inspected on the way.
import type { ServiceGuide } from '../../contracts/service-item.ts';
import type { CaseHistoryEntry, CaseState, SealedDocument } from '../cases/case-record.ts';
import { canonicalize } from '../seals/jcs.ts';
import type { Jwks } from '../seals/jwks.ts';
import type { SealAlgorithm, SealSigner } from '../seals/seal.ts';
import { sealDocument } from '../seals/seal.ts';
import type { ArchiveReport, BundleFileRecord, ScanResult, StreamScanner } from './bag-assessment.ts';
import { BAGIT_TXT, BAG_PATHS, assessBag, manifestText, noticePaths } from './bag-assessment.ts';
import type { FileFacts } from './file-inspection.ts';
import { FileInspector, inspectBytes, safeFileName } from './file-inspection.ts';
import type { TarEntry } from './tar.ts';
import { writeTar } from './tar.ts';

/** The archive seal's names in its header and in the JWKS (it seals for the platform, no department). */
export const ARCHIVE_SEAL = { department: 'tongban-archive', seal: 'archive' } as const;

export interface BundleMaterial {
  /** Its place in the bag (`data/…`) and what it is. */
  record: BundleFileRecord;
  /** Its bytes, read once, as the bundle is written. */
  open: () => AsyncIterable<Uint8Array>;
}

export interface BundleInput {
  state: CaseState;
  history: readonly CaseHistoryEntry[];
  retention: ServiceGuide['retention'];
  /** The e-licence the case issued, as sealed. */
  licence?: SealedDocument;
  materials: readonly BundleMaterial[];
  /** The public keys of every seal inside and of the archive key. */
  jwks: Jwks;
  archiveKey: { keyId: string; alg: SealAlgorithm };
  signer: SealSigner;
  /** The scanner each file streams through (ClamAV where installed). */
  scanner?: StreamScanner;
  /** Without a scanner: what the report says of the virus scan (that none ran, and why). */
  scan: ScanResult;
  archivedAt: Date;
}

export interface CaseBundle {
  /** The bag's top directory in the tar (`tongban-case-<caseNo>`). */
  root: string;
  /** The tar bytes; the report is settled once they have all been read. */
  stream: AsyncGenerator<Buffer>;
  report: Promise<ArchiveReport>;
}

/** The bag's top directory name of a case. */
export const bundleRoot = (caseNo: string) => `tongban-case-${caseNo}`;

/** Where a file of the case goes in the bag: a safe name (letters, digits, CJK, `-_.()（）`) with its format's extension. */
export function bundleFilePath(folder: string, name: string, contentType: string): string {
  return `data/${folder}/${safeFileName(name, contentType)}`;
}

export function caseBundle(input: BundleInput): CaseBundle {
  const root = bundleRoot(input.state.caseNo);
  let settle!: (r: ArchiveReport) => void;
  let fail!: (e: unknown) => void;
  const report = new Promise<ArchiveReport>((resolve, reject) => {
    settle = resolve;
    fail = reject;
  });
  // Not awaited by anyone until the stream ends: a failed stream rejects it, and that must not go unhandled.
  report.catch(() => undefined);
  const stream = writeTar(entries(input, root, settle));
  const guarded = (async function* () {
    try {
      yield* stream;
    } catch (e) {
      fail(e);
      throw e;
    }
  })();
  return { root, stream: guarded, report };
}

async function* entries(input: BundleInput, root: string, settle: (r: ArchiveReport) => void): AsyncGenerator<TarEntry> {
  const facts = new Map<string, FileFacts>();
  const texts = new Map<string, Buffer>();
  const small = (path: string, text: string | Buffer): TarEntry => {
    const bytes = typeof text === 'string' ? Buffer.from(text, 'utf8') : text;
    facts.set(path, inspectBytes(path, bytes));
    texts.set(path, bytes);
    return { path: `${root}/${path}`, size: bytes.length, content: [bytes] };
  };
  const { state } = input;

  yield small(BAG_PATHS.bagit, BAGIT_TXT);
  yield small(BAG_PATHS.caseState, canonicalize(state));
  yield small(BAG_PATHS.history, canonicalize(input.history));
  yield small(BAG_PATHS.metadata, canonicalize(metadataOf(input)));
  if (state.results) {
    yield small(BAG_PATHS.decision, state.results.decision.document);
    yield small(BAG_PATHS.decisionSeal, canonicalize(state.results.decision.seal));
  }
  if (input.licence) {
    yield small(BAG_PATHS.licence, input.licence.document);
    yield small(BAG_PATHS.licenceSeal, canonicalize(input.licence.seal));
  }
  for (const notice of state.notices ?? []) {
    const paths = noticePaths(notice);
    yield small(paths.document, notice.document);
    yield small(paths.seal, canonicalize(notice.seal));
  }
  const scanned: Promise<{ path: string; signature: string | undefined }>[] = [];
  for (const m of input.materials) {
    const inspector = new FileInspector(m.record.path);
    const scan = input.scanner?.start(m.record.path);
    yield {
      path: `${root}/${m.record.path}`,
      size: m.record.size,
      content: (async function* () {
        for await (const chunk of m.open()) {
          inspector.update(chunk);
          await scan?.write(chunk);
          yield chunk;
        }
        facts.set(m.record.path, inspector.facts());
        if (scan) scanned.push(scan.end().then((signature) => ({ path: m.record.path, signature })));
      })(),
    };
  }
  const scanResult: ScanResult = input.scanner
    ? { ran: true, scanner: input.scanner.name, infected: (await Promise.all(scanned)).flatMap((r) => (r.signature ? [{ path: r.path, signature: r.signature }] : [])) }
    : input.scan;

  const payload = [...facts].filter(([p]) => p.startsWith('data/'));
  yield small(
    BAG_PATHS.bagInfo,
    [
      `Source-Organization: ${state.departmentId}`,
      `External-Identifier: ${state.caseNo}`,
      `External-Description: ${state.itemName} (${state.itemCode}, version ${state.itemVersion}): ${state.status}`,
      `Bagging-Date: ${input.archivedAt.toISOString().slice(0, 10)}`,
      `Bag-Software-Agent: tongban`,
      `Payload-Oxum: ${payload.reduce((n, [, f]) => n + f.size, 0)}.${payload.length}`,
      `Retention-Period: ${input.retention}`,
      '',
    ].join('\n'),
  );
  yield small(BAG_PATHS.manifest, manifestText(payload));
  yield small(BAG_PATHS.jwks, canonicalize(input.jwks));
  const report = assessBag({ files: facts, texts }, { at: 'ingest', checkedAt: input.archivedAt.toISOString(), scan: scanResult });
  yield small(BAG_PATHS.report, canonicalize(report));
  const tags = [...facts].filter(([p]) => !p.startsWith('data/'));
  const tagManifest = small(BAG_PATHS.tagManifest, manifestText(tags));
  yield tagManifest;
  const seal = await sealDocument(
    texts.get(BAG_PATHS.tagManifest)!,
    { keyId: input.archiveKey.keyId, alg: input.archiveKey.alg, department: ARCHIVE_SEAL.department, seal: ARCHIVE_SEAL.seal, sealedAt: input.archivedAt.toISOString() },
    input.signer,
  );
  yield small(BAG_PATHS.tagManifestSeal, canonicalize(seal));
  settle(report);
}

/** The metadata record (in the spirit of GB/T 42727-2023: who, what, when, result, retention, files). */
function metadataOf(input: BundleInput) {
  const s = input.state;
  return {
    caseNo: s.caseNo,
    itemCode: s.itemCode,
    itemName: s.itemName,
    itemVersion: s.itemVersion,
    departmentId: s.departmentId,
    coDepartmentIds: s.coDepartmentIds,
    channelId: s.channelId,
    applicant:
      s.applicant.kind === 'person'
        ? { kind: 'person', id: s.applicant.residentId, name: s.applicant.name }
        : { kind: 'organisation', id: s.applicant.creditCode, name: s.applicant.name },
    status: s.status,
    dates: {
      receivedAt: s.receivedAt,
      ...(s.acceptance ? { acceptedOn: s.acceptance.on } : {}),
      ...(s.decision ? { decidedOn: s.decision.on } : {}),
      ...(s.refusal ? { refusedOn: s.refusal.on } : {}),
      ...(s.withdrawal ? { withdrawnOn: s.withdrawal.on } : {}),
      archivedAt: input.archivedAt.toISOString(),
    },
    result: s.decision
      ? { outcome: s.decision.outcome, ...(s.results?.licenceId ? { licenceId: s.results.licenceId } : {}) }
      : s.refusal
        ? { outcome: 'refused' }
        : { outcome: 'withdrawn' },
    retention: input.retention,
    historyEntries: input.history.length,
    notices: (s.notices ?? []).map((n) => ({ kind: n.kind, entry: n.entry, sealedAt: n.sealedAt, path: noticePaths(n).document })),
    files: input.materials.map((m) => m.record),
    totals: { files: input.materials.length, bytes: input.materials.reduce((n, m) => n + m.record.size, 0) },
  };
}
