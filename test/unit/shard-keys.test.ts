// The sharded list keys (issue 21, point 3): the shard hash spreads evenly, every key parses back to
// its list and shard, the listings read every shard and the key of before issue 21, and a listing
// merged from shards answers each item once, in order, over pages of any size — whatever share of a
// page each shard is asked for.
import { describe, expect, it } from 'vitest';
import { anchorShard, anchorShardKey } from '../../shared/adapters/anchor-keys.ts';
import { HEAD, caseKey, channelShard, channelShardKey, departmentShardKey, headItem, legacyChannelKey, queueShard } from '../../shared/adapters/case-items.ts';
import type { HeadReader, ShardReader, ShardedQuery } from '../../shared/adapters/case-listings.ts';
import { channelCasesQuery, departmentQueueQuery, departmentShards, shardedPage, supervisionQuery } from '../../shared/adapters/case-listings.ts';
import {
  allShards,
  changedPartitions,
  duePartitions,
  dueShardKey,
  factPartitions,
  factShardKey,
  feedPartitions,
  feedShardKey,
  findingPartitions,
  findingShardKey,
  hashShard,
  mergeShardRows,
  parseShardedKey,
  shardLimit,
  supervisionShardKey,
} from '../../shared/adapters/shard-keys.ts';
import { CASES_TABLE, EVENTS_TABLE, STATISTICS_TABLE, SUPERVISION_TABLE } from '../../shared/adapters/table-layout.ts';
import type { CaseState } from '../../shared/domain/cases/case-record.ts';
import { fileCase } from '../../shared/domain/cases/case-lifecycle.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { FOOD, PORTAL, ZHANG } from '../support/case-fixtures.ts';

const caseNos = Array.from({ length: 12_800 }, (_, i) => `20261123${String(i).padStart(10, '0')}`);

describe('sharded keys', () => {
  it('spreads case numbers and applicants evenly over the shards', () => {
    for (const [shards, of] of [
      [CASES_TABLE.departmentQueueShards, queueShard],
      [CASES_TABLE.anchorQueueShards, anchorShard],
      [CASES_TABLE.channelCasesShards, channelShard],
    ] as const) {
      const counts = new Array<number>(shards).fill(0);
      for (const n of caseNos) counts[of(n)]!++;
      const mean = caseNos.length / shards;
      // Binomial: within 5 standard deviations of the mean on every shard (σ ≈ √mean).
      expect(counts.every((c) => Math.abs(c - mean) < 5 * Math.sqrt(mean))).toBe(true);
    }
  });

  it('parses every key back to its list and shard', () => {
    expect(parseShardedKey(departmentShardKey('11990200305718013N', 127))).toEqual({ base: 'DEPT#11990200305718013N', shard: 127 });
    expect(parseShardedKey(channelShardKey('portal', 0))).toEqual({ base: 'CH#portal', shard: 0 });
    expect(parseShardedKey(anchorShardKey(31))).toEqual({ base: 'ANCHOR', shard: 31 });
    expect(parseShardedKey(legacyChannelKey('portal'))).toBeUndefined();
    expect(parseShardedKey('DEPT#x#07')).toBeUndefined();
    expect(allShards('CH#portal', 3).map(parseShardedKey)).toEqual([0, 1, 2].map((shard) => ({ base: 'CH#portal', shard })));
    expect(hashShard('x', 8)).toBe(hashShard('x', 64) % 8);
  });

  it("lists a head under its department's shard and its applicant's channel shard", () => {
    const materials = Object.fromEntries(
      FOOD.materials
        .filter((m) => m.required)
        .map((m) => [m.name, { kind: 'upload' as const, objectKey: `cases/x/${m.name}`, sha256: 'a'.repeat(64), size: 10, contentType: 'application/pdf' }]),
    );
    const { state } = fileCase(
      { caseNo: caseNos[7]!, item: { code: FOOD.implementationCode, version: 1, guide: FOOD }, applicant: ZHANG, form: {}, materials },
      { actor: PORTAL, at: '2026-11-23T02:00:00.000Z', today: '2026-11-23', calendar: officialCalendar },
    );
    const head = headItem(state, '2026-11-23T02:00:00.000Z');
    const ix = CASES_TABLE.indexes;
    expect(head[ix.departmentQueue.partitionKey]).toBe(departmentShardKey(state.departmentId, queueShard(state.caseNo)));
    expect(head[ix.channelCases.partitionKey]).toBe(channelShardKey(PORTAL.channelId!, channelShard(ZHANG.residentId)));
    // The applicant's list reads that one shard, and the key of before the shards.
    expect(channelCasesQuery(PORTAL.channelId!, ZHANG.residentId, { limit: 5 })!.partitions).toEqual([head[ix.channelCases.partitionKey], legacyChannelKey(PORTAL.channelId!)]);
    expect(channelCasesQuery(PORTAL.channelId!, undefined, { limit: 5 })!.partitions).toHaveLength(CASES_TABLE.channelCasesShards + 1);
    // The queue's shards include those of before issue 21 (8: DEPT#<id>#0-7).
    expect(departmentShards(state.departmentId).slice(0, 8)).toEqual([0, 1, 2, 3, 4, 5, 6, 7].map((s) => `DEPT#${state.departmentId}#${s}`));
  });

  it('puts an event in its record’s feed shard, a pair’s marker in its `due` shard, a fact in its event’s shard; each list reads every shard and its key of before', () => {
    // A record's events are in one shard of each feed; records spread over all of them.
    expect(feedShardKey('channel#portal', caseNos[0]!)).toBe(feedShardKey('channel#portal', caseNos[0]!));
    expect(new Set(caseNos.slice(0, 2000).map((n) => feedShardKey('channel#portal', n)))).toEqual(new Set(allShards('FEED#channel#portal', EVENTS_TABLE.feedShards)));
    expect(feedPartitions('department#d1')).toEqual([...allShards('FEED#department#d1', EVENTS_TABLE.feedShards), 'FEED#department#d1']);
    expect(parseShardedKey(feedShardKey('department#d1', 'evaluation:ab'))?.base).toBe('FEED#department#d1');
    expect(new Set(caseNos.slice(0, 2000).map((n) => dueShardKey('sub_1', n)))).toEqual(new Set(allShards('DUE', EVENTS_TABLE.dueShards)));
    expect(duePartitions()).toEqual([...allShards('DUE', EVENTS_TABLE.dueShards), 'DUE']);
    // A replayed event finds its fact where it was put: the shard is its id's.
    expect(factShardKey('2026-11-23', 'd1', 'e-1')).toBe(`FACT#2026-11-23#d1#${hashShard('e-1', STATISTICS_TABLE.factShards)}`);
    expect(factPartitions('2026-11-23', 'd1')).toEqual([...allShards('FACT#2026-11-23#d1', STATISTICS_TABLE.factShards), 'FACT#2026-11-23#d1']);
    expect(changedPartitions()).toEqual([...allShards('CHANGED', STATISTICS_TABLE.changedShards), 'CHANGED']);
    // A case's head and finding items are in its case number's shard of each supervision list.
    expect(supervisionShardKey('overdue', caseNos[3]!)).toBe(`SUPERVISION#overdue#${hashShard(caseNos[3]!, CASES_TABLE.supervisionShards)}`);
    // A finding is in its id's shard of every sharded findings list, all its life.
    expect(findingShardKey('RULE#promised-deadline-passed', 'ab12')).toBe(`RULE#promised-deadline-passed#${hashShard('ab12', SUPERVISION_TABLE.findingShards)}`);
    expect(findingPartitions('DUE')).toEqual([...allShards('DUE', SUPERVISION_TABLE.findingShards), 'DUE']);
    expect(supervisionQuery('procedure-overrun', { limit: 5 }).partitions).toEqual([
      ...allShards('SUPERVISION#procedure-overrun', CASES_TABLE.supervisionShards),
      'SUPERVISION#procedure-overrun',
    ]);
  });

  it('merges shards’ rows by sort key, stopping where a shard that stopped early is known to', () => {
    const rows = (keys: string[], stopped: boolean) => ({ items: keys.map((k) => ({ k })), stopped });
    const by = (r: { k: string }) => r.k;
    // Whole shards: the smallest keys over all, up to the limit.
    expect(mergeShardRows([rows(['a', 'd'], false), rows(['b', 'c', 'e'], false)], by, 3)).toEqual({ items: [{ k: 'a' }, { k: 'b' }, { k: 'c' }], more: true, next: 'c' });
    expect(mergeShardRows([rows(['a', 'd'], false), rows([], false)], by, 3)).toEqual({ items: [{ k: 'a' }, { k: 'd' }], more: false });
    // A shard stopped at `b`: what lies after `b` in it is unknown, so the page ends at `b`.
    expect(mergeShardRows([rows(['a', 'b'], true), rows(['c'], false)], by, 3)).toEqual({ items: [{ k: 'a' }, { k: 'b' }], more: true, next: 'b' });
    expect(mergeShardRows([rows(['a', 'x'], true), rows(['b', 'c'], true)], by, 10)).toEqual({ items: [{ k: 'a' }, { k: 'b' }, { k: 'c' }], more: true, next: 'c' });
  });

  it('merges newest first, and goes on from where a filtered shard stopped past its rows', () => {
    const rows = (keys: string[], stopped: boolean, stoppedAt?: string) => ({ items: keys.map((k) => ({ k })), stopped, ...(stoppedAt ? { stoppedAt } : {}) });
    const by = (r: { k: string }) => r.k;
    // Descending: the largest keys first; a shard stopped at `d` ends the page at `d`.
    expect(mergeShardRows([rows(['e', 'd'], true), rows(['f', 'c', 'a'], false)], by, 10, 'descending')).toEqual({
      items: [{ k: 'f' }, { k: 'e' }, { k: 'd' }],
      more: true,
      next: 'd',
    });
    // A shard whose filter dropped every row it read, stopped at `c`: the page holds what is known up to `c`
    // and the next goes on after `c`, not after the page's last row (`b`), and not from nothing when the page is empty.
    expect(mergeShardRows([rows([], true, 'c'), rows(['b', 'd'], false)], by, 10)).toEqual({ items: [{ k: 'b' }], more: true, next: 'c' });
    expect(mergeShardRows([rows([], true, 'c'), rows(['d'], false)], by, 10)).toEqual({ items: [], more: true, next: 'c' });
    expect(mergeShardRows([rows(['x'], true, 'y'), rows(['a', 'b'], false)], by, 2)).toEqual({ items: [{ k: 'a' }, { k: 'b' }], more: true, next: 'b' });
  });

  it('asks each shard for its share of a page, never more than the page', () => {
    expect(shardLimit(20, 128)).toBe(4);
    expect(shardLimit(100, 128)).toBe(5);
    expect(shardLimit(20, 2)).toBe(20);
    expect(shardLimit(1, 128)).toBe(1);
  });
});

describe('shardedPage', () => {
  // A department queue of 700 received cases over its shards and, for 60 of them, the old 8-shard key
  // (a head not rewritten since): read by a reader that stops each shard at its limit, as DynamoDB does.
  const ix = CASES_TABLE.indexes.departmentQueue;
  const department = 'dept-a';
  const index = new Map<string, { sk: string; state: CaseState }[]>();
  // The index holds keys alone: each page's cases are read from their heads, which list them where the index does.
  const heads = new Map<string, Record<string, unknown>>();
  const expected: string[] = [];
  for (const [i, caseNo] of caseNos.slice(0, 700).entries()) {
    const day = `2026-12-${String(1 + (i % 28)).padStart(2, '0')}`;
    const sk = `received#${i % 10 === 0 ? '~' : day}#${caseNo}`;
    const pk = i < 60 ? `DEPT#${department}#${i % 8}` : departmentShardKey(department, queueShard(caseNo));
    index.set(pk, [...(index.get(pk) ?? []), { sk, state: { caseNo } as CaseState }]);
    heads.set(caseKey(caseNo), { pk: caseKey(caseNo), sk: HEAD, [ix.partitionKey]: pk, [ix.sortKey]: sk, state: { caseNo } });
    expected.push(sk);
  }
  // Another status, which the prefix leaves out.
  index.get(departmentShardKey(department, 0))!.push({ sk: `accepted#2026-12-01#${caseNos[800]!}`, state: { caseNo: caseNos[800]! } as CaseState });
  heads.set(caseKey(caseNos[800]!), {
    pk: caseKey(caseNos[800]!),
    sk: HEAD,
    [ix.partitionKey]: departmentShardKey(department, 0),
    [ix.sortKey]: `accepted#2026-12-01#${caseNos[800]!}`,
    state: { caseNo: caseNos[800]! },
  });
  for (const list of index.values()) list.sort((a, b) => (a.sk < b.sk ? -1 : 1));
  expected.sort();
  const reads: number[] = [];
  const reader: ShardReader = async (_index, partition, prefix, start, limit) => {
    const after = start?.[ix.sortKey];
    const all = (index.get(partition) ?? []).filter((e) => e.sk.startsWith(prefix) && (after === undefined || e.sk > after));
    reads.push(Math.min(limit, all.length));
    const keys = (e: { sk: string; state: CaseState }) => ({ pk: caseKey(e.state.caseNo), sk: HEAD, [ix.partitionKey]: partition, [ix.sortKey]: e.sk });
    return { items: all.slice(0, limit).map(keys), stopped: all.length > limit };
  };
  const readHead: HeadReader = async (key) => heads.get(key.pk);
  const skOf = (s: CaseState) => expected.find((k) => k.endsWith(`#${s.caseNo}`))!;

  it.each([1, 3, 20, 100])('answers every case once, in order, over pages of %i', async (limit) => {
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const q: ShardedQuery = departmentQueueQuery(department, 'received', { limit, ...(cursor ? { cursor } : {}) });
      const page = await shardedPage(q, reader, readHead);
      expect(page.cases.length).toBeLessThanOrEqual(limit);
      seen.push(...page.cases.map(skOf));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 2000);
    expect(cursor).toBeUndefined();
    expect(seen).toEqual(expected);
  });

  it('reads a page’s share of each shard, not a page of each', async () => {
    reads.length = 0;
    const page = await shardedPage(departmentQueueQuery(department, 'received', { limit: 20 }), reader, readHead);
    expect(page.cases.map(skOf)).toEqual(expected.slice(0, page.cases.length));
    expect(page.cases.length).toBeGreaterThan(10);
    expect(reads).toHaveLength(CASES_TABLE.departmentQueueShards);
    expect(Math.max(...reads)).toBeLessThanOrEqual(shardLimit(20, CASES_TABLE.departmentQueueShards));
  });
});
