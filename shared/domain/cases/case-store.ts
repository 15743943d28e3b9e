// Port: where cases live. A case is its history: each entry is written once, with a condition that
// entry n is not written yet (the DynamoDB store: that the case's head, which carries its newest
// entries and state, still holds version n - 1), and that conditional write is the action's
// serialisation point — of two actions on the same version exactly one wins (CASE_VERSION_CONFLICT for
// the other). Nothing here needs transactions (dynalite has none): every write stands alone, and what
// a crash leaves behind is completed by the next reader or writer.
// A filing is the case service's steps in order (claimFiling, then completeFiling), each safe to take
// again, so that a retry finishes whatever an earlier attempt left. An action under its caller's
// idempotency key takes the key with its entry (append), and the service reads the key, and the key an
// entry carries, to answer a retry (CaseService.perform).
import type { SupervisionKind } from '../../contracts/case-vocabulary.ts';
import type { DomainError } from '../errors.ts';
import { conflict } from '../errors.ts';
import type { CaseHistoryEntry, CaseState, CaseStatus, CaseTransition } from './case-record.ts';

// The supervision lists and a page's largest size are the wire's (shared/contracts).
export { MAX_CASE_PAGE_SIZE, SUPERVISION_KINDS } from '../../contracts/case-vocabulary.ts';
export type { SupervisionKind };

/** A supervision list's page: each case with the date it passed (a case is listed once per finding). */
export interface SupervisionList {
  cases: { state: CaseState; passedDeadline?: string }[];
  nextCursor?: string;
}

export interface CasePage {
  /** Page size: a whole number from 1 to MAX_CASE_PAGE_SIZE. */
  limit: number;
  /** The `nextCursor` of the previous page of the same query; any other cursor is refused (INVALID_CURSOR). */
  cursor?: string;
}

/** The statuses in which time still acts on a case, or the platform may still owe it a step: the sweep's. */
export type SweepStatus = 'received' | 'supplement-requested' | 'accepted' | 'opinions-complete' | 'decided' | 'refused' | 'withdrawn';

/** Newest states, as the listing indexes hold them (eventually consistent: read a case with `get`). */
export interface CaseList {
  cases: CaseState[];
  /** Present while there may be more: pass it back for the next page. */
  nextCursor?: string;
}

/**
 * A filing as its channel's idempotency key keeps it: the request's digest, and the case's number,
 * first state and first entry, so whoever finds it can answer the filing again or finish it.
 */
export interface FilingRecord extends CaseTransition {
  channelId: string;
  idempotencyKey: string;
  /** The digest of the request that made the filing (the same key with another request is refused). */
  requestDigest: string;
  caseNo: string;
}

/** An action's idempotency key: per caller (the principal's name) and case. */
export interface ActionKey {
  caseNo: string;
  caller: string;
  idempotencyKey: string;
}

/**
 * What an action's idempotency key holds: the digest of the request that took it; `base`, the version
 * the action is written on — its entry can only be entry base + 1, and the record moves to another
 * base only once that entry is another action's —; and, once known, `entry`: the one it wrote.
 */
export interface ActionKeyRecord extends ActionKey {
  requestDigest: string;
  base: number;
  entry?: number;
}

/**
 * How `append` takes a key for the entry it writes (`base`: entry.n - 1): a new record where there is
 * none, or — `held` — the pending record its taker read at that base, as it is (nothing to write: the
 * entry's own condition decides between the attempts that hold it).
 */
export interface ActionKeyClaim extends ActionKeyRecord {
  held?: boolean;
}

export interface CaseStore {
  /**
   * The filing that holds a channel's idempotency key, read consistently; undefined while the key is
   * free. Keys are per channel: another channel's equal key is another filing. A key that cannot be
   * one (IDEMPOTENCY_KEY_HEADER, checked by the edge) is a caller's bug, refused with an Error.
   */
  filing(channelId: string, idempotencyKey: string): Promise<FilingRecord | undefined>;

  /**
   * Takes the record's channel and key for its filing: the one write that decides a filing, so every
   * check of the filing comes before it. Of concurrent claims of a key exactly one takes it and is
   * answered undefined; every other claim is answered with the filing that holds the key (as `filing`
   * reads it). The record's state and entry must be the first of case `caseNo`, filed by `channelId`.
   * The case is not readable yet: `completeFiling` makes it so.
   */
  claimFiling(record: FilingRecord): Promise<FilingRecord | undefined>;

  /** Whether `completeFiling` has finished for the case: its last write, the head, is in place. */
  filingComplete(caseNo: string): Promise<boolean>;

  /**
   * Writes a claimed filing's case: its first entry and head (from then on `get` reads it and it is
   * listed). Safe to repeat (by the filer, or a retry that finds the filing unfinished).
   * Fails when the head cannot be written — nobody would read a case in no queue to roll its head
   * forward, so the caller's retry must — and when the case number already holds another case.
   */
  completeFiling(first: CaseTransition): Promise<void>;

  /**
   * Records an action: `state` and `entry` are `applyCaseCommand`'s answer for `previous`, the state
   * `get` gave (the entry keeps what changed from it). Rejects with CASE_VERSION_CONFLICT when entry
   * `entry.n` already exists: someone acted first; with CASE_TOO_LARGE, writing nothing, when the case
   * record would not fit.
   * With `key`, the action is written under its caller's idempotency key (see ActionKeyClaim): once the
   * entry is checked (CASE_TOO_LARGE, nothing written), the key is taken for it — CASE_VERSION_CONFLICT
   * when it is taken already (another attempt with the key got there first: read it again) — then the
   * entry is written carrying the key, and the key's record settled on it.
   */
  append(state: CaseState, entry: CaseHistoryEntry, previous: CaseState, key?: ActionKeyClaim): Promise<void>;

  /** The record of a caller's idempotency key on a case, read consistently; undefined while the key is free. */
  actionKey(key: ActionKey): Promise<ActionKeyRecord | undefined>;

  /** The key entry `n` of the case was written under; undefined for an entry written without one, or none. */
  entryActionKey(caseNo: string, n: number): Promise<ActionKey | undefined>;

  /** Sets the entry of a pending record whose action is found written as entry `n` (its base is n - 1); otherwise nothing. */
  settleActionKey(record: ActionKeyRecord, n: number): Promise<void>;

  /**
   * Releases a pending record still at its base, so that the key binds nothing (it reads as free, and
   * may be taken again): only once entry base + 1 is known to be another action's (no attempt with the
   * key can write any more); otherwise nothing.
   */
  releaseActionKey(record: ActionKeyRecord): Promise<void>;

  /**
   * The newest state, read consistently and checked against the newest history entry; undefined for
   * an unknown case number. A case whose stored state and history disagree (an entry deleted or
   * altered, the state edited) is refused with CASE_HISTORY_BROKEN: nobody acts on it.
   */
  get(caseNo: string): Promise<CaseState | undefined>;

  /** As `get`, but a broken case is answered with where it breaks (and the state as stored), for those who must see it. */
  read(caseNo: string): Promise<CaseRead | undefined>;

  /** A page of the case's history entries, oldest first (empty for an unknown case). */
  historyPage(caseNo: string, page: CasePage): Promise<{ entries: CaseHistoryEntry[]; nextCursor?: string }>;

  /** Every history entry of the case, oldest first, read a page at a time (none for an unknown case). */
  entries(caseNo: string): AsyncIterable<CaseHistoryEntry>;

  /**
   * A department's cases in one status, soonest due first: accepted cases by their promised deadline,
   * received and supplement-requested ones by the day their answer is due (`deemedAcceptedOn`) — each
   * sooner if something else falls due on it before (a pre-review opinion, the end of a special
   * procedure, 容缺 materials: case-findings.ts' `findingsAwaited`; a paused case by the day its
   * procedure is expected to end) — final ones by the day they ended. Cases without such a date (a
   * pause without an expected length, a date not computable, a step the platform still owes: joint
   * start, seal, archive) come last. Ties by case number.
   */
  departmentQueue(departmentId: string, status: CaseStatus, page: CasePage): Promise<CaseList>;

  /**
   * The cases a channel filed, by applicant (resident ID or credit code), then filing time; with
   * `applicantId`, that applicant's only.
   */
  channelCases(channelId: string, applicantId: string | undefined, page: CasePage): Promise<CaseList>;

  /**
   * The cases on a supervision list, earliest passed date first (the promised deadline for `overdue`,
   * the statutory one for `violation`, a finding's due day for a finding's list): those whose newest
   * state's `supervision` mark names it or that have such a finding (once per finding), ended ones
   * included (lateness stays on record for supervision).
   */
  listSupervision(kind: SupervisionKind, page: CasePage): Promise<SupervisionList>;

  /**
   * What the periodic sweep must look at in a department: its cases in `status` whose queue date lies
   * before `before` (received: the answer period's last day; accepted and opinions-complete: the
   * promised deadline), and
   * those without a date (flagged, or paused), all of them, page after page; `decided`, `refused`,
   * `withdrawn`: only those without a date, which are the ones not sealed (decided) or not archived
   * yet; `supplement-requested`: only those without a date, which are the ones owing a notice
   * (case-follow-ups.ts). Served by the queue index.
   */
  sweepCandidates(departmentId: string, status: SweepStatus, before: string): AsyncIterable<CaseState>;

  /**
   * A co-department's open joint tasks (pending or escalated, on cases still awaiting opinions), soonest
   * due first (tasks without a due date last), as the cases they belong to. Eventually consistent, like
   * every listing; a dispatched task is listed once the workflow's wait has kept its token (putTaskToken).
   */
  jointTaskQueue(departmentId: string, page: CasePage): Promise<CaseList>;

  /**
   * Keeps the callback token of the workflow's wait for a co-department's opinion (the newest one
   * replaces the one before), and with it the task's place in the co-department's open-task list as
   * `state` (the case as the wait read it) has it — a newer state's place stands where an action has
   * written one since: the workflow's wait is what lists a dispatched task. Not part of the case's
   * history: a token is the workflow's, not the case's.
   */
  putTaskToken(state: CaseState, departmentId: string, token: string): Promise<void>;

  /** The newest callback token kept for the co-department's opinion, if any. */
  taskToken(caseNo: string, departmentId: string): Promise<string | undefined>;

  /**
   * The calendar data versions (year → version) whose dates every open case was last brought in line
   * with by the sweep, if any run did; and recording them once a run has. Not part of any case.
   */
  calendarApplied(): Promise<Record<string, number> | undefined>;
  recordCalendarApplied(versions: Record<string, number>): Promise<void>;
}

/** A case as read: its newest state, or — stored state and history disagreeing — the state as stored and where they part. */
export interface CaseRead {
  state: CaseState;
  broken?: { n: number; reason: string };
}

/** The state of a case read, refused when it is broken (see CaseStore.get). */
export function intactState(read: CaseRead | undefined): CaseState | undefined {
  if (read?.broken) throw caseHistoryBroken(read.state.caseNo, read.broken);
  return read?.state;
}

export function caseHistoryBroken(caseNo: string, at: { n: number; reason: string }): DomainError {
  return conflict(
    'CASE_HISTORY_BROKEN',
    `办件 ${caseNo} 的记录与其历史不一致（第 ${at.n} 条记录处），可能已被改动；在平台核查之前不能办理`,
    `case ${caseNo}: its stored state and history disagree at entry ${at.n} (${at.reason}); nobody may act on it until the platform has looked into it`,
  );
}

/**
 * The case's history up to entry `upTo` (the version of the state read: entries appended after it are
 * left for the next read), read a page at a time: for what needs it whole, such as an archive bundle.
 */
export async function historyUpTo(store: CaseStore, caseNo: string, upTo: number): Promise<CaseHistoryEntry[]> {
  const entries: CaseHistoryEntry[] = [];
  for await (const entry of store.entries(caseNo)) {
    if (entry.n > upTo) break;
    entries.push(entry);
  }
  return entries;
}

/** The answer to the loser of a race on the same entry, and to a retry built on an old state. */
export function caseVersionConflict(caseNo: string, n: number): DomainError {
  return conflict(
    'CASE_VERSION_CONFLICT',
    '办件已被他人办理（状态已更新），请刷新后重试',
    `entry ${n} of case ${caseNo} already exists: someone acted on version ${n - 1} first; reload and retry`,
  );
}

/** An idempotency key used again by the same channel for a different request. */
export function idempotencyKeyReused(channelId: string, caseNo: string): DomainError {
  return conflict(
    'IDEMPOTENCY_KEY_REUSED',
    '该幂等键已用于另一份不同的申请，请为新的申请使用新的幂等键',
    `channel ${channelId} already filed case ${caseNo} with this Idempotency-Key and a different request; use a new key for a new request`,
    IDEMPOTENCY_KEY_FIELD,
  );
}

/** An action's idempotency key used again by the same caller on the same case for a different request. */
export function actionKeyReused(key: ActionKey): DomainError {
  return conflict(
    'IDEMPOTENCY_KEY_REUSED',
    '该幂等键已用于对本办件的另一项不同操作，请为新的操作使用新的幂等键',
    `${key.caller} already acted on case ${key.caseNo} with this Idempotency-Key and a different request; use a new key for a new request`,
    IDEMPOTENCY_KEY_FIELD,
  );
}

/** The request header that carries the idempotency key: the field its errors name. */
export const IDEMPOTENCY_KEY_FIELD = 'Idempotency-Key';
