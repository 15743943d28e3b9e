// The workflow's callback token on the cases table (case-items.ts): kept by TTL long enough that no
// live wait outlasts it, then expired — in the task item the wait writes (its place in the
// co-department's open-task list and the token), or, as before, a TOKEN# item of its own; and the task
// items an action writes: none for the tasks the dispatch creates (their waits list them), an update
// taking an ended task out of every list.
import { describe, expect, it } from 'vitest';
import { ENDED_TASK_DAYS, TASK_TOKEN_DAYS, carriedTaskItem, listingItems, queueShard, taskTokenItem, tokenItem, withTaskToken } from '../../shared/adapters/case-items.ts';
import { itemBytes } from '../../shared/adapters/dynamo-item-size.ts';
import { MemoryCaseStore } from '../../shared/adapters/memory-case-store.ts';
import { TTL_ATTRIBUTE, expiresAfter } from '../../shared/adapters/table-layout.ts';
import { JOINT_MAX_WAIT_LIMIT_SECONDS } from '../../shared/contracts/joint-workflow.ts';
import { SYSTEM_CALLER } from '../../shared/domain/cases/case-lifecycle.ts';
import { HEALTH, JOINT, MARKET, PORTAL, ZHANG } from '../support/case-fixtures.ts';
import { act, actSealed, application, file, on } from '../support/case-store-contract.ts';

describe('tokenItem', () => {
  it('expires TASK_TOKEN_DAYS after it is written, in epoch seconds', () => {
    const item = tokenItem('20261123A1B2C3D4E5', '12530100MB0000001X', 'token-1', '2026-11-23T02:00:00.000Z');

    expect(item).toEqual({
      pk: 'CASE#20261123A1B2C3D4E5',
      sk: 'TOKEN#12530100MB0000001X',
      token: 'token-1',
      [TTL_ATTRIBUTE]: Date.parse('2026-11-23T02:00:00.000Z') / 1000 + TASK_TOKEN_DAYS * 86_400,
    });
  });

  it('outlasts the longest wait and a Standard execution (one year): no live wait loses its token', () => {
    expect(TASK_TOKEN_DAYS * 86_400).toBeGreaterThan(JOINT_MAX_WAIT_LIMIT_SECONDS);
    expect(TASK_TOKEN_DAYS).toBeGreaterThan(365);
  });

  it('counts from now when no time is given (TTL is real time)', () => {
    const before = Math.floor(Date.now() / 1000);
    const expires = tokenItem('20261123A1B2C3D4E5', '12530100MB0000001X', 't')[TTL_ATTRIBUTE] as number;

    expect(expires - TASK_TOKEN_DAYS * 86_400).toBeGreaterThanOrEqual(before);
    expect(expires - TASK_TOKEN_DAYS * 86_400).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 1);
  });
});

describe('taskTokenItem and the task items of actions', () => {
  /** A joint case filed, accepted and dispatched (health and fire each with a task), on a store in memory. */
  const dispatchedCase = async () => {
    const store = new MemoryCaseStore();
    const filed = await file({ store, by: PORTAL, key: 'token-item-1', app: application(ZHANG, JOINT), date: '2026-09-01', guide: JOINT });
    const accepted = await actSealed(store, filed.state.caseNo, { action: 'accept' }, on('2026-09-01', MARKET, 1));
    const dispatched = await act(store, filed.state.caseNo, { action: 'dispatch' }, on('2026-09-01', SYSTEM_CALLER, 2));
    return { store, accepted, dispatched };
  };

  it("holds the task's open-list keys, its version and the wait's token, expiring TASK_TOKEN_DAYS after it is written", async () => {
    const { dispatched } = await dispatchedCase();
    const due = dispatched.jointTasks!.find((t) => t.departmentId === HEALTH.departmentId)!.dueOn!;

    const item = taskTokenItem(dispatched, HEALTH.departmentId!, 'token-1', '2026-09-01T02:00:00.000Z');

    expect(item).toEqual({
      pk: `CASE#${dispatched.caseNo}`,
      sk: `TASK#${HEALTH.departmentId}`,
      version: dispatched.version,
      deptPk: `DEPT#${HEALTH.departmentId}#${queueShard(dispatched.caseNo)}`,
      deptSk: `opinion#${due}#${dispatched.caseNo}`,
      token: 'token-1',
      [TTL_ATTRIBUTE]: Date.parse('2026-09-01T02:00:00.000Z') / 1000 + TASK_TOKEN_DAYS * 86_400,
    });
    expect(itemBytes(item)).toBeLessThan(1024);
    expect(() => taskTokenItem(dispatched, MARKET.departmentId!, 'token-1')).toThrow(/no joint task/);
    expect(() => taskTokenItem(dispatched, HEALTH.departmentId!, '')).toThrow(/no callback token/);
  });

  it('leaves the dispatched tasks to their waits, and takes an answered task out of every list, to expire ENDED_TASK_DAYS on', async () => {
    const { store, accepted, dispatched } = await dispatchedCase();
    const answered = await act(store, dispatched.caseNo, { action: 'opinion', outcome: 'agree' }, on('2026-09-02', HEALTH));
    const at = '2026-09-02T03:00:00.000Z';

    const atDispatch = listingItems(dispatched, at, accepted).first;
    const atAnswer = listingItems(answered, at, dispatched).first;

    expect(atDispatch).toEqual([]);
    expect(atAnswer).toEqual([{ pk: `CASE#${answered.caseNo}`, sk: `TASK#${HEALTH.departmentId}`, version: answered.version, [TTL_ATTRIBUTE]: expiresAfter(at, ENDED_TASK_DAYS) }]);
    // Put over the item its wait wrote, carrying the token (the item expiring as the ended task's)
    const waited = taskTokenItem(dispatched, HEALTH.departmentId!, 'token-1', '2026-09-01T02:00:00.000Z');
    expect(carriedTaskItem(atAnswer[0]!, waited)).toEqual({ ...atAnswer[0], token: 'token-1' });
    // An open task moved (a new due date) keeps its wait's token and expiry
    const moved = { ...waited, token: undefined, expiresAt: undefined, version: 9, deptSk: `opinion#2026-09-30#${dispatched.caseNo}` };
    expect(carriedTaskItem(moved, waited)).toEqual({ ...moved, token: 'token-1', expiresAt: waited.expiresAt });
    // A wait's token put into an item a newer action has ended: the ended listing stands
    expect(withTaskToken(atAnswer[0]!, waited)).toEqual({ ...atAnswer[0], token: 'token-1', expiresAt: waited.expiresAt });
    // A wait that kept its token on the answered state lists nothing
    expect(Object.keys(taskTokenItem(answered, HEALTH.departmentId!, 't')).sort()).toEqual(['expiresAt', 'pk', 'sk', 'token', 'version']);
  });
});
