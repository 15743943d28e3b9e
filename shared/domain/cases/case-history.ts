// Hash chaining of a case's history. Each entry's hash covers its content and the previous entry's
// hash, so an entry changed in place, removed or moved breaks the chain at that point. The chain
// alone cannot show that entries were cut off at the end, or that the stored current state no longer
// matches its history: give the case's current state as `head` to check those too.
// Every read of a case makes the head check (case-items.ts stateOfItems), so a deleted newest entry or
// an edited state is found at once. A history rewritten from the first changed entry on, every hash
// recomputed, still verifies; that is what anchoring the newest hash elsewhere (the archive's sealed
// manifest) guards against.
import { canonicalJson } from '../items/record-hash.ts';
import { sha256Hex } from '../sha256.ts';
import type { CaseHistoryEntry, CaseState } from './case-record.ts';
import type { Actor } from '../access/actor.ts';
import { actorOf } from '../access/actor.ts';

export type HistoryCheck = { ok: true } | { ok: false; n: number; reason: string };

/**
 * Checks a case's whole history, oldest first: one case, entries numbered 1…n without gaps or
 * repeats, each intact, each chained to the one before and starting where it ended, the first one
 * the filing. With `head`, also that the history ends at that state and the state is unaltered.
 * Reports the first entry that fails.
 */
export function verifyCaseHistory(entries: readonly CaseHistoryEntry[], head?: CaseState): HistoryCheck {
  const chain = new HistoryChainCheck();
  for (const entry of entries) if (!chain.push(entry)) break;
  return chain.result(head);
}

/**
 * The same check, one entry at a time, holding only the entry before: for a history read page by
 * page, in memory that does not grow with it. `push` answers false once the chain has failed (the
 * rest need not be read).
 */
export class HistoryChainCheck {
  readonly #chain = new EntryChainCheck<CaseHistoryEntry>({ subjectOf: (e) => e.caseNo, noun: 'case', first: { type: 'file', name: 'filing' } });

  push(entry: CaseHistoryEntry): boolean {
    return this.#chain.push(entry);
  }

  /** The check of the entries pushed; with `head`, also that they end at that state, unaltered. */
  result(head?: CaseState): HistoryCheck {
    return this.#chain.result(head && { subject: head.caseNo, version: head.version, hash: head.hash, digest: caseStateDigest(head) });
  }
}

/**
 * An entry of a hash-chained history of states (a case's, a supervision finding's): numbered from 1,
 * the state it went from and to, the digest of the state after it, its hash over every other member,
 * chained to the one before.
 */
export interface ChainedEntry {
  n: number;
  type: string;
  from: string | null;
  to: string;
  stateDigest: string;
  previousHash?: string | undefined;
  hash: string;
}

/** What tells one kind of history from another: whose entry it is, and the entry that must come first. */
export interface ChainRules<E> {
  subjectOf(entry: E): string;
  /** The subject as messages name it (`case`). */
  noun: string;
  /** The entry type a history starts with, and its name in messages (`file`, `filing`). */
  first: { type: string; name: string };
}

/**
 * The chain check of any such history, one entry at a time: one subject, entries numbered 1…n without
 * gaps or repeats, each intact, each chained to the one before and starting where it ended, the first
 * one of the first type. Reports the first entry that fails.
 */
export class EntryChainCheck<E extends ChainedEntry> {
  #first: E | undefined;
  #previous: E | undefined;
  #count = 0;
  #failure: { ok: false; n: number; reason: string } | undefined;

  constructor(private readonly rules: ChainRules<E>) {}

  push(entry: E): boolean {
    if (this.#failure) return false;
    const { noun, first: firstRule } = this.rules;
    const expected = ++this.#count;
    const first = (this.#first ??= entry);
    const previous = this.#previous;
    const fail = (n: number, reason: string) => ((this.#failure = { ok: false, n, reason }), false);
    const subject = this.rules.subjectOf(entry);
    if (subject !== this.rules.subjectOf(first)) return fail(expected, `entry ${expected} belongs to ${noun} ${subject}, not ${this.rules.subjectOf(first)}`);
    if (entry.n > expected) return fail(expected, `entry ${expected} is missing`);
    if (entry.n < expected) return fail(expected, `entry ${entry.n} appears again at position ${expected}: repeated or out of order`);
    if (!isEntryIntact(entry)) return fail(entry.n, 'its content does not match its hash');
    if (entry.previousHash !== previous?.hash) return fail(entry.n, 'it is not chained to the entry before');
    // Checked after the hash: an intact, chained entry with the wrong start was written wrong, not edited.
    if (previous ? entry.type === firstRule.type || entry.from !== previous.to : entry.type !== firstRule.type || entry.from !== null) {
      return fail(entry.n, previous ? `it starts from ${entry.from ?? 'nothing'}, not from ${previous.to}` : `the first entry is not the ${firstRule.name}`);
    }
    this.#previous = entry;
    return true;
  }

  /** The check of the entries pushed; with `head` (the current state: its subject, version, hash and digest), also that they end there. */
  result(head?: { subject: string; version: number; hash: string; digest: string }): HistoryCheck {
    if (this.#failure) return this.#failure;
    const last = this.#previous;
    const { noun, first } = this.rules;
    if (!last) return { ok: false, n: 1, reason: `the history is empty: a ${noun} has at least its ${first.name}` };
    if (head) {
      const subject = this.rules.subjectOf(last);
      if (head.subject !== subject) return { ok: false, n: last.n, reason: `the state is of ${noun} ${head.subject}, the history of ${subject}` };
      if (head.version > last.n) return { ok: false, n: last.n + 1, reason: `the state is at version ${head.version}; entries from ${last.n + 1} on are missing` };
      if (head.version !== last.n || head.hash !== last.hash) return { ok: false, n: last.n, reason: `the state (version ${head.version}) does not end at this entry` };
      if (head.digest !== last.stateDigest) return { ok: false, n: last.n, reason: 'the current state does not match the state this entry recorded' };
    }
    return { ok: true };
  }
}

/** The hash of an entry: SHA-256 over the canonical JSON of every member but `hash`. */
export function hashCaseEntry(entry: Omit<CaseHistoryEntry, 'hash'>): string {
  return hashEntry(entry);
}

/** The hash of any chained history's entry (a case's, a finding's): SHA-256 over the canonical JSON of every member but `hash`. */
export function hashEntry<E extends { hash: string }>(entry: Omit<E, 'hash'>): string {
  return sha256Hex(canonicalJson(entry));
}

/** Whether an entry still hashes to the hash it was written with. */
export function isEntryIntact(entry: { hash: string }): boolean {
  const { hash, ...rest } = entry;
  return hashEntry(rest) === hash;
}

/**
 * Digest of a state as an entry records it. `hash` is left out because it is the hash of the entry
 * that records this digest.
 */
export function caseStateDigest(state: Omit<CaseState, 'hash'> & { hash?: string }): string {
  return stateDigest(state);
}

/**
 * The members every chained history's entry has (a case's, a finding's) after its subject: its
 * number, type, actor, instant and China date, the states it leads from and to, the digests of the
 * payload and of the state after it, and the previous entry's hash. The caller adds its subject and hashes.
 */
export function entryBody<T extends string, S extends string>(
  n: number,
  type: T,
  ctx: { actor: Actor; at: string; today: string },
  from: S | null,
  to: S,
  payload: unknown,
  state: object & { hash?: string },
  previousHash: string | undefined,
) {
  return {
    n,
    type,
    actor: actorOf(ctx.actor),
    at: ctx.at,
    on: ctx.today,
    from,
    to,
    payloadDigest: payloadDigest(payload),
    stateDigest: stateDigest(state),
    ...(previousHash !== undefined ? { previousHash } : {}),
  };
}

/** Digest of any chained history's state (a case's, a finding's), without its `hash`. */
export function stateDigest(state: object & { hash?: string }): string {
  const { hash: _hash, ...rest } = state;
  return sha256Hex(canonicalJson(rest));
}

/** Digest of a command or filing input, for the entry's `payloadDigest`. */
export function payloadDigest(payload: unknown): string {
  return sha256Hex(canonicalJson(payload));
}

/**
 * A kind of record that is its own hash-chained history (a supervision finding, an evaluation, a
 * ticket): the entry member that names the record, and the chain's rules.
 */
export interface RecordHistoryKind<K extends string> {
  /** The entry member holding the record's id (`findingId`). */
  key: K;
  /** The record as messages name it (`finding`). */
  noun: string;
  /** The entry type its history starts with, and its name in messages (`raise`, `raising`). */
  first: { type: string; name: string };
}

/** What such a record has: its id, version (its newest entry's number), state and that entry's hash. */
interface HistoryRecord {
  id: string;
  version: number;
  state: string;
  hash: string;
}

/** The one place a record's next state becomes its history entry: digests and hash, chained to the one before, the record stamped with it. */
export function recordEntry<K extends string, R extends HistoryRecord, E extends ChainedEntry & Record<K, string>>(
  kind: RecordHistoryKind<K>,
  record: Omit<R, 'hash'>,
  type: E['type'],
  from: R | null,
  payload: unknown,
  ctx: { actor: Actor; at: string; today: string },
): { record: R; entry: E } {
  const body = { [kind.key]: record.id, ...entryBody(record.version, type, ctx, from?.state ?? null, record.state, payload, record, from?.hash) };
  const entry = { ...body, hash: hashEntry<{ hash: string }>(body) } as unknown as E;
  return { record: { ...record, hash: entry.hash } as R, entry };
}

/**
 * Checks a record's whole history, oldest first (entries 1…n of one record, each intact and chained,
 * the first of the kind's first type); with `head`, also that it ends at that record, unaltered.
 */
export function verifyRecordHistory<K extends string, E extends ChainedEntry & Record<K, string>>(
  kind: RecordHistoryKind<K>,
  entries: readonly E[],
  head?: Omit<HistoryRecord, 'state'>,
): HistoryCheck {
  const chain = new EntryChainCheck<E>({ subjectOf: (e) => e[kind.key], noun: kind.noun, first: kind.first });
  for (const entry of entries) if (!chain.push(entry)) break;
  return chain.result(head && { subject: head.id, version: head.version, hash: head.hash, digest: stateDigest(head) });
}
