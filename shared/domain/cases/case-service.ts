// The case service: filing and acting on cases. The lifecycle rules are case-lifecycle.ts's; this
// module adds what needs the stores — the item's published version, the uploaded files, the case's
// current state — and what follows an action (case-follow-ups.ts). Reading is case-queries.ts's,
// which it extends; the answers' shapes are case-views.ts's.
import type { Caller } from '../access/caller.ts';
import { requireRole } from '../access/caller.ts';
import type { CalendarSource } from '../calendar/calendar-source.ts';
import { chinaDate } from '../calendar/official-calendar.ts';
import { DomainError, conflict, forbidden } from '../errors.ts';
import type { ItemStore } from '../items/item-store.ts';
import { effectivePublicState } from '../items/item-record.ts';
import type { MaterialVault } from '../materials/material-vault.ts';
import { caseMaterialKey, uploadKeyOf, checkUploadedMaterial } from '../materials/material-vault.ts';
import { payloadDigest } from './case-history.ts';
import type { CaseCommand, CaseContext } from './case-lifecycle.ts';
import { applyCaseCommand, fileCase } from './case-lifecycle.ts';
import type { JointWorkflow } from './joint-handling.ts';
import type { CaseMaterial, CaseState, CaseTransition } from './case-record.ts';
import type { ActionKey, ActionKeyRecord, CaseStore, FilingRecord } from './case-store.ts';
import { actionKeyReused, caseVersionConflict, idempotencyKeyReused } from './case-store.ts';
import { newCaseNo } from '../identifiers/case-number.ts';
import type { CaseSealer } from './case-sealing.ts';
import type { ArchiveStarter } from '../archive/archive-store.ts';
import { parseLicenceId } from '../identifiers/licence-id.ts';
import { checkReusable } from '../licences/licence.ts';
import type { LicenceStore } from '../licences/licence-store.ts';
import { followUps, needs, needsSealing } from './case-follow-ups.ts';
import { CaseQueries } from './case-queries.ts';
import type { FilingRequest, FilingResult } from './case-views.ts';
import { receiptOf } from './case-views.ts';
export type { CaseHistoryView, FilingRequest, FilingResult, JointTaskEntry, Receipt, SupervisionEntry } from './case-views.ts';

export interface CaseServiceDeps {
  store: CaseStore;
  items: ItemStore;
  materials: MaterialVault;
  /** The working-day calendar as of each action (the stored arrangements, read at most a minute ago). */
  calendar: CalendarSource;
  /** The clock of every action; a new case number starts with its China date. */
  now?: () => Date;
  /** Working days a department has to answer before a case counts as accepted (1-5, default 5). */
  deemedAcceptanceDays?: number;
  /** The upload size limit the upload slots enforce (default 50 MB). */
  maxUploadBytes?: number;
  /** Joint handling's workflow: started when a joint case is accepted, resumed by each opinion. */
  workflow?: JointWorkflow;
  /**
   * Told when the workflow could not be started or resumed after the case's entry was written: the
   * action stands (the sweep starts a joint case's workflow that did not start; a branch that was not
   * resumed finds the opinion on its next check).
   */
  onWorkflowLag?: (caseNo: string, what: 'start' | 'resume', error: unknown) => void;
  /** Issued e-licences: what a filing may name instead of a material (免提交). */
  licences?: LicenceStore;
  /** Seals a case's notices and a decided case's results (the sealing function). */
  sealer?: CaseSealer;
  /** Starts an ended case's archiving (the archive function), without waiting for it. */
  archiver?: ArchiveStarter;
  /**
   * Told when a case's notices or a decided case's results could not be sealed at once: the action
   * stands, and the sweep seals them on its next run.
   */
  onSealLag?: (caseNo: string, error: unknown) => void;
  /** Told when an ended case's archiving could not be started: the sweep starts it. */
  onArchiveLag?: (caseNo: string, error: unknown) => void;
}

/** An action on a case as a route asks for it: the command, and the version it was decided on (optional). */
export type ActionRequest = CaseCommand & { baseVersion?: number | undefined };

/** What an action answers. */
export interface ActionResult {
  /** The case after the action and what follows it (the seal…); on a replay, the case as it now stands. */
  case: CaseState;
  /** The history entry the action wrote: on a replay, the one the first attempt wrote. */
  entry: number;
  /** The action was found done under its Idempotency-Key: nothing was done again. */
  replayed: boolean;
}

export class CaseService extends CaseQueries<CaseServiceDeps> {
  private readonly now: () => Date;

  constructor(deps: CaseServiceDeps) {
    super(deps);
    this.now = deps.now ?? (() => new Date());
  }

  /**
   * Files a case once per channel and idempotency key (`idempotencyKey`: the request's Idempotency-Key,
   * checked by the edge, IDEMPOTENCY_KEY_HEADER). The same key with the same request answers the first
   * filing again, `replayed: true`, however the catalogue changed since: its checks are not run again
   * (also under concurrent retries exactly one case is made); with another request it is refused with
   * IDEMPOTENCY_KEY_REUSED. Taking the key decides the filing; then the materials are kept, and then
   * the case is written: a readable case never names a file that is not in place, and a retry after a
   * failure at any step finishes the same case.
   */
  async file(caller: Caller, idempotencyKey: string, request: FilingRequest): Promise<FilingResult> {
    requireRole(caller, 'channel');
    const channelId = caller.channelId;
    if (!channelId) throw forbidden('CASE_CHANNEL_FORBIDDEN', '调用身份未关联渠道，不能提交办件', `caller ${caller.name} is not bound to a channel`);
    const digest = payloadDigest(asSent(request));
    const { store } = this.deps;
    // A retry finds the filing its key holds and is answered from it.
    const earlier = await store.filing(channelId, idempotencyKey);
    if (earlier) return this.fileAgain(earlier, digest);
    const first = await this.newCase(caller, channelId, request);
    const holder = await store.claimFiling({ channelId, idempotencyKey, requestDigest: digest, caseNo: first.state.caseNo, ...first });
    // Another request with this key got there first (a concurrent retry): answered as a retry is.
    if (holder) return this.fileAgain(holder, digest);
    // The filing is decided. If a step below fails, the caller's retry finishes it (fileAgain).
    await this.completeFiling(first);
    return filingResult(first, false);
  }

  /** A filing answered again: refused for another request, finished first if an earlier attempt stopped short. */
  private async fileAgain(earlier: FilingRecord, digest: string): Promise<FilingResult> {
    if (earlier.requestDigest !== digest) throw idempotencyKeyReused(earlier.channelId, earlier.caseNo);
    if (!(await this.deps.store.filingComplete(earlier.caseNo))) await this.completeFiling(earlier);
    return filingResult(earlier, true);
  }

  /**
   * A new case number and the case's first state and entry, with every check that may refuse the
   * filing: made only while the key is free.
   */
  private async newCase(caller: Caller, channelId: string, request: FilingRequest): Promise<CaseTransition> {
    const caseNo = newCaseNo(this.now());
    const ctx = await this.context(caller);
    const item = await this.acceptingItem(request.itemCode, ctx.today);
    // In the same order as for a supplement: the application's own rules, then whose uploads
    // they are and the upload policy, then the stored files.
    const transition = fileCase({ caseNo, item, applicant: request.applicant, form: request.form, materials: keptMaterials(request.materials, caseNo) }, ctx);
    await this.verifyUploads(this.uploadsOf(request.materials, channelId, 'materials'));
    await this.checkLicences(transition.state, request.materials, 'materials', ctx.today);
    return transition;
  }

  /** Before the case becomes readable, its files are in its keeping (idempotent, like the store's writes). */
  private async completeFiling(first: CaseTransition): Promise<void> {
    await this.keepMaterials(first.state.caseNo, first.state.channelId, first.state.materials);
    await this.deps.store.completeFiling(first);
  }

  async act(caller: Caller, caseNo: string, request: ActionRequest): Promise<CaseState> {
    return (await this.perform(caller, caseNo, request)).case;
  }

  /**
   * An action on a case, and the entry it wrote. With `idempotencyKey` (the request's optional
   * Idempotency-Key, checked by the edge), it is done once per caller, case and key: the same key with
   * the same request answers the first attempt's entry, `replayed`, with the case as it now stands —
   * also to attempts racing it, and after the first stopped anywhere between its writes —; with another
   * request it is refused (IDEMPOTENCY_KEY_REUSED). A key binds only an action that was written: an
   * attempt refused (a check, a lost race) leaves it free.
   */
  async perform(caller: Caller, caseNo: string, request: ActionRequest, idempotencyKey?: string): Promise<ActionResult> {
    if (idempotencyKey !== undefined) return this.performOnce(caller, caseNo, request, idempotencyKey);
    const state = await this.existing(caseNo);
    const { next, command } = await this.prepare(caller, state, request);
    const recorded = await this.append(caseNo, state, next, command, caller, request.baseVersion);
    return { case: await this.followUp(recorded, command, caller), entry: recorded.version, replayed: false };
  }

  /**
   * The action's next state and entry on `state`, with every check that may refuse it, its files kept:
   * what is left is to write it.
   */
  private async prepare(caller: Caller, state: CaseState, request: ActionRequest): Promise<{ next: CaseTransition; command: CaseCommand }> {
    const { baseVersion, ...command } = request;
    const { caseNo } = state;
    const ctx = await this.context(caller);
    // Files the command brings: a channel's supplement or pending (容缺) materials, a co-department's opinion attachments.
    const bringsMaterials = command.action === 'supplement' || command.action === 'deliver';
    const supplied = bringsMaterials ? (command.materials ?? {}) : command.action === 'opinion' ? (command.attachments ?? {}) : {};
    const kept = keptMaterials(supplied, caseNo);
    const withKept: CaseCommand = bringsMaterials ? { ...command, materials: kept } : command.action === 'opinion' ? { ...command, attachments: kept } : command;
    // The lifecycle decides first (who may, in which status, with what content); the files after.
    const next = applyCaseCommand(state, withKept, ctx);
    if (baseVersion !== undefined && baseVersion !== state.version) {
      throw conflict(
        'CASE_VERSION_CONFLICT',
        `办件已更新至第${state.version}版，请刷新后重试`,
        `case ${caseNo} is at version ${state.version}, not ${baseVersion}; reload and retry`,
        'baseVersion',
      );
    }
    if (Object.keys(supplied).length > 0) {
      // The uploader: the filing channel for a supplement, the co-department for its attachments.
      const owner = bringsMaterials ? state.channelId : caller.departmentId!;
      const field = bringsMaterials ? 'materials' : 'attachments';
      await this.verifyUploads(this.uploadsOf(supplied, owner, field));
      if (bringsMaterials) await this.checkLicences(state, supplied, field, ctx.today);
      // Kept before the entry is written: a case never names a file that is not in place. If another
      // action wins the race for this entry, the copies stay under cases/<caseNo>/ named by no entry
      // (they do not expire; a command retried after the conflict copies its files again).
      await this.keepMaterials(caseNo, owner, kept);
    }
    return { next, command: withKept };
  }

  /**
   * An action under its caller's idempotency key. The key's record is taken with the entry's write
   * (CaseStore.append), on the version the action is applied to (`base`): its entry can only be entry
   * base + 1, which carries the key. So each round reads the record, then the case:
   * - settled on an entry: the replay of that entry;
   * - pending, the case moved past its base: entry base + 1 is the key's own (its writer stopped before
   *   settling: settled now, replayed) or another action's — then no attempt with the key can write
   *   any more, and the record is removed;
   * - pending at the case's version (an attempt with the key is under way, or stopped before its entry):
   *   this attempt writes the same entry under it — of the two, one writes it, the other finds it;
   * - none: this attempt takes the key with its entry.
   * An attempt whose write lost to another action is answered CASE_VERSION_CONFLICT, as without a key
   * (an opinion is applied again, as without a key).
   */
  private async performOnce(caller: Caller, caseNo: string, request: ActionRequest, idempotencyKey: string): Promise<ActionResult> {
    const { store } = this.deps;
    const key: ActionKey = { caseNo, caller: caller.name, idempotencyKey };
    const requestDigest = payloadDigest(asSent(request));
    const applyAgain = request.action === 'opinion' && request.baseVersion === undefined;
    // The version this attempt's last write was on, when it lost; and how often it lost.
    let tried: number | undefined;
    let lost = 0;
    for (let round = 0; round < KEYED_ROUNDS; round++) {
      let held = await store.actionKey(key);
      if (held && held.requestDigest !== requestDigest) throw actionKeyReused(key);
      if (held?.entry !== undefined) return this.replay(caseNo, held.entry);
      const state = await this.existing(caseNo);
      if (held && state.version < held.base) continue;
      if (held && state.version > held.base) {
        const n = held.base + 1;
        if (sameKey(await store.entryActionKey(caseNo, n), key)) {
          await store.settleActionKey(held, n);
          return this.replay(caseNo, n);
        }
        await store.releaseActionKey(held);
        held = undefined;
      }
      if (tried !== undefined && state.version > tried && (!applyAgain || ++lost >= OPINION_ATTEMPTS)) throw caseVersionConflict(caseNo, tried + 1);
      let prepared: { next: CaseTransition; command: CaseCommand };
      try {
        prepared = await this.prepare(caller, state, request);
      } catch (e) {
        // Refused on a state that another attempt with this key may have made between the reads of the
        // key and of the case (a pause refused on the pause it wrote): if the key has moved, see again.
        if (e instanceof DomainError && (await keyMoved(store.actionKey(key), held))) continue;
        throw e;
      }
      const { next, command } = prepared;
      try {
        await store.append(next.state, next.entry, state, { ...key, requestDigest, base: state.version, held: held !== undefined });
      } catch (e) {
        if (!(e instanceof DomainError && e.code === 'CASE_VERSION_CONFLICT')) throw e;
        tried = state.version;
        continue;
      }
      return { case: await this.followUp(next.state, command, caller), entry: next.entry.n, replayed: false };
    }
    throw caseVersionConflict(caseNo, (tried ?? 0) + 1);
  }

  /** The answer to an action found done under its key: the case as it now stands, and the entry the action wrote. */
  private async replay(caseNo: string, entry: number): Promise<ActionResult> {
    return { case: await this.existing(caseNo), entry, replayed: true };
  }

  /**
   * Writes the action's entry. Co-departments' opinions are each their own department's task: one that
   * loses the race for the next entry to another action (say, the other co-department's opinion) is
   * applied again to the case as it now is, unless its caller named the version it decided on.
   */
  private async append(caseNo: string, read: CaseState, first: CaseTransition, command: CaseCommand, caller: Caller, baseVersion: number | undefined): Promise<CaseState> {
    let previous = read;
    let next = first;
    for (let attempt = 1; ; attempt++) {
      try {
        await this.deps.store.append(next.state, next.entry, previous);
        return next.state;
      } catch (e) {
        const retried = command.action === 'opinion' && baseVersion === undefined && attempt < OPINION_ATTEMPTS && e instanceof DomainError && e.code === 'CASE_VERSION_CONFLICT';
        if (!retried) throw e;
        previous = await this.existing(caseNo);
        next = applyCaseCommand(previous, command, await this.context(caller));
      }
    }
  }

  /**
   * What follows the recorded action, before it is answered: the steps the new state still needs
   * (case-follow-ups.ts) — the joint handling started, the notices and results sealed, the archiving
   * started —
   * and a co-department's opinion handed to the workflow's wait. A step that fails is left to the
   * sweep (and logged); the answer is the case as it then stands.
   */
  private async followUp(state: CaseState, command: CaseCommand, caller: Caller): Promise<CaseState> {
    let current = state;
    for (const step of followUps(state)) {
      if (step === 'start-joint') await this.startJoint(current);
      // One call of the sealing function seals whatever the case owes (its notices, then its results).
      else if ((step === 'seal-notices' || step === 'seal') && needs(current, step)) current = await this.sealed(current);
      else if (step === 'archive' && !needsSealing(current)) await this.startArchiving(current.caseNo);
    }
    if (command.action === 'opinion') await this.resumeWait(state, command, caller);
    return current;
  }

  /** Archiving starts as a case ends (decided and sealed, refused, withdrawn); the sweep catches up what does not start. */
  private async startArchiving(caseNo: string): Promise<void> {
    if (!this.deps.archiver) return;
    try {
      await this.deps.archiver.start(caseNo);
    } catch (e) {
      (this.deps.onArchiveLag ?? (() => undefined))(caseNo, e);
    }
  }

  /**
   * A case with its notices and (decided) results sealed (one KMS signature per document). Sealing that
   * fails does not undo the action: the case is answered without them, and the sweep seals them.
   */
  private async sealed(state: CaseState): Promise<CaseState> {
    if (!this.deps.sealer) return state;
    try {
      return await this.deps.sealer.seal(state.caseNo);
    } catch (e) {
      (this.deps.onSealLag ?? (() => undefined))(state.caseNo, e);
      return state;
    }
  }

  /** The licences an application names instead of materials: each the applicant's own, of the accepted type, valid today. */
  private async checkLicences(state: CaseState, materials: Record<string, CaseMaterial>, prefix: string, today: string): Promise<void> {
    const holderId = state.applicant.kind === 'person' ? state.applicant.residentId : state.applicant.creditCode;
    for (const [name, material] of Object.entries(materials)) {
      if (material.kind !== 'licence') continue;
      const field = `${prefix}.${name}.licenceId`;
      parseLicenceId(material.licenceId, field);
      const rule = state.materialRules.find((r) => r.name === name)!;
      const issued = await this.deps.licences?.get(material.licenceId);
      checkReusable(issued?.licence, { holderId, typeCode: rule.licenceType!, today, field });
    }
  }

  /** What follows an action in the joint workflow: its start on acceptance, the branch's resumption on an opinion. */
  private async startJoint(state: CaseState): Promise<void> {
    if (!this.deps.workflow) return;
    try {
      const started = await this.deps.workflow.start(state.caseNo);
      if (started === 'ended') this.workflowLag(state.caseNo, 'start', new Error(`the joint handling of case ${state.caseNo} has ended already`));
    } catch (e) {
      this.workflowLag(state.caseNo, 'start', e);
    }
  }

  /** A co-department's opinion resumes the workflow's wait for it (its newest callback token). */
  private async resumeWait(state: CaseState, command: Extract<CaseCommand, { action: 'opinion' }>, caller: Caller): Promise<void> {
    if (!this.deps.workflow) return;
    const departmentId = caller.departmentId!;
    try {
      const token = await this.deps.store.taskToken(state.caseNo, departmentId);
      if (token) await this.deps.workflow.resume(token, { departmentId, outcome: command.outcome });
    } catch (e) {
      this.workflowLag(state.caseNo, 'resume', e);
    }
  }

  private workflowLag(caseNo: string, step: 'start' | 'resume', e: unknown): void {
    (this.deps.onWorkflowLag ?? (() => undefined))(caseNo, step, e);
  }

  private async context(actor: Caller): Promise<CaseContext> {
    const at = this.now();
    return {
      actor,
      at: at.toISOString(),
      today: chinaDate(at),
      calendar: await this.deps.calendar.current(),
      ...(this.deps.deemedAcceptanceDays !== undefined ? { deemedAcceptanceDays: this.deps.deemedAcceptanceDays } : {}),
    };
  }

  /** The published version of an item that accepts applications today. */
  private async acceptingItem(code: string, today: string) {
    const latest = await this.deps.items.latest(code);
    if (!latest || latest.publishedVersion === undefined) {
      throw conflict('CASE_ITEM_NOT_PUBLISHED', `事项 ${code} 不存在或尚未发布，不能申请`, `item ${code} does not exist or has never been published`, 'itemCode');
    }
    const state = effectivePublicState(latest, today);
    if (state === 'suspended') {
      throw conflict('CASE_ITEM_SUSPENDED', `事项 ${code} 已暂停办理，暂不受理申请`, `item ${code} is suspended and accepts no applications`, 'itemCode');
    }
    if (state === 'terminated') {
      throw conflict('CASE_ITEM_TERMINATED', `事项 ${code} 已取消，不再受理申请`, `item ${code} is terminated`, 'itemCode');
    }
    const published = latest.publishedVersion === latest.version ? latest : await this.deps.items.version(code, latest.publishedVersion);
    if (!published) throw new Error(`item ${code}: published version ${latest.publishedVersion} is missing`);
    return { code, version: published.version, guide: published.guide };
  }

  /** The uploads named by a request, each the channel's own and within the upload policy. */
  private uploadsOf(materials: Record<string, CaseMaterial>, channelId: string, prefix: string) {
    return Object.entries(materials).flatMap(([name, m]) => {
      if (m.kind !== 'upload') return [];
      const field = `${prefix}.${name}`;
      checkUploadedMaterial(m, channelId, field, this.deps.maxUploadBytes);
      return [{ field, material: m }];
    });
  }

  private async verifyUploads(uploads: { field: string; material: Extract<CaseMaterial, { kind: 'upload' }> }[]): Promise<void> {
    await Promise.all(uploads.map(({ field, material: m }) => this.deps.materials.verify(m.objectKey, m, `${field}.objectKey`)));
  }

  /** Copies each upload the materials name (kept keys, cases/<caseNo>/…) from `owner`'s uploads. */
  private async keepMaterials(caseNo: string, owner: string, materials: Record<string, CaseMaterial>): Promise<void> {
    await Promise.all(
      Object.values(materials)
        .filter((m) => m.kind === 'upload')
        .map((m) => {
          const kept = m;
          return this.deps.materials.keep(uploadKeyOf(kept.objectKey, caseNo, owner), kept.objectKey);
        }),
    );
  }
}

/** How often an opinion is applied before a lost race is answered (CASE_VERSION_CONFLICT): each co-department's is one of a few. */
const OPINION_ATTEMPTS = 5;
/** Rounds of an action under a key before it is answered CASE_VERSION_CONFLICT: an opinion's attempts, and a few for attempts with the same key. */
const KEYED_ROUNDS = OPINION_ATTEMPTS + 3;

/** The answer to a filing, from its first state and entry. */
function filingResult({ state, entry }: CaseTransition, replayed: boolean): FilingResult {
  return { caseNo: state.caseNo, receipt: receiptOf(state, entry), case: state, replayed };
}

/**
 * A request as its sender sees it, for its digest: a material is its content (SHA-256, size, type), not
 * the upload slot it went through, so a retry that uploaded the same files again is the same request.
 */
function asSent<R extends object>(request: R): R {
  const byContent = (materials: Record<string, CaseMaterial>) =>
    Object.fromEntries(
      Object.entries(materials).map(([name, m]) => [name, m.kind === 'upload' ? { kind: m.kind, sha256: m.sha256, size: m.size, contentType: m.contentType } : m]),
    );
  const r = request as R & { materials?: Record<string, CaseMaterial>; attachments?: Record<string, CaseMaterial> };
  return { ...r, ...(r.materials ? { materials: byContent(r.materials) } : {}), ...(r.attachments ? { attachments: byContent(r.attachments) } : {}) };
}

function sameKey(a: ActionKey | undefined, b: ActionKey): boolean {
  return a !== undefined && a.caseNo === b.caseNo && a.caller === b.caller && a.idempotencyKey === b.idempotencyKey;
}

/** The materials as the case records them: each upload under the case's own key. */
function keptMaterials(materials: Record<string, CaseMaterial>, caseNo: string): Record<string, CaseMaterial> {
  return Object.fromEntries(Object.entries(materials).map(([name, m]) => [name, m.kind === 'upload' ? { ...m, objectKey: caseMaterialKey(caseNo, m.objectKey) } : m]));
}

/** Whether a key's record is no longer the one read before (`before`: none, or pending on its base). */
async function keyMoved(now: Promise<ActionKeyRecord | undefined>, before: ActionKeyRecord | undefined): Promise<boolean> {
  const record = await now;
  if (record === undefined) return false;
  return before === undefined || record.entry !== undefined || record.base !== before.base;
}
