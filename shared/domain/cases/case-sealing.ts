// Sealing a decided case's results (000 §13-16, 004 §22): the decision document (决定书) and, when an
// approved item issues one, the e-licence, each as canonical JSON (RFC 8785) sealed with the deciding
// department's active seal — one signature per document — and recorded as the case's `seal` entry by
// the system actor; and, first, the written notices the case's actions owe the applicant
// (case-notices.ts), each sealed the same way and all recorded with one `seal-notices` entry. This is the sealing function's whole job: it is given only a case number and
// builds every document from the stored case, so whoever asks can cause a department's seal to be used
// only on that department's own decided case, and only for what it decided.
//
// Safe to run again at any time: a sealed case is answered as it is (a notice sealed is never signed again); a licence issued by an earlier,
// interrupted run is taken up as it was stored (its identifier is derived from the case number, so a
// retry names the same one); two runs at once both sign, and the first `seal` entry stands.
import type { SealKey } from '../../contracts/directory.ts';
import type { CalendarSource } from '../calendar/calendar-source.ts';
import { DomainError, conflict, notFound } from '../errors.ts';
import type { ItemStore } from '../items/item-store.ts';
import type { LicenceStore } from '../licences/licence-store.ts';
import { holderOf, issueLicence, licenceDocument } from '../licences/licence.ts';
import { canonicalize } from '../seals/jcs.ts';
import type { SealSigner } from '../seals/seal.ts';
import { sealDocument } from '../seals/seal.ts';
import type { CaseNotice, CaseResults, CaseState, SealedDocument } from './case-record.ts';
import { noticeDocument } from './case-notices.ts';
import type { CaseStore } from './case-store.ts';
import { applySystemCommands } from './system-actions.ts';

/** The `type` member of a sealed decision document. */
export const DECISION_DOCUMENT_TYPE = 'tongban/decision';

export interface CaseSealingDeps {
  store: CaseStore;
  items: ItemStore;
  licences: LicenceStore;
  signer: SealSigner;
  calendar: CalendarSource;
  /** Every seal key (the directory's registry). */
  sealKeys: () => Promise<readonly SealKey[]>;
  now?: () => Date;
  /** Told once when a case's sealing is given up (recorded on the case as `follow-up-failed`): an alarm's. */
  onGivenUp?: (caseNo: string, failure: DomainError) => void;
}

/** Port: seals a decided case's results (the sealing function, or in tests this module itself). */
export interface CaseSealer {
  seal(caseNo: string): Promise<CaseState>;
}

export class CaseSealing implements CaseSealer {
  private readonly now: () => Date;

  constructor(private readonly deps: CaseSealingDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async seal(caseNo: string): Promise<CaseState> {
    const state = await this.deps.store.get(caseNo);
    if (!state) throw notFound('CASE_NOT_FOUND', `办件 ${caseNo} 不存在`, `no case ${caseNo}`);
    const owesNotices = (state.noticesDue?.length ?? 0) > 0;
    // Nothing owed: sealed already (its results, or — not decided yet — its notices so far).
    if (!owesNotices && (state.results || (state.status !== 'decided' && (state.notices?.length ?? 0) > 0))) return state;
    const decision = state.decision;
    if (!owesNotices && (state.status !== 'decided' || !decision)) {
      throw conflict('CASE_NOT_DECIDED', '办件尚未作出决定，没有可加盖印章的结果', `case ${caseNo} is ${state.status}: only a decided case's results are sealed`);
    }
    if (state.followUpFailure) {
      throw conflict(
        'CASE_FOLLOW_UP_FAILED',
        `办件${owesNotices ? '告知书' : '结果'}的盖章已于${state.followUpFailure.on}登记为失败，待平台处理后重试`,
        `sealing case ${caseNo} was given up on ${state.followUpFailure.on} (${state.followUpFailure.code}): retry-follow-up takes it up again`,
      );
    }
    let step: 'seal-notices' | 'seal' = 'seal-notices';
    try {
      // The notices first: they notify entries before the decision (case-follow-ups.ts).
      let current = owesNotices ? await this.sealNotices(state) : state;
      step = 'seal';
      if (current.status === 'decided' && current.decision && !current.results) current = await this.sealDecided(current, current.decision);
      return current;
    } catch (e) {
      // A refusal (no seal key, a licence the rules refuse, a record too large) fails every retry the
      // same way: recorded on the case once, told once, and no longer taken by the sweep. An outage
      // (KMS, DynamoDB) is thrown as it is, and the sweep tries again.
      if (!(e instanceof DomainError) || !givesUp(e)) throw e;
      const at = this.now();
      const command = { action: 'follow-up-failed', step, code: e.code, reason: e.message } as const;
      const done = (s: CaseState) => (step === 'seal' ? s.results !== undefined : (s.noticesDue?.length ?? 0) === 0);
      const recorded = await applySystemCommands({ store: this.deps.store, calendar: this.deps.calendar }, caseNo, at, (s) => (done(s) || s.followUpFailure ? undefined : command));
      if (recorded?.followUpFailure?.code === e.code) this.deps.onGivenUp?.(caseNo, e);
      throw e;
    }
  }

  /**
   * Seals every notice the case owes (one KMS Sign each) and records them with one `seal-notices`
   * entry. A notice sealed meanwhile by another run is left out of the entry (its seal stands); one
   * owed meanwhile by a new action is left for that action's own follow-up.
   */
  private async sealNotices(state: CaseState): Promise<CaseState> {
    const key = activeKey(await this.deps.sealKeys(), state.departmentId);
    const sealedAt = this.now().toISOString();
    const notices: CaseNotice[] = [];
    for (const due of state.noticesDue ?? []) {
      const document = noticeDocument(due, await this.entryHash(state, due.entry));
      const seal = await sealDocument(Buffer.from(document, 'utf8'), { keyId: key.keyId, alg: key.alg, department: key.department, seal: key.seal, sealedAt }, this.deps.signer);
      notices.push({ kind: due.kind, entry: due.entry, document, seal, sealedAt });
    }
    const owed = (s: CaseState) => notices.filter((n) => s.noticesDue?.some((d) => d.kind === n.kind && d.entry === n.entry));
    const sealed = await applySystemCommands({ store: this.deps.store, calendar: this.deps.calendar }, state.caseNo, new Date(sealedAt), (s) => {
      const left = owed(s);
      return left.length > 0 ? { action: 'seal-notices', notices: left } : undefined;
    });
    if (!sealed) throw notFound('CASE_NOT_FOUND', `办件 ${state.caseNo} 不存在`, `no case ${state.caseNo}`);
    return sealed;
  }

  /** The hash of entry `n`: the state's own when it is the newest, else read from the history. */
  private async entryHash(state: CaseState, n: number): Promise<string> {
    if (n === state.version) return state.hash;
    for await (const entry of this.deps.store.entries(state.caseNo)) {
      if (entry.n === n) return entry.hash;
      if (entry.n > n) break;
    }
    throw new Error(`case ${state.caseNo}: entry ${n}, which a due notice names, is not in its history`);
  }

  private async sealDecided(state: CaseState, decision: NonNullable<CaseState['decision']>): Promise<CaseState> {
    const { caseNo } = state;
    // Only a case's lead department decides it (the lifecycle's rule), so its seal is the one.
    const key = activeKey(await this.deps.sealKeys(), state.departmentId);
    const at = this.now();
    const sealedAt = at.toISOString();
    const sealWith = async (document: string): Promise<SealedDocument> => ({
      document,
      seal: await sealDocument(Buffer.from(document, 'utf8'), { keyId: key.keyId, alg: key.alg, department: key.department, seal: key.seal, sealedAt }, this.deps.signer),
    });

    let licenceId: string | undefined;
    const licenceType = decision.outcome === 'approved' ? await this.licenceTypeOf(state) : undefined;
    if (licenceType) {
      const licence = issueLicence({
        caseNo,
        itemCode: state.itemCode,
        departmentId: state.departmentId,
        applicant: state.applicant,
        typeCode: licenceType.typeCode,
        name: licenceType.name,
        // The case number is unique and upper-case alphanumeric: a retry names the same licence.
        serial: caseNo.toUpperCase().replace(/[^0-9A-Z]/g, ''),
        issuedOn: decision.on,
        ...(decision.licence?.validUntil !== undefined ? { validUntil: decision.licence.validUntil } : {}),
        data: decision.licence?.data ?? {},
      });
      const existing = await this.deps.licences.get(licence.id);
      const issued = existing ?? (await this.deps.licences.issue({ licence, sealed: await sealWith(canonicalize(licenceDocument(licence))) }));
      licenceId = issued.licence.id;
    }

    const results: CaseResults = { decision: await sealWith(canonicalize(decisionDocument(state, licenceId))), ...(licenceId ? { licenceId } : {}), sealedAt };
    const sealed = await applySystemCommands({ store: this.deps.store, calendar: this.deps.calendar }, caseNo, at, (s) => (s.results ? undefined : { action: 'seal', results }));
    if (!sealed) throw notFound('CASE_NOT_FOUND', `办件 ${caseNo} 不存在`, `no case ${caseNo}`);
    return sealed;
  }

  /** The e-licence the item version the case was filed under issues on approval, if any. */
  private async licenceTypeOf(state: CaseState): Promise<{ typeCode: string; name: string } | undefined> {
    const item = await this.deps.items.version(state.itemCode, state.itemVersion);
    if (!item) throw new Error(`item ${state.itemCode} version ${state.itemVersion}, which case ${state.caseNo} was filed under, is missing`);
    const typeCode = item.guide.resultLicenceType;
    return typeCode ? { typeCode, name: item.guide.resultLicenceName ?? item.guide.resultSample ?? item.guide.name } : undefined;
  }
}

/** Whether a sealing failure is one retrying cannot mend: a refusal, not an outage or a race. */
function givesUp(e: DomainError): boolean {
  return e.kind !== 'unavailable' && e.code !== 'CASE_VERSION_CONFLICT' && e.code !== 'CASE_HISTORY_BROKEN' && e.code !== 'CASE_SEALED';
}

/** A department's active seal key (the one its seals are made with: a case's documents, an amended licence). */
export function activeKey(keys: readonly SealKey[], departmentId: string): SealKey {
  const key = keys.find((k) => k.department === departmentId && k.retiredAt === undefined);
  if (!key) {
    throw conflict('SEAL_KEY_MISSING', '该部门没有可用的电子印章，请联系平台管理员', `department ${departmentId} has no active seal key in the directory`);
  }
  return key;
}

/**
 * The decision document: who decided what for whom, when, and on which record — the decide entry's
 * version and hash tie it to the case's history.
 */
export function decisionDocument(state: CaseState, licenceId: string | undefined) {
  const decision = state.decision!;
  return {
    type: DECISION_DOCUMENT_TYPE,
    caseNo: state.caseNo,
    itemCode: state.itemCode,
    itemName: state.itemName,
    itemVersion: state.itemVersion,
    department: state.departmentId,
    applicant: holderOf(state.applicant),
    outcome: decision.outcome,
    reasons: decision.reasons,
    decidedOn: decision.on,
    ...(decision.opinions
      ? {
          opinions: decision.opinions.map((t) => ({
            department: t.departmentId,
            status: t.status,
            ...(t.opinion ? { outcome: t.opinion.outcome, reasons: t.opinion.reasons, on: t.opinion.on } : {}),
          })),
        }
      : {}),
    ...(decision.overrideReasons ? { overrideReasons: decision.overrideReasons } : {}),
    ...(licenceId ? { licenceId } : {}),
    record: { version: state.version, hash: state.hash },
  };
}
