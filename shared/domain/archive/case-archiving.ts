// Archiving an ended case (电子档案, 000 §15, 002 §21, 004 §27): once a case is decided (and sealed),
// refused or withdrawn, its bundle (case-bundle.ts) is streamed from the case's kept files into the
// archive store, written once under a key fixed by the case, locked for the item's retention period
// (10 or 30 years; permanent: 100 years and a legal hold), with the four-property check made on the
// way. A bundle that fails the check is not completed (the upload is aborted): the case records
// `archive-failed` with the findings, visibly, and a later run tries again. A stored bundle is read back
// and checked again as an auditor would; then the case's working copies of its files are discarded
// (the bundle is the record: nothing of a case stored twice) and the case records `archive`. Safe to
// run again at any time: an archived case is answered as it is; a bundle an interrupted run stored is
// found under its key, checked, its files discarded (what an interrupted run left) and recorded, never
// written twice. Nothing is discarded before the bundle has passed its read-back check.
import type { ServiceGuide } from '../../contracts/service-item.ts';
import type { CalendarSource } from '../calendar/calendar-source.ts';
import type { CaseArchive, CaseState } from '../cases/case-record.ts';
import { FINAL_STATUSES } from '../cases/case-record.ts';
import type { CaseStore } from '../cases/case-store.ts';
import { historyUpTo } from '../cases/case-store.ts';
import { applySystemCommands } from '../cases/system-actions.ts';
import { noticesNotSealed } from '../cases/case-results.ts';
import { conflict, notFound } from '../errors.ts';
import type { ItemStore } from '../items/item-store.ts';
import type { LicenceStore } from '../licences/licence-store.ts';
import { nodeSha256 } from '../node-sha256.ts';
import { fromBase64, hexOf, utf8Text } from '../bytes.ts';
import type { Jwks } from '../seals/jwks.ts';
import type { Seal, SealAlgorithm, SealSigner } from '../seals/seal.ts';
import type { ArchiveStore, CaseFiles } from './archive-store.ts';
import { BundleExistsError } from './archive-store.ts';
import type { ArchiveReport, BundleFileRecord, Property, StreamScanner } from './bag-assessment.ts';
import { auditBundle } from './bundle-audit.ts';
import type { BundleMaterial } from './case-bundle.ts';
import { bundleFilePath, caseBundle } from './case-bundle.ts';

export const BUNDLES_PREFIX = 'bundles/';
/** Years a bundle is locked for, by retention period; permanent records also get a legal hold. */
export const RETENTION_YEARS: Record<ServiceGuide['retention'], number> = { '10y': 10, '30y': 30, permanent: 100 };

export interface CaseArchivingDeps {
  store: CaseStore;
  items: ItemStore;
  licences: LicenceStore;
  files: CaseFiles;
  archive: ArchiveStore;
  signer: SealSigner;
  calendar: CalendarSource;
  archiveKey: { keyId: string; alg: SealAlgorithm };
  /** The platform's published seal keys (the JWKS, with the archive key). */
  publishedKeys: () => Promise<Jwks>;
  /** The virus scanner every file streams through at ingest (ClamAV where installed); without one the report says so. */
  scanner?: StreamScanner;
  now?: () => Date;
  /** Told once when a case's archiving is given up (MAX_ARCHIVE_ATTEMPTS failed checks, recorded on the case): an alarm's. */
  onGivenUp?: (caseNo: string, state: CaseState) => void;
}

/** Thrown out of the bundle's stream when its check fails, so the upload is abandoned. */
class IngestCheckFailed extends Error {
  constructor(readonly report: ArchiveReport) {
    super('the bundle failed its four-property check at ingest');
  }
}

/** The key of a case's bundle: by department, item and the day the case ended, so auditors can list by each. */
export function bundleKey(state: CaseState): string {
  const ended = state.decision?.on ?? state.refusal?.on ?? state.withdrawal?.on ?? state.receivedOn;
  return `${BUNDLES_PREFIX}${state.departmentId}/${state.itemCode}/${ended}/${state.caseNo}.tar`;
}

export class CaseArchiving {
  private readonly now: () => Date;

  constructor(private readonly deps: CaseArchivingDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async archive(caseNo: string): Promise<CaseState> {
    const state = await this.deps.store.get(caseNo);
    if (!state) throw notFound('CASE_NOT_FOUND', `办件 ${caseNo} 不存在`, `no case ${caseNo}`);
    if (state.archive?.state === 'archived') return state;
    if (!FINAL_STATUSES.includes(state.status)) throw conflict('CASE_NOT_ENDED', '办件尚未办结，不能归档', `case ${caseNo} is ${state.status}: only an ended case is archived`);
    if (state.status === 'decided' && !state.results) throw conflict('CASE_NOT_SEALED', '办件结果尚未加盖电子印章，暂不能归档', `case ${caseNo} is decided but not sealed yet`);
    // The bundle holds every notice the case gave: archived once they are sealed.
    if ((state.noticesDue?.length ?? 0) > 0) throw noticesNotSealed(state);

    const at = this.now();
    const item = await this.deps.items.version(state.itemCode, state.itemVersion);
    if (!item) throw new Error(`item ${state.itemCode} version ${state.itemVersion} of case ${caseNo} is missing`);
    const retention = item.guide.retention;
    const key = bundleKey(state);
    const retainUntil = new Date(at);
    retainUntil.setUTCFullYear(retainUntil.getUTCFullYear() + RETENTION_YEARS[retention]);
    const legalHold = retention === 'permanent';
    const published = await this.deps.publishedKeys();

    let stored = await this.deps.archive.find(key);
    if (!stored) {
      // The licence as the case issued it (version 1), even when its issuer has corrected it since.
      const licence = state.results?.licenceId ? await this.deps.licences.sealedVersion(state.results.licenceId, 1) : undefined;
      const bundle = caseBundle({
        state,
        history: await historyUpTo(this.deps.store, caseNo, state.version),
        retention,
        ...(licence ? { licence: licence.sealed } : {}),
        materials: await this.materials(state),
        jwks: keysFor(published, [state.results?.decision.seal, licence?.sealed.seal, ...(state.notices ?? []).map((n) => n.seal)], this.deps.archiveKey.keyId),
        archiveKey: this.deps.archiveKey,
        signer: this.deps.signer,
        ...(this.deps.scanner ? { scanner: this.deps.scanner } : {}),
        scan: { ran: false, scanner: 'no virus scanner (ClamAV) installed in this runtime', infected: [] },
        archivedAt: at,
        sha256: nodeSha256,
      });
      const checked = (async function* () {
        yield* bundle.stream;
        const report = await bundle.report;
        if (!report.passed) throw new IngestCheckFailed(report);
      })();
      try {
        stored = await this.deps.archive.write(key, checked, {
          retainUntil,
          legalHold,
          metadata: { caseno: state.caseNo, department: state.departmentId, item: state.itemCode, status: state.status, retention },
        });
      } catch (e) {
        if (e instanceof IngestCheckFailed) return this.recordFailure(caseNo, at, findingsOf(e.report));
        if (!(e instanceof BundleExistsError)) throw e;
        stored = await this.deps.archive.find(key);
        if (!stored) throw e;
      }
    }
    // Read back and checked as an auditor would, with the published keys; hashed on the same read (a
    // bundle an earlier run stored in parts has no whole-object SHA-256 in its metadata).
    const whole = nodeSha256();
    const readBack = (async function* (bytes: AsyncIterable<Uint8Array>) {
      for await (const chunk of bytes) {
        whole.update(chunk);
        yield chunk;
      }
    })(this.deps.archive.read(key));
    const audit = await auditBundle(readBack, { scan: { ran: false, scanner: 'scanned at ingest', infected: [] }, publishedJwks: published, now: this.now, sha256: nodeSha256 });
    if (!audit.report.passed) return this.recordFailure(caseNo, at, findingsOf(audit.report));
    const sha256 = hexOf(whole.digest());
    if (stored.sha256 && stored.sha256 !== sha256) {
      return this.recordFailure(caseNo, at, [
        { property: 'integrity', code: 'CHECKSUM_MISMATCH', path: key, message: `the stored bundle reads back as SHA-256 ${sha256}, written as ${stored.sha256}` },
      ]);
    }
    // The bundle is the record now: the working copies go (before the record, so that a run stopped
    // between the two discards what is left when it runs again; after it, no run would).
    await this.deps.files.discard(caseNo);
    const archive: Extract<CaseArchive, { state: 'archived' }> = {
      state: 'archived',
      bundleKey: key,
      sha256,
      size: stored.size,
      retention,
      retainUntil: retainUntil.toISOString(),
      legalHold,
      archivedAt: at.toISOString(),
    };
    const done = await applySystemCommands({ store: this.deps.store, calendar: this.deps.calendar }, caseNo, at, (s) =>
      s.archive?.state === 'archived' ? undefined : { action: 'archive', archive },
    );
    return done!;
  }

  /** Records a failed attempt (once per attempt: a conflict re-reads, and one recorded meanwhile counts). */
  private async recordFailure(caseNo: string, at: Date, findings: Extract<CaseArchive, { state: 'failed' }>['findings']): Promise<CaseState> {
    const attempts = (s: CaseState) => (s.archive?.state === 'failed' ? s.archive.attempts : 0);
    let before: number | undefined;
    let givenUpBefore = false;
    const done = await applySystemCommands({ store: this.deps.store, calendar: this.deps.calendar }, caseNo, at, (s) => {
      before ??= attempts(s);
      givenUpBefore ||= s.followUpFailure !== undefined;
      return s.archive?.state === 'archived' || attempts(s) > before ? undefined : { action: 'archive-failed', findings };
    });
    // The attempt that reached MAX_ARCHIVE_ATTEMPTS recorded the archiving given up: told once.
    if (done?.followUpFailure?.step === 'archive' && !givenUpBefore) this.deps.onGivenUp?.(caseNo, done);
    return done!;
  }

  /** Every file the case keeps, current materials by name, opinion attachments by department, superseded versions by key. */
  private async materials(state: CaseState): Promise<BundleMaterial[]> {
    // The types the case records: the store is asked only those of the versions a supplement replaced.
    const recorded = [...Object.values(state.materials), ...(state.jointTasks ?? []).flatMap((t) => Object.values(t.opinion?.attachments ?? {}))];
    const types = new Map(recorded.flatMap((m) => (m.kind === 'upload' ? [[m.objectKey, m.contentType] as const] : [])));
    const kept = await this.deps.files.list(state.caseNo, types);
    const byKey = new Map(kept.map((f) => [f.key, f]));
    const out: BundleMaterial[] = [];
    const used = new Set<string>();
    const add = (key: string, record: Omit<BundleFileRecord, 'size' | 'contentType'> & { contentType?: string }) => {
      const file = byKey.get(key);
      if (!file || used.has(key)) return;
      used.add(key);
      out.push({ record: { ...record, size: file.size, contentType: record.contentType ?? file.contentType }, open: () => this.deps.files.open(key) });
    };
    for (const [name, m] of Object.entries(state.materials)) {
      if (m.kind === 'upload') add(m.objectKey, { path: bundleFilePath('materials', name, m.contentType), role: 'material', name, sha256: m.sha256, contentType: m.contentType });
    }
    for (const task of state.jointTasks ?? []) {
      for (const [name, m] of Object.entries(task.opinion?.attachments ?? {})) {
        if (m.kind === 'upload')
          add(m.objectKey, { path: bundleFilePath(`opinions/${task.departmentId}`, name, m.contentType), role: 'attachment', name, sha256: m.sha256, contentType: m.contentType });
      }
    }
    for (const f of kept) {
      add(f.key, { path: bundleFilePath('materials/superseded', f.key.slice(f.key.lastIndexOf('/') + 1), f.contentType), role: 'superseded-material' });
    }
    return out;
  }
}

/** The published keys the bundle's seals name (and the archive key): what an auditor needs, nothing more. */
function keysFor(published: Jwks, seals: (Seal | undefined)[], archiveKid: string): Jwks {
  const kids = new Set([archiveKid, ...seals.flatMap((s) => (s ? [(JSON.parse(utf8Text(fromBase64(s.protected))) as { kid: string }).kid] : []))]);
  return { keys: published.keys.filter((k) => kids.has(k.kid)) };
}

function findingsOf(report: ArchiveReport): Extract<CaseArchive, { state: 'failed' }>['findings'] {
  return (Object.entries(report.properties) as [Property, ArchiveReport['properties'][Property]][]).flatMap(([property, r]) =>
    r.findings.map((f) => ({ property, code: f.code, message: f.message, ...(f.path ? { path: f.path } : {}) })),
  );
}
