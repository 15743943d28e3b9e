// The case store's contract, run against each store (test/integration/dynamo-case-store.test.ts on
// dynalite, test/unit/memory-case-store.test.ts in memory) with states made by the real case lifecycle
// on the 2026 calendar: the filing's writes — the key taken once under concurrent claims, the case
// readable only once completed — one winner of two concurrent decisions with the history still a
// valid chain, the department queue read over its shards in deadline order, a channel's cases by
// applicant, cursors bound to their query, the supervision lists, the sweep's candidates, the joint
// task queues and the callback tokens; an action's idempotency key taken once with its entry, per caller
// and case, left pending by a lost race and released then, never taken for an entry too large. The
// filing's order and its retries, and an action's under its key, are the case service's.
import { describe, expect, it } from 'vitest';
import { queueShard } from '../../shared/adapters/case-items.ts';
import type { ServiceGuide } from '../../shared/contracts/service-item.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { payloadDigest, verifyCaseHistory } from '../../shared/domain/cases/case-history.ts';
import type { CaseCommand, CaseContext } from '../../shared/domain/cases/case-lifecycle.ts';
import { SYSTEM_CALLER, applyCaseCommand, fileCase } from '../../shared/domain/cases/case-lifecycle.ts';
import { sealNoticesCommand } from './notice-seals.ts';
import type { Applicant, CaseMaterial, CaseState, CaseTransition, JsonValue } from '../../shared/domain/cases/case-record.ts';
import type { ActionKeyClaim, CaseList, CasePage, CaseStore, FilingRecord } from '../../shared/domain/cases/case-store.ts';
import { newCaseNo } from '../../shared/domain/identifiers/case-number.ts';
import { upload } from './case-materials.ts';
import { BUILDING, FIRE, FOOD, HALL, HEALTH, JOINT, LI, MARKET, MARKET_DEPUTY, PORTAL, SHOP, ZHANG } from './case-fixtures.ts';
import { CHANNELS, DEPARTMENTS } from './directory-fixtures.ts';
import { rejection } from './refusal.ts';
import { writeFiling } from './stored-filing.ts';
import { historyUpTo } from '../../shared/domain/cases/case-store.ts';

const ZHANG_ID = ZHANG.residentId;
const LI_ID = LI.residentId;
const PORTAL_ID = CHANNELS.portal.id;
const HALL_ID = CHANNELS.hall.id;

export interface Application {
  applicant: Applicant;
  form: Record<string, JsonValue>;
  materials: Record<string, CaseMaterial>;
}

/** 10:00 China time (02:00 UTC) on `date`, plus `minute` minutes. */
export function on(date: string, actor: Caller, minute = 0): CaseContext {
  return { actor, at: `${date}T02:${String(minute).padStart(2, '0')}:00.000Z`, today: date, calendar: officialCalendar };
}

/** An application with every required material of the guide uploaded. */
export function application(applicant: Applicant, guide: ServiceGuide = FOOD, form: Record<string, JsonValue> = { 经营场所面积: 120 }): Application {
  return { applicant, form, materials: Object.fromEntries(guide.materials.filter((m) => m.required).map((m) => [m.name, upload(m.name)])) };
}

/** Files straight into the store (the domain's filing, numbered on its day; no catalogue, no files kept). */
export function file(request: { store: CaseStore; by: Caller; key: string; app: Application; date: string; minute?: number; guide?: ServiceGuide }): Promise<CaseTransition> {
  const { by, key, app, date, minute = 0, guide = FOOD } = request;
  const ctx = on(date, by, minute);
  const first = fileCase({ caseNo: newCaseNo(new Date(ctx.at)), item: { code: guide.implementationCode, version: 3, guide }, ...app }, ctx);
  return writeFiling(request.store, key, first, payloadDigest({ itemCode: guide.implementationCode, ...app }));
}

/** Reads the case, applies the command and records it, as the case service will. */
export async function act(s: CaseStore, caseNo: string, command: CaseCommand, ctx: CaseContext): Promise<CaseState> {
  const current = await s.get(caseNo);
  const next = applyCaseCommand(current!, command, ctx);
  await s.append(next.state, next.entry, current!);
  return next.state;
}

/** As `act`, then the notice the action owes sealed (by the system, at the same instant), as the case service's sealer would. */
export async function actSealed(s: CaseStore, caseNo: string, command: CaseCommand, ctx: CaseContext): Promise<CaseState> {
  const state = await act(s, caseNo, command, ctx);
  return state.noticesDue?.length ? act(s, caseNo, sealNoticesCommand(state, ctx.at), { ...ctx, actor: SYSTEM_CALLER }) : state;
}

/** Every page of a listing, following the cursors (fails beyond 100 pages). */
export async function allPages(list: (page: CasePage) => Promise<CaseList>, limit: number): Promise<{ pages: CaseState[][]; cases: CaseState[] }> {
  const pages: CaseState[][] = [];
  let cursor: string | undefined;
  do {
    const page = await list({ limit, ...(cursor ? { cursor } : {}) });
    pages.push(page.cases);
    cursor = page.nextCursor;
  } while (cursor && pages.length < 100);
  expect(cursor).toBeUndefined();
  return { pages, cases: pages.flat() };
}

/** The contract's tests, each on an empty store of its own that `makeStore` gives. */
export function caseStoreContract(name: string, makeStore: () => Promise<CaseStore>): void {
  describe(`${name}: the filing writes`, () => {
    /** The record of a filing by the portal on Mon 23 Nov with `key`, of a case numbered that day. */
    const record = (key: string, applicant: Applicant = ZHANG): FilingRecord => {
      const app = application(applicant);
      const first = fileCase(
        { caseNo: newCaseNo(new Date('2026-11-23T02:00:00.000Z')), item: { code: FOOD.implementationCode, version: 3, guide: FOOD }, ...app },
        on('2026-11-23', PORTAL),
      );
      return { channelId: PORTAL_ID, idempotencyKey: key, requestDigest: payloadDigest(app), caseNo: first.state.caseNo, ...first };
    };

    it('lets exactly one of 20 concurrent claims of a key take it, and answers the others with its filing', async () => {
      // Prepare: 20 filings of different cases (two applicants) claiming one key
      const fresh = await makeStore();
      const claims = Array.from({ length: 20 }, (_, i) => record('claim-1', i % 2 ? LI : ZHANG));

      // Act
      const answers = await Promise.all(claims.map((c) => fresh.claimFiling(c)));

      // Assess: one took it; every other claim was answered with the winner's record, as `filing` reads it
      const won = answers.findIndex((a) => a === undefined);
      expect(answers.filter((a) => a === undefined)).toHaveLength(1);
      for (const answer of answers.filter((a) => a !== undefined)) expect(answer).toEqual(claims[won]);
      expect(await fresh.filing(PORTAL_ID, 'claim-1')).toEqual(claims[won]);
      expect(await fresh.filing(HALL_ID, 'claim-1')).toBeUndefined();
      expect(await fresh.filing(PORTAL_ID, 'claim-2')).toBeUndefined();
    });

    it('makes a claimed case readable and listed only once it is completed, and completes it once however often asked', async () => {
      // Prepare
      const fresh = await makeStore();
      const claimed = record('complete-1');
      await fresh.claimFiling(claimed);
      const before = {
        complete: await fresh.filingComplete(claimed.caseNo),
        state: await fresh.get(claimed.caseNo),
        history: await historyUpTo(fresh, claimed.caseNo, Infinity),
        listed: (await fresh.channelCases(PORTAL_ID, undefined, { limit: 10 })).cases,
      };

      // Act
      await fresh.completeFiling(claimed);
      await Promise.all([fresh.completeFiling(claimed), fresh.completeFiling(claimed)]);

      // Assess
      expect(before).toEqual({ complete: false, state: undefined, history: [], listed: [] });
      expect(await fresh.filingComplete(claimed.caseNo)).toBe(true);
      expect(await fresh.get(claimed.caseNo)).toEqual(claimed.state);
      expect(await historyUpTo(fresh, claimed.caseNo, Infinity)).toEqual([claimed.entry]);
      expect((await fresh.channelCases(PORTAL_ID, undefined, { limit: 10 })).cases).toEqual([claimed.state]);
    });

    it('refuses to complete a filing whose case number holds another case, and a claim that is not the first state of its case', async () => {
      // Prepare: a case written; another filing that drew the same number (36^10 a day: not by chance)
      const fresh = await makeStore();
      const first = record('twice-1');
      await writeFiling(fresh, 'twice-1', first);
      const other = record('twice-2', LI);
      const sameNumber = fileCase({ caseNo: first.caseNo, item: { code: FOOD.implementationCode, version: 3, guide: FOOD }, ...application(LI) }, on('2026-11-23', PORTAL, 1));
      const accepted = applyCaseCommand(first.state, { action: 'accept' }, on('2026-11-23', MARKET, 2));

      // Act / Assess
      await expect(fresh.completeFiling(sameNumber)).rejects.toThrow(/drawn for two filings/);
      await expect(fresh.completeFiling(accepted)).rejects.toThrow(/not the first of case/);
      await expect(fresh.claimFiling({ ...other, channelId: HALL_ID })).rejects.toThrow(new RegExp(`is filed by ${PORTAL_ID}, not by ${HALL_ID}`));
      await expect(fresh.claimFiling({ ...other, caseNo: first.caseNo })).rejects.toThrow(/holds case/);
      expect(await historyUpTo(fresh, first.caseNo, Infinity)).toEqual([first.entry]);
      expect(await fresh.filing(PORTAL_ID, 'twice-2')).toBeUndefined();
    });

    it('refuses an idempotency key that cannot be a key (the edge refuses it first, with its code: test/unit/api-handler.test.ts)', async () => {
      const store = await makeStore();
      for (const key of ['', 'with space', 'x'.repeat(129), '键']) {
        await expect(store.filing(PORTAL_ID, key)).rejects.toThrow(/is not an idempotency key/);
        await expect(store.claimFiling(record(key))).rejects.toThrow(/is not an idempotency key/);
      }
    });
  });

  describe(`${name}: actions`, () => {
    it('lets exactly one of two concurrent decisions win, and the history stays a valid chain', async () => {
      // Prepare: filed and accepted; two market users then decide from the same state
      const store = await makeStore();
      const filed = await file({ store, by: PORTAL, key: 'decide-1', app: application(ZHANG), date: '2026-11-23' });
      const accepted = await act(store, filed.state.caseNo, { action: 'accept' }, on('2026-11-24', MARKET));
      const approve = applyCaseCommand(accepted, { action: 'decide', outcome: 'approved' }, on('2026-11-25', MARKET));
      const deny = applyCaseCommand(accepted, { action: 'decide', outcome: 'denied', reasons: ['经营场所不符合要求'] }, on('2026-11-25', MARKET_DEPUTY, 1));

      // Act
      const results = await Promise.allSettled([store.append(approve.state, approve.entry, accepted), store.append(deny.state, deny.entry, accepted)]);

      // Assess
      const won = results.findIndex((r) => r.status === 'fulfilled');
      const lost = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      expect(lost?.reason).toMatchObject({ code: 'CASE_VERSION_CONFLICT', kind: 'conflict' });
      const winner = [approve, deny][won]!;
      const head = await store.get(filed.state.caseNo);
      const history = await historyUpTo(store, filed.state.caseNo, Infinity);
      expect(head).toEqual(winner.state);
      expect(history.map((e) => e.type)).toEqual(['file', 'accept', 'decide']);
      expect(history[2]).toEqual(winner.entry);
      expect(verifyCaseHistory(history, head)).toEqual({ ok: true });
    });

    it("refuses an action whose record would not fit DynamoDB's item, counted in UTF-8 bytes with room for what must follow, writing nothing (CASE_TOO_LARGE)", async () => {
      // Prepare: a case whose form takes 120,000 bytes in UTF-8 (40,000 characters: as many UTF-16 units)
      const store = await makeStore();
      const form = { 说明: '经'.repeat(40_000) };
      const filed = await file({ store, by: PORTAL, key: 'large-1', app: application(ZHANG, FOOD, form), date: '2026-11-23' });
      const accepted = await act(store, filed.state.caseNo, { action: 'accept' }, on('2026-11-24', MARKET));
      // Reasons of 76,000 characters (228,000 bytes): with the state, over 400 KiB less the 64 KiB kept for
      // the follow-ups, under 400 KiB — and a third of that in UTF-16 units, which dynalite would take.
      const refusal = applyCaseCommand(accepted, { action: 'decide', outcome: 'denied', reasons: ['理'.repeat(76_000)] }, on('2026-11-25', MARKET));
      const fitting = applyCaseCommand(accepted, { action: 'decide', outcome: 'denied', reasons: ['理'.repeat(20_000)] }, on('2026-11-25', MARKET));

      // Act
      const refused = await rejection(store.append(refusal.state, refusal.entry, accepted));
      const history = await historyUpTo(store, filed.state.caseNo, Infinity);
      const head = await store.get(filed.state.caseNo);
      await store.append(fitting.state, fitting.entry, accepted);

      // Assess
      expect(refused).toMatchObject({ code: 'CASE_TOO_LARGE', kind: 'too-large' });
      expect(history.map((e) => e.type)).toEqual(['file', 'accept']);
      expect(head).toEqual(accepted);
      expect((await store.get(filed.state.caseNo))!.status).toBe('decided');
    });

    it('reads nothing for an unknown or malformed case number', async () => {
      const store = await makeStore();
      expect(await store.get('20261123ZZZZZZZZZZ')).toBeUndefined();
      expect(await historyUpTo(store, '20261123ZZZZZZZZZZ', Infinity)).toEqual([]);
      expect(await store.historyPage('20261123ZZZZZZZZZZ', { limit: 10 })).toEqual({ entries: [] });
      expect(await store.get('no#such')).toBeUndefined();
    });
  });

  describe(`${name}: actions under an idempotency key`, () => {
    /** A caller's key on a case, taken for an action on `base`. */
    const claim = (caseNo: string, base: number, extra: Partial<ActionKeyClaim> = {}): ActionKeyClaim => ({
      caseNo,
      caller: MARKET.name,
      idempotencyKey: 'pause-1',
      requestDigest: 'd'.repeat(64),
      base,
      ...extra,
    });
    const pause = (state: CaseState, ctx: CaseContext) => applyCaseCommand(state, { action: 'pause', procedure: 'hearing', reason: '听证', expectedDays: 10 }, ctx);

    it('lets exactly one of 20 concurrent appends under one new key write the entry; the entry carries the key, and the key the entry', async () => {
      // Prepare: filed and accepted (version 2); 20 attempts with the same key, each its own pause of version 2
      const store = await makeStore();
      const filed = await file({ store, by: PORTAL, key: 'keyed-1', app: application(ZHANG), date: '2026-11-23' });
      const caseNo = filed.state.caseNo;
      const accepted = await act(store, caseNo, { action: 'accept' }, on('2026-11-24', MARKET));
      const attempts = Array.from({ length: 20 }, (_, i) => pause(accepted, on('2026-11-25', MARKET, i)));

      // Act
      const results = await Promise.allSettled(attempts.map((t) => store.append(t.state, t.entry, accepted, claim(caseNo, 2))));

      // Assess
      const won = results.findIndex((r) => r.status === 'fulfilled');
      expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
      for (const r of results.filter((r): r is PromiseRejectedResult => r.status === 'rejected')) expect(r.reason).toMatchObject({ code: 'CASE_VERSION_CONFLICT' });
      expect(await store.get(caseNo)).toEqual(attempts[won]!.state);
      expect(await historyUpTo(store, caseNo, Infinity)).toHaveLength(3);
      expect(await store.actionKey(claim(caseNo, 2))).toEqual({ caseNo, caller: MARKET.name, idempotencyKey: 'pause-1', requestDigest: 'd'.repeat(64), base: 2, entry: 3 });
      expect(await store.entryActionKey(caseNo, 3)).toEqual({ caseNo, caller: MARKET.name, idempotencyKey: 'pause-1' });
      expect(await store.entryActionKey(caseNo, 2)).toBeUndefined();
      expect(await store.entryActionKey(caseNo, 4)).toBeUndefined();
    });

    it('keeps keys per caller and case: the same key of another caller, or on another case, is free', async () => {
      // Prepare
      const store = await makeStore();
      const one = await file({ store, by: PORTAL, key: 'keyed-2', app: application(ZHANG), date: '2026-11-23' });
      const two = await file({ store, by: PORTAL, key: 'keyed-3', app: application(LI), date: '2026-11-23', minute: 1 });
      const accepted = await act(store, one.state.caseNo, { action: 'accept' }, on('2026-11-24', MARKET));
      const paused = pause(accepted, on('2026-11-25', MARKET));
      await store.append(paused.state, paused.entry, accepted, claim(one.state.caseNo, 2));
      const resumed = applyCaseCommand(paused.state, { action: 'resume' }, on('2026-11-26', MARKET_DEPUTY));
      const acceptedTwo = applyCaseCommand(two.state, { action: 'accept' }, on('2026-11-24', MARKET));

      // Act: the deputy's key of the same name on the same case; the market's on the other case
      await store.append(resumed.state, resumed.entry, paused.state, claim(one.state.caseNo, 3, { caller: MARKET_DEPUTY.name }));
      await store.append(acceptedTwo.state, acceptedTwo.entry, two.state, claim(two.state.caseNo, 1));

      // Assess
      expect((await store.actionKey(claim(one.state.caseNo, 0)))?.entry).toBe(3);
      expect((await store.actionKey(claim(one.state.caseNo, 0, { caller: MARKET_DEPUTY.name })))?.entry).toBe(4);
      expect((await store.actionKey(claim(two.state.caseNo, 0)))?.entry).toBe(2);
      expect(await store.actionKey(claim(two.state.caseNo, 0, { caller: MARKET_DEPUTY.name }))).toBeUndefined();
      expect((await store.get(one.state.caseNo))?.version).toBe(4);
    });

    it('leaves a key taken for an entry another action wrote first pending at its base; a release then removes it, never a settled key', async () => {
      // Prepare: the deputy pauses first (no key); the market's pause of the same version comes second
      const store = await makeStore();
      const filed = await file({ store, by: PORTAL, key: 'keyed-4', app: application(ZHANG), date: '2026-11-23' });
      const caseNo = filed.state.caseNo;
      const accepted = await act(store, caseNo, { action: 'accept' }, on('2026-11-24', MARKET));
      const first = pause(accepted, on('2026-11-25', MARKET_DEPUTY));
      const second = pause(accepted, on('2026-11-25', MARKET, 1));
      await store.append(first.state, first.entry, accepted);

      // Act
      const lost = await rejection(store.append(second.state, second.entry, accepted, claim(caseNo, 2)));
      const pending = await store.actionKey(claim(caseNo, 2));
      await store.settleActionKey(claim(caseNo, 5), 6); // a settlement at another base: nothing
      await store.releaseActionKey(claim(caseNo, 1)); // a release at another base: nothing
      const kept = await store.actionKey(claim(caseNo, 2));
      await store.releaseActionKey(claim(caseNo, 2));

      // Assess
      expect(lost).toMatchObject({ code: 'CASE_VERSION_CONFLICT' });
      expect(pending).toEqual({ caseNo, caller: MARKET.name, idempotencyKey: 'pause-1', requestDigest: 'd'.repeat(64), base: 2 });
      expect(kept).toEqual(pending);
      expect(await store.actionKey(claim(caseNo, 2))).toBeUndefined();
      expect(await store.entryActionKey(caseNo, 3)).toBeUndefined();
      expect(await store.get(caseNo)).toEqual(first.state);

      // A settled key stays whatever is released
      const resumed = applyCaseCommand(first.state, { action: 'resume' }, on('2026-11-26', MARKET));
      await store.append(resumed.state, resumed.entry, first.state, claim(caseNo, 3));
      await store.releaseActionKey(claim(caseNo, 3));
      expect((await store.actionKey(claim(caseNo, 3)))?.entry).toBe(4);
    });

    it('checks the entry before it takes the key: an action too large is refused and its key stays free', async () => {
      // Prepare: as in the CASE_TOO_LARGE test above
      const store = await makeStore();
      const filed = await file({ store, by: PORTAL, key: 'keyed-5', app: application(ZHANG, FOOD, { 说明: '经'.repeat(40_000) }), date: '2026-11-23' });
      const caseNo = filed.state.caseNo;
      const accepted = await act(store, caseNo, { action: 'accept' }, on('2026-11-24', MARKET));
      const refusal = applyCaseCommand(accepted, { action: 'decide', outcome: 'denied', reasons: ['理'.repeat(76_000)] }, on('2026-11-25', MARKET));

      // Act
      const refused = await rejection(store.append(refusal.state, refusal.entry, accepted, claim(caseNo, 2)));

      // Assess
      expect(refused).toMatchObject({ code: 'CASE_TOO_LARGE' });
      expect(await store.actionKey(claim(caseNo, 2))).toBeUndefined();
      expect(await store.get(caseNo)).toEqual(accepted);
    });

    it('refuses a key that cannot be one, and a key taken for another entry than the one written (a bug of its caller)', async () => {
      const store = await makeStore();
      const filed = await file({ store, by: PORTAL, key: 'keyed-6', app: application(ZHANG), date: '2026-11-23' });
      const caseNo = filed.state.caseNo;
      const accepted = applyCaseCommand(filed.state, { action: 'accept' }, on('2026-11-24', MARKET));
      for (const key of ['', 'with space', 'x'.repeat(129), '键']) {
        await expect(store.actionKey(claim(caseNo, 1, { idempotencyKey: key }))).rejects.toThrow(/is not an idempotency key/);
        await expect(store.append(accepted.state, accepted.entry, filed.state, claim(caseNo, 1, { idempotencyKey: key }))).rejects.toThrow(/is not an idempotency key/);
      }
      await expect(store.append(accepted.state, accepted.entry, filed.state, claim(caseNo, 2))).rejects.toThrow(/cannot be taken for entry 2/);
      expect(await store.get(caseNo)).toEqual(filed.state);
    });
  });

  describe(`${name}: listings`, () => {
    it("serves a department's queue from every shard, soonest deadline first, each case once over the pages", async () => {
      // Prepare: twelve market cases accepted on different days of November 2026 (two on the same day:
      // equal deadlines, ordered by case number), one of them paused (no deadline: last), two left
      // received (another status), and one housing case (another department)
      const fresh = await makeStore();
      const days = [
        '2026-11-02',
        '2026-11-03',
        '2026-11-04',
        '2026-11-05',
        '2026-11-06',
        '2026-11-09',
        '2026-11-10',
        '2026-11-11',
        '2026-11-12',
        '2026-11-13',
        '2026-11-13',
        '2026-11-16',
      ];
      const accepted: CaseState[] = [];
      for (const [i, day] of days.entries()) {
        const filed = await file({ store: fresh, by: PORTAL, key: `queue-${i}`, app: application(ZHANG), date: day, minute: i });
        accepted.push(await actSealed(fresh, filed.state.caseNo, { action: 'accept' }, on(day, MARKET, 30)));
      }
      const paused = await actSealed(
        fresh,
        accepted[3]!.caseNo,
        { action: 'pause', procedure: 'site-inspection', reason: '核查经营场所', expectedDays: 10 },
        on('2026-11-17', MARKET),
      );
      accepted[3] = paused;
      const received = [
        (await file({ store: fresh, by: PORTAL, key: 'queue-received-late', app: application(LI), date: '2026-11-20' })).state,
        (await file({ store: fresh, by: PORTAL, key: 'queue-received-early', app: application(LI), date: '2026-11-18' })).state,
      ];
      const housing = await file({ store: fresh, by: PORTAL, key: 'queue-housing', app: application(SHOP, BUILDING), date: '2026-11-05', guide: BUILDING });
      await actSealed(fresh, housing.state.caseNo, { action: 'accept' }, on('2026-11-05', { name: 'housing', role: 'department', departmentId: DEPARTMENTS.housing.id }, 30));

      // Expected, from the states themselves: by promised deadline, then case number; no deadline last
      const due = (s: CaseState) => s.deadlines?.promised ?? '~';
      const expected = [...accepted].sort((a, b) => (due(a) === due(b) ? (a.caseNo < b.caseNo ? -1 : 1) : due(a) < due(b) ? -1 : 1));
      expect(new Set(accepted.map((s) => queueShard(s.caseNo))).size).toBeGreaterThan(1);
      expect(expected.at(-1)).toEqual(paused);

      // Act
      const byThree = await allPages((page) => fresh.departmentQueue(DEPARTMENTS.market.id, 'accepted', page), 3);
      const byOne = await allPages((page) => fresh.departmentQueue(DEPARTMENTS.market.id, 'accepted', page), 1);
      const whole = await fresh.departmentQueue(DEPARTMENTS.market.id, 'accepted', { limit: 100 });
      const receivedQueue = await fresh.departmentQueue(DEPARTMENTS.market.id, 'received', { limit: 100 });

      // Assess
      expect(byThree.cases.map((s) => s.caseNo)).toEqual(expected.map((s) => s.caseNo));
      expect(byThree.pages.every((p) => p.length <= 3)).toBe(true);
      expect(byThree.pages.slice(0, 4).map((p) => p.length)).toEqual([3, 3, 3, 3]);
      expect(byOne.cases.map((s) => s.caseNo)).toEqual(expected.map((s) => s.caseNo));
      expect(whole).toEqual({ cases: expected });
      // Received cases wait for the department's answer, soonest due first
      expect(received[1]!.deemedAcceptedOn! < received[0]!.deemedAcceptedOn!).toBe(true);
      expect(receivedQueue).toEqual({ cases: [received[1], received[0]] });
      expect((await fresh.departmentQueue(DEPARTMENTS.housing.id, 'accepted', { limit: 100 })).cases.map((s) => s.caseNo)).toEqual([housing.state.caseNo]);
    });

    it("lists a channel's cases, by applicant and filing time, and one applicant's alone", async () => {
      // Prepare
      const fresh = await makeStore();
      const zhang1 = await file({ store: fresh, by: PORTAL, key: 'ch-1', app: application(ZHANG), date: '2026-11-23', minute: 1 });
      const li1 = await file({ store: fresh, by: PORTAL, key: 'ch-2', app: application(LI), date: '2026-11-23', minute: 2 });
      const zhang2 = await file({ store: fresh, by: PORTAL, key: 'ch-3', app: application(ZHANG), date: '2026-11-24', minute: 3 });
      const shop = await file({ store: fresh, by: PORTAL, key: 'ch-4', app: application(SHOP), date: '2026-11-24', minute: 4 });
      const zhangAtHall = await file({ store: fresh, by: HALL, key: 'ch-1', app: application(ZHANG), date: '2026-11-24', minute: 5 });

      // Act
      const zhang = await allPages((page) => fresh.channelCases(PORTAL_ID, ZHANG_ID, page), 1);
      const everyone = await allPages((page) => fresh.channelCases(PORTAL_ID, undefined, page), 2);
      const hall = await fresh.channelCases(HALL_ID, undefined, { limit: 10 });

      // Assess
      expect(zhang.cases.map((s) => s.caseNo)).toEqual([zhang1.state.caseNo, zhang2.state.caseNo]);
      const applicantId = (s: CaseState) => (s.applicant.kind === 'person' ? s.applicant.residentId : s.applicant.creditCode);
      const expected = [zhang1, li1, zhang2, shop].map((f) => f.state).sort((a, b) => (`${applicantId(a)}#${a.receivedAt}` < `${applicantId(b)}#${b.receivedAt}` ? -1 : 1));
      expect(everyone.cases).toEqual(expected);
      expect(hall.cases.map((s) => s.caseNo)).toEqual([zhangAtHall.state.caseNo]);
      // An id is matched whole: a part of one, or one with a separator in it, names nobody
      expect((await fresh.channelCases(PORTAL_ID, ZHANG_ID.slice(0, 6), { limit: 10 })).cases).toEqual([]);
      expect((await fresh.channelCases(PORTAL_ID, `${ZHANG_ID.slice(0, 6)}#`, { limit: 10 })).cases).toEqual([]);
      expect((await fresh.channelCases(PORTAL_ID, '', { limit: 10 })).cases).toEqual([]);
    });

    it('refuses cursors of another query and forged ones', async () => {
      // Prepare: a store with more than a page in each listing
      const fresh = await makeStore();
      for (let i = 0; i < 3; i++) {
        const filed = await file({ store: fresh, by: PORTAL, key: `cursor-${i}`, app: application(i === 2 ? LI : ZHANG), date: '2026-11-23', minute: i });
        await act(fresh, filed.state.caseNo, { action: 'accept' }, on('2026-11-23', MARKET, 30 + i));
      }
      const queueCursor = (await fresh.departmentQueue(DEPARTMENTS.market.id, 'accepted', { limit: 1 })).nextCursor!;
      const channelCursor = (await fresh.channelCases(PORTAL_ID, undefined, { limit: 1 })).nextCursor!;
      const zhangCursor = (await fresh.channelCases(PORTAL_ID, ZHANG_ID, { limit: 1 })).nextCursor!;
      expect([queueCursor, channelCursor, zhangCursor].every((c) => typeof c === 'string')).toBe(true);

      // Act / Assess: each cursor works for its own query only
      expect((await fresh.departmentQueue(DEPARTMENTS.market.id, 'accepted', { limit: 5, cursor: queueCursor })).cases).toHaveLength(2);
      const refused: [string, Promise<unknown>][] = [
        ['another status', fresh.departmentQueue(DEPARTMENTS.market.id, 'received', { limit: 5, cursor: queueCursor })],
        ['another department', fresh.departmentQueue(DEPARTMENTS.housing.id, 'accepted', { limit: 5, cursor: queueCursor })],
        ['a channel listing', fresh.channelCases(PORTAL_ID, undefined, { limit: 5, cursor: queueCursor })],
        ['a queue', fresh.departmentQueue(DEPARTMENTS.market.id, 'accepted', { limit: 5, cursor: channelCursor })],
        ['another applicant', fresh.channelCases(PORTAL_ID, LI_ID, { limit: 5, cursor: zhangCursor })],
        ['another channel', fresh.channelCases(HALL_ID, ZHANG_ID, { limit: 5, cursor: zhangCursor })],
        ['supervision', fresh.listSupervision('overdue', { limit: 5, cursor: channelCursor })],
        ['garbage', fresh.departmentQueue(DEPARTMENTS.market.id, 'accepted', { limit: 5, cursor: 'not-a-cursor' })],
      ];
      for (const [what, call] of refused) {
        const error = await rejection(call);
        expect({ what, code: error.code, field: error.field }).toEqual({ what, code: 'INVALID_CURSOR', field: 'cursor' });
      }

      // Well-formed cursors bound to the right query, with a position that is not one of its keys
      const queueQuery = JSON.stringify({ index: 'departmentQueue', departmentId: DEPARTMENTS.market.id, status: 'accepted' });
      const channelQuery = JSON.stringify({ index: 'channelCases', channelId: PORTAL_ID, applicantId: null });
      const zhangQuery = JSON.stringify({ index: 'channelCases', channelId: PORTAL_ID, applicantId: ZHANG_ID });
      const forge = (q: string, k: unknown) => Buffer.from(JSON.stringify({ q, k })).toString('base64url');
      const forged = [
        () => fresh.departmentQueue(DEPARTMENTS.market.id, 'accepted', { limit: 5, cursor: forge(queueQuery, 'received#2026-11-30#20261123AAAAAAAAAA') }),
        () => fresh.departmentQueue(DEPARTMENTS.market.id, 'accepted', { limit: 5, cursor: forge(queueQuery, 'accepted#2026-11-30#x#y') }),
        () => fresh.departmentQueue(DEPARTMENTS.market.id, 'accepted', { limit: 5, cursor: forge(queueQuery, 'accepted#soon#20261123AAAAAAAAAA') }),
        () => fresh.departmentQueue(DEPARTMENTS.market.id, 'accepted', { limit: 5, cursor: forge(queueQuery, { deptSk: 'accepted#2026-11-30#A' }) }),
        () => fresh.channelCases(PORTAL_ID, undefined, { limit: 5, cursor: forge(channelQuery, { pk: 'CASE#A', sk: 'HEAD', chPk: `CH#${PORTAL_ID}`, chSk: 'A#B#C' }) }),
        () => fresh.channelCases(PORTAL_ID, undefined, { limit: 5, cursor: forge(channelQuery, `${LI_ID}#2026-11-23T02:00:00.000Z#case/1`) }),
        () => fresh.channelCases(PORTAL_ID, undefined, { limit: 5, cursor: forge(channelQuery, `${LI_ID}#yesterday#20261123AAAAAAAAAA`) }),
        () => fresh.channelCases(PORTAL_ID, undefined, { limit: 5, cursor: forge(channelQuery, `${LI_ID}#a#2026-11-23T02:00:00.000Z#20261123AAAAAAAAAA`) }),
        () => fresh.channelCases(PORTAL_ID, ZHANG_ID, { limit: 5, cursor: forge(zhangQuery, `${LI_ID}#2026-11-23T02:00:00.000Z#20261123AAAAAAAAAA`) }),
        () => fresh.channelCases(PORTAL_ID, undefined, { limit: 5, cursor: forge(channelQuery, 7) }),
      ];
      for (const [i, call] of forged.entries()) expect({ i, ...(await rejection(call())) }).toMatchObject({ i, code: 'INVALID_CURSOR', field: 'cursor' });
    });

    it('lists a case on a supervision list once the sweep marks it, by the deadline it passed, and not before', async () => {
      // Prepare: accepted Mon 2 Nov (FOOD: promised 10 working days → Mon 16 Nov, statutory 20 → Mon 30 Nov)
      const fresh = await makeStore();
      const filed = await file({ store: fresh, by: PORTAL, key: 'sup-1', app: application(ZHANG), date: '2026-11-02' });
      const accepted = await act(fresh, filed.state.caseNo, { action: 'accept' }, on('2026-11-02', MARKET, 30));
      expect(accepted.deadlines).toEqual({ promised: '2026-11-16', statutory: '2026-11-30' });
      expect(await fresh.listSupervision('overdue', { limit: 10 })).toEqual({ cases: [] });

      // Act
      await act(fresh, filed.state.caseNo, { action: 'mark-overdue' }, on('2026-11-17', SYSTEM_CALLER));
      const overdue = await fresh.listSupervision('overdue', { limit: 10 });
      await act(fresh, filed.state.caseNo, { action: 'mark-violation' }, on('2026-12-01', SYSTEM_CALLER));

      // Assess
      expect(overdue.cases.map((c) => [c.state.caseNo, c.state.supervision, c.passedDeadline])).toEqual([[filed.state.caseNo, 'overdue', '2026-11-16']]);
      expect(await fresh.listSupervision('overdue', { limit: 10 })).toEqual({ cases: [] });
      expect((await fresh.listSupervision('violation', { limit: 10 })).cases.map((c) => c.state.caseNo)).toEqual([filed.state.caseNo]);
      expect(verifyCaseHistory(await historyUpTo(fresh, filed.state.caseNo, Infinity))).toEqual({ ok: true });
    });

    it('keeps a marked case in its place on the list when its clock is paused later', async () => {
      // Prepare: case A accepted Mon 2 Nov (promised Mon 16 Nov), case B accepted Tue 3 Nov (promised
      // Tue 17 Nov); both marked overdue on Wed 18 Nov; then A is paused (its deadlines are withdrawn)
      const fresh = await makeStore();
      const a = await file({ store: fresh, by: PORTAL, key: 'order-a', app: application(ZHANG), date: '2026-11-02' });
      const b = await file({ store: fresh, by: PORTAL, key: 'order-b', app: application(LI), date: '2026-11-03' });
      await act(fresh, a.state.caseNo, { action: 'accept' }, on('2026-11-02', MARKET, 30));
      await act(fresh, b.state.caseNo, { action: 'accept' }, on('2026-11-03', MARKET, 30));
      await act(fresh, a.state.caseNo, { action: 'mark-overdue' }, on('2026-11-18', SYSTEM_CALLER));
      await act(fresh, b.state.caseNo, { action: 'mark-overdue' }, on('2026-11-18', SYSTEM_CALLER, 1));

      // Act
      const paused = await act(fresh, a.state.caseNo, { action: 'pause', procedure: 'expert-review', reason: '专家评审', expectedDays: 10 }, on('2026-11-19', MARKET));
      const list = await fresh.listSupervision('overdue', { limit: 10 });

      // Assess
      expect(paused.deadlines).toBeUndefined();
      expect(list.cases.map((c) => [c.state.caseNo, c.passedDeadline])).toEqual([
        [a.state.caseNo, '2026-11-16'],
        [b.state.caseNo, '2026-11-17'],
      ]);
    });

    it("lists a case once per finding on the finding's list, by the day it was due, page by page; and gives the sweep a case the day after something falls due on it", async () => {
      // Prepare: A accepted Mon 2 Nov, paused Tue 3 Nov for 2 working days (until Thu 5 Nov), resumed
      // late Mon 9 Nov, paused again Tue 10 Nov for 1 day (until Wed 11 Nov); B paused Wed 4 Nov for
      // 1 day (until Thu 5 Nov). C, a building permit filed Mon 2 Nov, awaits its pre-review (due Wed 4 Nov).
      const fresh = await makeStore();
      const a = (await file({ store: fresh, by: PORTAL, key: 'find-a', app: application(ZHANG), date: '2026-11-02' })).state.caseNo;
      const b = (await file({ store: fresh, by: PORTAL, key: 'find-b', app: application(LI), date: '2026-11-02', minute: 1 })).state.caseNo;
      const c = (await file({ store: fresh, by: PORTAL, key: 'find-c', app: application(SHOP, BUILDING), date: '2026-11-02', minute: 2, guide: BUILDING })).state.caseNo;
      const pause = (expectedDays: number): CaseCommand => ({ action: 'pause', procedure: 'testing', reason: '送检', expectedDays });
      await act(fresh, a, { action: 'accept' }, on('2026-11-02', MARKET, 30));
      await act(fresh, b, { action: 'accept' }, on('2026-11-02', MARKET, 31));
      await act(fresh, a, pause(2), on('2026-11-03', MARKET));
      await act(fresh, b, pause(1), on('2026-11-04', MARKET));
      const candidatesOn = async (status: 'received' | 'accepted', before: string) => {
        const found: string[] = [];
        for await (const x of fresh.sweepCandidates(DEPARTMENTS.housing.id, status, before)) found.push(x.caseNo);
        for await (const x of fresh.sweepCandidates(DEPARTMENTS.market.id, status, before)) found.push(x.caseNo);
        return found;
      };
      const receivedOnDueDay = await candidatesOn('received', '2026-11-04');
      const receivedDayAfter = await candidatesOn('received', '2026-11-05');
      await act(fresh, a, { action: 'resume' }, on('2026-11-09', MARKET));
      await act(fresh, a, pause(1), on('2026-11-10', MARKET));
      await act(fresh, b, { action: 'record-findings' }, on('2026-11-09', SYSTEM_CALLER));
      await act(fresh, a, { action: 'record-findings' }, on('2026-11-12', SYSTEM_CALLER));
      await act(fresh, c, { action: 'record-findings' }, on('2026-11-05', SYSTEM_CALLER));

      // Act
      const overrun: [string, string | undefined][] = [];
      let cursor: string | undefined;
      let pages = 0;
      do {
        const page = await fresh.listSupervision('procedure-overrun', { limit: 2, ...(cursor ? { cursor } : {}) });
        overrun.push(...page.cases.map((x): [string, string | undefined] => [x.state.caseNo, x.passedDeadline]));
        cursor = page.nextCursor;
        pages++;
      } while (cursor && pages < 10);
      const preReview = await fresh.listSupervision('pre-review-late', { limit: 10 });
      const materials = await fresh.listSupervision('materials-late', { limit: 10 });

      // Assess: a day-after candidate, on no list before; listed by due day, then case number, each carrying the newest state
      expect([receivedOnDueDay, receivedDayAfter]).toEqual([[], [c]]);
      expect(overrun.slice(0, 2).map(([, due]) => due)).toEqual(['2026-11-05', '2026-11-05']);
      expect(overrun).toEqual(
        expect.arrayContaining([
          [a, '2026-11-05'],
          [b, '2026-11-05'],
          [a, '2026-11-11'],
        ]),
      );
      expect([overrun.length, pages]).toEqual([3, 2]);
      expect(preReview.cases.map((x) => [x.state.caseNo, x.passedDeadline, x.state.findings])).toEqual([
        [c, '2026-11-04', [{ kind: 'pre-review-late', due: '2026-11-04', on: '2026-11-05' }]],
      ]);
      expect(materials.cases).toEqual([]);
      const newestOfA = await fresh.get(a);
      expect((await fresh.listSupervision('procedure-overrun', { limit: 10 })).cases.filter((x) => x.state.caseNo === a).map((x) => x.state.version)).toEqual([
        newestOfA!.version,
        newestOfA!.version,
      ]);
    });

    it('gives the sweep every case due before a day, over all shards and pages, with the undated ones, and no other', async () => {
      // Prepare: 12 received cases filed on three days (answer periods end 9, 10 and 11 Nov), one
      // accepted case (promised Mon 16 Nov), one paused (in the queue by its expected end, Tue 17 Nov: 4-6, 9-13, 16, 17 Nov) and
      // one of another department.
      const fresh = await makeStore();
      const byDay: Record<string, string[]> = {};
      for (const [i, date] of ['2026-11-02', '2026-11-03', '2026-11-04'].flatMap((d) => [d, d, d, d]).entries()) {
        const filed = await file({ store: fresh, by: PORTAL, key: `sweep-${i}`, app: application(ZHANG), date, minute: i });
        (byDay[filed.state.deemedAcceptedOn!] ??= []).push(filed.state.caseNo);
      }
      expect(Object.keys(byDay).sort()).toEqual(['2026-11-09', '2026-11-10', '2026-11-11']);
      const toAccept = await file({ store: fresh, by: PORTAL, key: 'sweep-accepted', app: application(LI), date: '2026-11-02' });
      await actSealed(fresh, toAccept.state.caseNo, { action: 'accept' }, on('2026-11-02', MARKET, 40));
      const toPause = await file({ store: fresh, by: PORTAL, key: 'sweep-paused', app: application(LI), date: '2026-11-02', minute: 50 });
      await actSealed(fresh, toPause.state.caseNo, { action: 'accept' }, on('2026-11-02', MARKET, 51));
      await actSealed(fresh, toPause.state.caseNo, { action: 'pause', procedure: 'hearing', reason: '听证', expectedDays: 10 }, on('2026-11-03', MARKET));
      await file({ store: fresh, by: PORTAL, key: 'sweep-housing', app: application(ZHANG, BUILDING), date: '2026-11-02', guide: BUILDING });
      const collect = async (status: 'received' | 'accepted', before: string) => {
        const found: string[] = [];
        for await (const c of fresh.sweepCandidates(DEPARTMENTS.market.id, status, before)) found.push(c.caseNo);
        return found.sort();
      };

      // Act
      const receivedBefore11 = await collect('received', '2026-11-11');
      const receivedBefore9 = await collect('received', '2026-11-09');
      const acceptedBefore = await collect('accepted', '2026-11-16');
      const acceptedAfterPromised = await collect('accepted', '2026-11-17');
      const acceptedAfterPause = await collect('accepted', '2026-11-18');
      const acceptedLater = await collect('accepted', '2026-12-31');

      // Assess
      expect(receivedBefore11).toEqual([...byDay['2026-11-09']!, ...byDay['2026-11-10']!].sort());
      expect(receivedBefore9).toEqual([]);
      expect(acceptedBefore).toEqual([]);
      expect(acceptedAfterPromised).toEqual([toAccept.state.caseNo]); // promised Mon 16 Nov
      expect(acceptedAfterPause).toEqual([toAccept.state.caseNo, toPause.state.caseNo].sort()); // the day after its expected end
      expect(acceptedLater).toEqual([toAccept.state.caseNo, toPause.state.caseNo].sort());
    });

    it('lists a case that owes a notice undated, in every status the sweep reads, until the notice is sealed', async () => {
      // Prepare: one case accepted (its 受理通知书 owed), one asked for supplements (its 补齐补正通知书
      // owed: a status the sweep reads only for what it owes), one refused (its 不予受理通知书 owed) —
      // none sealed yet; and one accepted with its notice sealed
      const fresh = await makeStore();
      const filed = await Promise.all(
        ['owes-accepted', 'owes-supplement', 'owes-refused', 'sealed-accepted'].map((key, i) =>
          file({ store: fresh, by: PORTAL, key, app: application(ZHANG), date: '2026-11-02', minute: i }),
        ),
      );
      const [accepted, supplement, refused, sealed] = filed.map((f) => f.state.caseNo) as [string, string, string, string];
      await act(fresh, accepted, { action: 'accept' }, on('2026-11-02', MARKET, 10));
      await act(fresh, supplement, { action: 'request-supplement', problems: [{ material: '经营场所平面布局图', problem: '不清晰' }] }, on('2026-11-02', MARKET, 11));
      await act(fresh, refused, { action: 'refuse', reasons: ['不属于本部门职权范围'] }, on('2026-11-02', MARKET, 12));
      await actSealed(fresh, sealed, { action: 'accept' }, on('2026-11-02', MARKET, 13));
      const collect = async (status: 'supplement-requested' | 'accepted' | 'refused') => {
        const found: string[] = [];
        for await (const c of fresh.sweepCandidates(DEPARTMENTS.market.id, status, '2026-11-03')) found.push(c.caseNo);
        return found;
      };

      // Act
      const owing = [await collect('accepted'), await collect('supplement-requested'), await collect('refused')];
      for (const caseNo of [accepted, supplement]) {
        const state = (await fresh.get(caseNo))!;
        await act(fresh, caseNo, sealNoticesCommand(state, '2026-11-02T02:30:00.000Z'), on('2026-11-02', SYSTEM_CALLER, 30));
      }
      const afterSealing = [await collect('accepted'), await collect('supplement-requested')];

      // Assess: listed while owing (the accepted one though its promised deadline is weeks away); the
      // sealed accepted case is listed by its deadline (not yet due), the sealed supplement case not at all
      expect(owing).toEqual([[accepted], [supplement], [refused]]);
      expect(afterSealing).toEqual([[], []]);
      expect((await fresh.get(accepted))!.notices!.map((n) => [n.kind, n.entry])).toEqual([['acceptance', 2]]);
      expect((await fresh.get(supplement))!.notices!.map((n) => [n.kind, n.entry])).toEqual([['supplement', 2]]);
    });
  });

  describe(`${name}: joint tasks`, () => {
    // The joint item: market leads; health has 8 working days for its opinion, fire 10.
    const joint = async (fresh: CaseStore, key: string, date: string, minute = 0) => {
      const filed = await file({ store: fresh, by: PORTAL, key, app: application(ZHANG, JOINT), date, minute, guide: JOINT });
      await actSealed(fresh, filed.state.caseNo, { action: 'accept' }, on(date, MARKET, minute + 1));
      return filed.state.caseNo;
    };

    it("lists each co-department's open tasks by due date over the shards, and drops them once answered or the case ends", async () => {
      // Prepare: five joint cases accepted on five days of September (their 45-day statutory deadlines
      // fall in November, within the loaded calendar); four dispatched, one not (no tasks yet)
      const fresh = await makeStore();
      const days = ['2026-09-07', '2026-09-01', '2026-09-03', '2026-09-02', '2026-09-04'];
      const caseNos: string[] = [];
      for (const [i, day] of days.entries()) caseNos.push(await joint(fresh, `joint-${i}`, day, i * 2));
      for (const [i, caseNo] of caseNos.slice(0, 4).entries()) await act(fresh, caseNo, { action: 'dispatch' }, on(days[i]!, SYSTEM_CALLER, 30));
      const dispatched = await Promise.all(caseNos.slice(0, 4).map((n) => fresh.get(n)));
      // A dispatched task is listed by the workflow's wait for it, which keeps its token
      expect((await fresh.jointTaskQueue(HEALTH.departmentId!, { limit: 100 })).cases).toEqual([]);
      for (const state of dispatched) for (const dept of [HEALTH, FIRE]) await fresh.putTaskToken(state!, dept.departmentId!, `token-${dept.departmentId}`);
      const dueOf = (s: CaseState | undefined, dept: string) => s!.jointTasks!.find((t) => t.departmentId === dept)!.dueOn!;
      const byHealthDue = [...dispatched].sort((a, b) => (dueOf(a, HEALTH.departmentId!) < dueOf(b, HEALTH.departmentId!) ? -1 : 1)).map((s) => s!.caseNo);
      expect(new Set(caseNos.slice(0, 4).map(queueShard)).size).toBeGreaterThan(1);

      // Act: health answers one case; the channel withdraws another
      await act(fresh, byHealthDue[0]!, { action: 'opinion', outcome: 'agree' }, on('2026-09-08', HEALTH));
      await act(fresh, byHealthDue[1]!, { action: 'withdraw', reason: '不再开办' }, on('2026-09-08', PORTAL));
      const health = await allPages((page) => fresh.jointTaskQueue(HEALTH.departmentId!, page), 1);
      const fire = await fresh.jointTaskQueue(FIRE.departmentId!, { limit: 100 });
      const lead = await fresh.jointTaskQueue(MARKET.departmentId!, { limit: 100 });

      // Assess: health still owes the two others, soonest due first; fire owes three (not the withdrawn
      // case); the lead has no tasks; the undispatched case is nobody's task yet
      expect(health.cases.map((s) => s.caseNo)).toEqual(byHealthDue.slice(2));
      expect(fire.cases.map((s) => s.caseNo).sort()).toEqual(byHealthDue.filter((n) => n !== byHealthDue[1]).sort());
      expect(lead.cases).toEqual([]);
      // The listed state is the newest: health's answer on the first case shows in fire's listing
      expect(fire.cases.find((s) => s.caseNo === byHealthDue[0])!.jointTasks![0]).toMatchObject({ status: 'answered' });
      // The market queue lists the undispatched joint case undated (the sweep then starts its workflow)
      const candidates: string[] = [];
      for await (const c of fresh.sweepCandidates(MARKET.departmentId!, 'accepted', '2026-09-01')) candidates.push(c.caseNo);
      expect(candidates).toEqual([caseNos[4]]);
    });

    it('keeps the newest callback token per case and co-department in its task item, apart from the history', async () => {
      const fresh = await makeStore();
      const caseNo = await joint(fresh, 'joint-token', '2026-09-02');
      const dispatched = await act(fresh, caseNo, { action: 'dispatch' }, on('2026-09-02', SYSTEM_CALLER, 30));
      const before = await historyUpTo(fresh, caseNo, Infinity);

      await fresh.putTaskToken(dispatched, HEALTH.departmentId!, 'token-1');
      await fresh.putTaskToken(dispatched, HEALTH.departmentId!, 'token-2');
      await fresh.putTaskToken(dispatched, FIRE.departmentId!, 'token-fire');

      expect(await fresh.taskToken(caseNo, HEALTH.departmentId!)).toBe('token-2');
      expect(await fresh.taskToken(caseNo, FIRE.departmentId!)).toBe('token-fire');
      expect(await fresh.taskToken(caseNo, MARKET.departmentId!)).toBeUndefined();
      expect(await fresh.taskToken('not a case', HEALTH.departmentId!)).toBeUndefined();
      expect(await historyUpTo(fresh, caseNo, Infinity)).toEqual(before);
      // Filed, accepted, its 受理通知书 sealed and dispatched: no entry for a token
      expect((await fresh.get(caseNo))!.version).toBe(4);
      // A wait is kept only for a task the case has
      await expect(fresh.putTaskToken(dispatched, MARKET.departmentId!, 'token-lead')).rejects.toThrow(/no joint task/);
    });

    it("keeps a task's token as its opinion ends it, and a late wait's token without listing the task again", async () => {
      // Prepare: dispatched; fire's wait keeps its token; health's wait reads the case, then health answers first
      const fresh = await makeStore();
      const caseNo = await joint(fresh, 'joint-late-wait', '2026-09-02');
      const dispatched = await act(fresh, caseNo, { action: 'dispatch' }, on('2026-09-02', SYSTEM_CALLER, 30));
      await fresh.putTaskToken(dispatched, FIRE.departmentId!, 'token-fire');
      const answered = await act(fresh, caseNo, { action: 'opinion', outcome: 'agree' }, on('2026-09-03', HEALTH));

      // Act: health's wait keeps its token on the state it read (the task still open there); fire answers
      await fresh.putTaskToken(dispatched, HEALTH.departmentId!, 'token-health-late');
      const complete = await act(fresh, caseNo, { action: 'opinion', outcome: 'agree' }, on('2026-09-04', FIRE));

      // Assess: neither is listed (the newer state's place stands: none); both tokens are there for whoever ended the task
      expect(answered.jointTasks!.find((t) => t.departmentId === HEALTH.departmentId)!.status).toBe('answered');
      expect(complete.status).toBe('opinions-complete');
      expect((await fresh.jointTaskQueue(HEALTH.departmentId!, { limit: 100 })).cases).toEqual([]);
      expect((await fresh.jointTaskQueue(FIRE.departmentId!, { limit: 100 })).cases).toEqual([]);
      expect(await fresh.taskToken(caseNo, HEALTH.departmentId!)).toBe('token-health-late');
      expect(await fresh.taskToken(caseNo, FIRE.departmentId!)).toBe('token-fire');
    });
  });
}
