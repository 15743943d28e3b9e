// Hot keys (issue 21, point 3): a day of filings replayed through the key functions of the cases,
// events, statistics and supervision tables, and each key family's busiest partition against DynamoDB's
// per-partition limits (1,000 write units/s, 3,000 read units/s), before issue 21's keys and after.
//
// The load: filings through one channel (the portal), 80 % to one department, peaking at 1,000/s at
// 10:30 and 15:00 China time (two office-hour humps, a quiet night: BENCH_KEY_PEAK sets the peak). Each
// case lives the life of test/support/sealed-case.ts — filed, accepted, its notice sealed, decided, its
// decision sealed — and is archived: six head writes. Its filing is written in its second; its
// acceptance and decision at times of day drawn from the same profile (officers work the hours the
// public files, and in a steady state each day's transitions match a day's filings), each follow-up
// (a seal, the archive) 1-5 s after the action that owes it.
//
// Each write's keys come from the real builders (headItem, entryItem of case-items.ts, with each case's
// number, department and applicant in the template state), its write units from the real items' sizes
// (dynamo-item-size.ts), a head of each step of the template life measured once: a put on the base
// table is ceil(size/1 KB); on each index, an entry whose keys stay is rewritten (one write of the
// projected size + 100 bytes), one whose keys change is deleted and put (two), as AWS bills them. The
// before column runs the same writes through the keys of before (`oldKeys` below, a copy of the key
// functions at 7064de4): 8 department shards, one channel key, 8 anchor shards.
//
// Each step's event, as the router and the tally write it (shard-keys.ts for the keys after; before:
// FEED#<owner>, DLV#<subscription>, DUE, FACT#<day>#<dept>, CHANGED): a feed item for the channel and
// one for the department; one subscription for each (the channel's, every department's), its receiver
// answering at once — a pending delivery put and deleted, a delivered marker, the pair's marker put,
// leased and deleted (four writes on the `due` index); the step's fact, if it counts one
// (statisticsFact), and its bucket's mark. Each item's units from its real size. Supervision: OVERDUE_SHARE
// of the cases marked overdue by the sweep's pass after midnight, assumed to take an hour (a shorter
// pass puts the same entries in fewer seconds: the before column grows as the pass shortens).
//
// Findings (the supervision table): the rules in force (DEFAULT_RULE_CATALOGUE) evaluated as the watch
// evaluates them on each case event — on every state of the template life, which raises none (a case on
// time), and on the overdue-marked state, whose event raises one (promised-deadline-passed). Each is
// raised by the watch in the same hour as its mark, answered by its department and closed by the platform
// at times drawn from the profile (in a steady state, each day's answers match a day's raisings): three
// head writes (finding-lifecycle.ts, dynamo-finding-store.ts's headItem), each rewriting or moving the
// head's entry on each of the five indexes, which hold the head whole. Before: the lists' keys without
// their shards (DEPT#<owner>, RULE#<rule>, STATE#<state>, DUE).
//
// Reads, at stated rates scaled by the same profile: a department's queue page (20 cases) 50 times a
// second at the peak for the busy department, and for each other 2; an applicant's own cases on the
// channel 200 times a second; the whole channel's list once a second; each feed (the channel's, the busy
// department's) by a consumer keeping up with it, pages of 100 events, consistent reads. Each through the real query
// builders (departmentQueueQuery, channelCasesQuery, shardLimit), eventually consistent (0.5 unit per
// 4 KB of items read per partition). The item read by every filing: the newest version of its item
// (a consistent Query and a consistent Get of its head), every one of the busy department's filings on
// one item (the worst case); after, through the functions' cache (dynamo-item-store.ts): at most one
// read per function instance per 2 s, with instances = filings/s × 0.2 s. Findings lists, pages of 20
// whole heads: the busy department's 10 times a second at the peak, the platform's open list twice; the
// escalation pass at its bound all day (50 pages of 100 of the due list a minute: a backlog it never
// gets through), an upper bound.
//
// Sampled: one case in BENCH_KEY_SAMPLE (default 200) is simulated and counted that many times, and
// units are bucketed per hour: a peak is the busiest hour's mean per second (the profile's humps are
// hours wide, so the peak hour's mean is within a few % of the peak second's; the sampling's noise
// per shard and second or minute would swamp the figure, and what remains per hour still adds
// 10-25 % to the busiest of 128 shards; DynamoDB's burst capacity absorbs seconds above the mean).
import { createHash, generateKeyPairSync, randomBytes, randomInt, sign } from 'node:crypto';
import { loadavg } from 'node:os';
import { entryItem, headItem, itemBytes } from '../../shared/adapters/case-items.ts';
import { channelCasesQuery, departmentQueueQuery } from '../../shared/adapters/case-listings.ts';
import { headItem as findingHead } from '../../shared/adapters/dynamo-finding-store.ts';
import {
  deliveryShardKey,
  dueShardKey,
  factShardKey,
  feedPartitions,
  feedShardKey,
  findingPartitions,
  parseShardedKey,
  shardLimit,
  shardedKey,
  supervisionShardKey,
} from '../../shared/adapters/shard-keys.ts';
import type { IndexLayout } from '../../shared/adapters/table-layout.ts';
import { CASES_TABLE, EVENTS_TABLE, STATISTICS_TABLE, SUPERVISION_TABLE } from '../../shared/adapters/table-layout.ts';
import { MAX_SUBSCRIPTIONS } from '../../shared/contracts/subscriptions.ts';
import { caseEvent } from '../../shared/domain/events/case-event.ts';
import { statisticsFact } from '../../shared/domain/statistics/statistics-fact.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { SYSTEM_CALLER, applyCaseCommand } from '../../shared/domain/cases/case-lifecycle.ts';
import type { CaseState } from '../../shared/domain/cases/case-record.ts';
import { sealDocument } from '../../shared/domain/seals/seal.ts';
import { DEFAULT_RULE_CATALOGUE, rulesById } from '../../shared/domain/supervision/default-rules.ts';
import { findingId, newFinding } from '../../shared/domain/supervision/finding.ts';
import { applyFindingCommand, raiseFinding } from '../../shared/domain/supervision/finding-lifecycle.ts';
import { caseOccurrences } from '../../shared/domain/supervision/rule-evaluation.ts';
import { FOOD, MARKET, REVIEWER, archivedRecord } from '../support/case-fixtures.ts';
import { seededCatalogue } from '../support/memory-catalogue.ts';
import { sealedFoodCase } from '../support/sealed-case.ts';
import { table } from './figures.ts';

const PEAK = Number(process.env.BENCH_KEY_PEAK ?? 1000);
const SAMPLE = Number(process.env.BENCH_KEY_SAMPLE ?? 200);
const HOT_SHARE = 0.8;
const OTHER_DEPARTMENTS = 40;
const CHANNEL = 'portal';
const LIMITS = { wu: 1000, ru: 3000 };
const MINUTES = 24 * 60;
/** Minutes per bucket of the figures. */
const BUCKET = 60;
/** Reads per second at the peak (see the header). */
const READS = { hotQueue: 50, otherQueue: 2, applicant: 200, wholeChannel: 1, hotFindings: 10, openFindings: 2 };
const PAGE = 20;
/** Seconds a filing holds a function instance, and how old the cached newest version may be. */
const FILING_SECONDS = 0.2;
const LATEST_MAX_AGE_S = 2;
/** Events a feed page holds (MAX_EVENTS_PAGE), and the share of cases the sweep marks overdue, all in the hour after midnight. */
const FEED_PAGE = 100;
const OVERDUE_SHARE = 0.05;
/** The escalation pass's bound (finding-service.ts): pages of findings due, and findings a page. */
const ESCALATION = { pages: 50, page: 100 };
const DAY = '2026-11-23';

/** Filings per second at minute m of the day (China time): two office-hour humps and a quiet night. */
function rate(minute: number): number {
  const h = minute / 60;
  const hump = (at: number, width: number) => Math.exp(-((h - at) ** 2) / (2 * width ** 2));
  return PEAK * Math.min(1, Math.max(0.01, hump(10.5, 1.2), hump(15, 1.4)));
}

/** The index keys of a head as they were before issue 21 (case-items.ts and anchor-keys.ts at 7064de4). */
function oldKeys(state: CaseState, item: Record<string, unknown>): Record<string, unknown> {
  const shard = (text: string) => createHash('sha256').update(text).digest().readUInt32BE(0) % 8;
  const ix = CASES_TABLE.indexes;
  return {
    ...item,
    [ix.departmentQueue.partitionKey]: `DEPT#${state.departmentId}#${shard(state.caseNo)}`,
    [ix.channelCases.partitionKey]: `CH#${state.channelId}`,
    [ix.anchorQueue.partitionKey]: `ANCHOR#${shard(`anchor#${state.caseNo}`)}`,
  };
}

const wu = (bytes: number) => Math.ceil(bytes / 1024);
const ru = (bytes: number) => Math.max(1, Math.ceil(bytes / 4096)) * 0.5;
const INDEXES: IndexLayout[] = Object.values(CASES_TABLE.indexes);

/** An index entry's size as AWS bills it: its projected attributes, the keys of table and index, 100 bytes. */
function indexEntryBytes(item: Record<string, unknown>, ix: IndexLayout): number {
  if (ix.projection !== 'keys-only') return itemBytes(item) + 100;
  const keys = [CASES_TABLE.partitionKey, CASES_TABLE.sortKey, ix.partitionKey, ix.sortKey];
  return itemBytes(Object.fromEntries(keys.map((k) => [k, item[k]]))) + 100;
}

/** Per key family, per partition, write units in each minute of the day. */
class Load {
  readonly #minutes = new Map<string, Map<string, Float64Array>>();
  add(family: string, partition: string, minute: number, units: number): void {
    let byPartition = this.#minutes.get(family);
    if (!byPartition) this.#minutes.set(family, (byPartition = new Map()));
    let m = byPartition.get(partition);
    if (!m) byPartition.set(partition, (m = new Float64Array(MINUTES / BUCKET)));
    m[Math.floor((minute % MINUTES) / BUCKET)]! += units;
  }
  /** Each family's busiest partition, its busiest bucket's units per second, and how many partitions the family has. */
  peaks(): Map<string, { partition: string; perSecond: number; partitions: number }> {
    const out = new Map<string, { partition: string; perSecond: number; partitions: number }>();
    for (const [family, byPartition] of this.#minutes) {
      let best = { partition: '', perSecond: 0, partitions: byPartition.size };
      for (const [partition, m] of byPartition) {
        const peak = Math.max(...m) / (60 * BUCKET);
        if (peak > best.perSecond) best = { ...best, partition, perSecond: peak };
      }
      out.set(family, best);
    }
    return out;
  }
}

/** The family of a partition key: its prefix, with the busy department and channel named. */
function family(index: string, pk: string): string {
  return `${index} ${pk.replace(/^(DEPT|CH|ANCHOR|SUPERVISION)#([^#]*).*$/, (_, kind: string, id: string) => (kind === 'ANCHOR' ? 'ANCHOR#<shard>' : `${kind}#${id}…`))}`;
}

const FINDING_INDEXES: IndexLayout[] = Object.values(SUPERVISION_TABLE.indexes);

/** A finding head's index keys as they were before issue 21: each sharded list's key without its shard. */
function legacyFindingKeys(head: Record<string, unknown>): Record<string, unknown> {
  const item = { ...head };
  for (const ix of FINDING_INDEXES) {
    const pk = item[ix.partitionKey] as string | undefined;
    if (pk !== undefined && ix !== SUPERVISION_TABLE.indexes.findingsBySubject) item[ix.partitionKey] = parseShardedKey(pk)!.base;
  }
  return item;
}

/** The family of a findings list: the index and its key, the busy department named, a subject as `<caseNo>`. */
function findingFamily(ix: IndexLayout, department: string): string {
  const key = {
    findingsByDepartment: `DEPT#${department}`,
    findingsByRule: 'RULE#<rule>',
    findingsBySubject: 'CASE#<caseNo>',
    findingsByState: 'STATE#<state>',
    findingsDue: 'DUE',
  }[ix.name];
  return `findings ${ix.name} ${key}…`;
}

export async function benchKeyLoad(): Promise<void> {
  const t0 = performance.now();
  // The template life: the sealed food case, then archived.
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const life = await sealedFoodCase({
    caseNo: '20261123BENCH00001',
    seal: (document, sealedAt) =>
      sealDocument(Buffer.from(document), { keyId: 'bench', department: MARKET.departmentId!, seal: 'seal-1', sealedAt }, { sign: async (_k, m) => sign('sha256', m, privateKey) }),
  });
  const archived = applyCaseCommand(
    life.state,
    { action: 'archive', archive: archivedRecord(life.state.caseNo, '2026-10-12') },
    {
      actor: SYSTEM_CALLER,
      at: '2026-10-12T02:05:00.000Z',
      today: '2026-10-12',
      calendar: officialCalendar,
    },
  );
  const states = [...life.states, archived.state];
  const entries = [...life.history, archived.entry];
  const changedAt = '2026-10-12T02:05:00.000Z';
  const heads = states.map((s) => headItem(s, changedAt));
  const entrySizes = states.map((s, i) => itemBytes(entryItem(i === 0 ? undefined : states[i - 1], s, entries[i]!)));
  // Write units by step, measured on the template's items once (another case's keys differ by a few bytes at most).
  const tableUnits = heads.map((h, step) => wu(entrySizes[step]!) + wu(itemBytes(h)));
  const indexUnits = heads.map((h) => Object.fromEntries(INDEXES.map((ix) => [ix.name, wu(indexEntryBytes(h, ix))])));
  // Each step's event (routed to the channel and to the department: a feed item each; one subscription
  // each, its receiver answering at once: a pending delivery put and deleted, the pair's marker put,
  // leased and deleted — four writes on the `due` index, its entry moving with the lease —, a delivered
  // marker) and its fact (statistics: the fact, and its bucket's changed mark).
  const stepEvents = states.map((s, i) => {
    const event = caseEvent(s, entries[i]!);
    const fact = statisticsFact({ id: event.id, action: entries[i]!.type, on: DAY }, s, 'online', officialCalendar);
    const eventBytes = itemBytes({ event });
    const marker = itemBytes({
      pk: 'DLV#sub_000000000000000000000000',
      sk: `P#${s.caseNo}`,
      owner: { kind: 'department', id: s.departmentId },
      nextAt: changedAt,
      rev: 3,
      lease: { id: randomBytes(16).toString('hex'), until: changedAt },
      duePk: 'DUE#31',
      dueSk: `${changedAt}#sub_000000000000000000000000#${s.caseNo}`,
    });
    return {
      feed: wu(eventBytes + 100),
      deliveries: 2 * wu(eventBytes + 250) + 3 * wu(marker) + wu(200),
      due: 4 * wu(marker),
      fact: fact ? wu(itemBytes({ pk: `FACT#${DAY}#${s.departmentId}#15`, sk: fact.eventId, fact })) : 0,
      feedBytes: eventBytes + 100,
    };
  });
  const overdueState: CaseState = { ...states[1]!, supervision: 'overdue', supervisionDeadline: DAY };
  const overdueEntry = wu(indexEntryBytes(headItem(overdueState, changedAt), CASES_TABLE.indexes.supervision));

  // Findings (the supervision table): what the rules in force raise on the template life, evaluated as
  // the watch does on each of its events (none: the life is on time), and on an overdue-marked case (the
  // mark's event). Each finding lives raised → answered by its department → closed by the platform; its
  // heads are measured once, each step's index entries (every index holds the whole head) from their size.
  const rules = rulesById(DEFAULT_RULE_CATALOGUE);
  const onTime = states.reduce((n, s) => n + caseOccurrences(DEFAULT_RULE_CATALOGUE, s, DAY).length, 0);
  const findingLives = caseOccurrences(DEFAULT_RULE_CATALOGUE, overdueState, DAY).map((occurrence) => {
    const ctx = { at: changedAt, today: DAY };
    const raised = raiseFinding(newFinding(occurrence, rules.get(occurrence.rule)!, 0, { date: '2026-11-30' }), { ...ctx, actor: SYSTEM_CALLER }).finding;
    const answered = applyFindingCommand(raised, { action: 'respond', kind: 'explain', text: '申请人补正材料延误，已督促承办人按期办结' }, { ...ctx, actor: MARKET }).finding;
    const closed = applyFindingCommand(answered, { action: 'close', note: '说明属实' }, { ...ctx, actor: REVIEWER }).finding;
    const life = [raised, answered, closed];
    return { occurrence, life, units: life.map((f) => Object.fromEntries(FINDING_INDEXES.map((ix) => [ix.name, wu(indexEntryBytes(findingHead(f), ix))]))) };
  });
  const findingHeadBytes = findingLives.length > 0 ? itemBytes(findingHead(findingLives[0]!.life[0]!)) : 0;

  // When each step is written: the filing (0), an officer's action at a time of the profile (accept 1, decide 3), a follow-up after its action (2, 4, 5).
  const officer = new Set([1, 3]);

  // A cumulative profile to draw officers' times from.
  const cumulative: number[] = [];
  for (let m = 0, sum = 0; m < MINUTES; m++) cumulative.push((sum += rate(m)));
  const dayTotal = cumulative.at(-1)! * 60;
  const drawMinute = () => {
    const x = Math.random() * cumulative.at(-1)!;
    let lo = 0;
    let hi = MINUTES - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  const before = new Load();
  const after = new Load();
  /** The `due` index's writes of one subscription to the channel, and of one to the busy department, all shards together. */
  const dueBySubscription = new Load();
  let cases = 0;
  let writes = 0;
  let busiestCase = { partition: '', minute: 0, units: 0 };
  for (let minute = 0; minute < MINUTES; minute++) {
    const sampled = Math.round((rate(minute) * 60) / SAMPLE + Math.random() - 0.5);
    for (let c = 0; c < sampled; c++) {
      cases++;
      const caseNo = `20261123${randomBytes(5).toString('hex').toUpperCase()}`;
      const departmentId = Math.random() < HOT_SHARE ? MARKET.departmentId! : `dept-${Math.floor(Math.random() * OTHER_DEPARTMENTS)}`;
      const residentId = `5301${String(Math.floor(Math.random() * 1e13)).padStart(13, '0')}X`;
      let at = minute;
      let previous: [Record<string, unknown>, Record<string, unknown>] | undefined;
      const caseMinutes = new Map<number, number>();
      for (const [step, template] of states.entries()) {
        at = step === 0 ? minute : officer.has(step) ? drawMinute() : at; // follow-ups: within seconds, the same minute
        const state = { ...template, caseNo, departmentId, channelId: CHANNEL, applicant: { ...template.applicant, kind: 'person', residentId } } as CaseState;
        const newItem = headItem(state, changedAt);
        const items: [Record<string, unknown>, Record<string, unknown>] = [oldKeys(state, newItem), newItem];
        for (const [k, load] of [before, after].entries()) {
          const item = items[k]!;
          const old = previous?.[k];
          // The base table: the entry and the head, in the case's own partition (its busiest minute kept, not every minute).
          if (k === 1) caseMinutes.set(at, (caseMinutes.get(at) ?? 0) + tableUnits[step]!);
          for (const ix of INDEXES) {
            const pk = item[ix.partitionKey] as string | undefined;
            const oldPk = old?.[ix.partitionKey] as string | undefined;
            const moved = old !== undefined && (oldPk !== pk || old[ix.sortKey] !== item[ix.sortKey]);
            if (oldPk !== undefined && (pk === undefined || moved)) load.add(family(ix.name, oldPk), oldPk, at, SAMPLE * indexUnits[step - 1]![ix.name]!);
            if (pk !== undefined) load.add(family(ix.name, pk), pk, at, SAMPLE * indexUnits[step]![ix.name]!);
          }
        }
        previous = items;
        writes++;
        const ev = stepEvents[step]!;
        for (const owner of [`channel#${CHANNEL}`, `department#${departmentId}`]) {
          const label = owner.startsWith('channel') || departmentId === MARKET.departmentId ? owner : 'department#<other>';
          before.add(`events FEED#${label}…`, `FEED#${owner}`, at, SAMPLE * ev.feed);
          after.add(`events FEED#${label}…`, feedShardKey(owner, caseNo), at, SAMPLE * ev.feed);
          const sub = `sub_${owner}`;
          before.add(`events due DUE…`, 'DUE', at, SAMPLE * ev.due);
          if (label !== 'department#<other>') dueBySubscription.add(label, 'DUE', at, SAMPLE * ev.due);
          after.add(`events due DUE…`, dueShardKey(sub, caseNo), at, SAMPLE * ev.due);
          before.add(`events DLV#<subscription of ${label}>…`, `DLV#${sub}`, at, SAMPLE * ev.deliveries);
          after.add(`events DLV#<subscription of ${label}>…`, deliveryShardKey(sub, caseNo), at, SAMPLE * ev.deliveries);
        }
        if (ev.fact > 0) {
          const label = departmentId === MARKET.departmentId ? departmentId : '<other>';
          before.add(`statistics FACT#<day>#${label}…`, `FACT#${DAY}#${departmentId}`, at, SAMPLE * ev.fact);
          after.add(`statistics FACT#<day>#${label}…`, factShardKey(DAY, departmentId, `${caseNo}.${states[step]!.version}`), at, SAMPLE * ev.fact);
          before.add('statistics CHANGED…', 'CHANGED', at, SAMPLE * wu(200));
          after.add('statistics CHANGED…', shardedKey('CHANGED', randomInt(STATISTICS_TABLE.changedShards)), at, SAMPLE * wu(200));
        }
      }
      // Marked overdue by the sweep's pass after midnight (assumed to take an hour), OVERDUE_SHARE of cases.
      // The watch raises its findings from the mark's event, in the same hour; the department answers and
      // the platform closes each at times of the profile (in a steady state, each day's answers match a day's raisings).
      if (Math.random() < OVERDUE_SHARE) {
        const m = randomInt(60);
        before.add('supervision SUPERVISION#overdue…', 'SUPERVISION#overdue', m, SAMPLE * overdueEntry);
        after.add('supervision SUPERVISION#overdue…', supervisionShardKey('overdue', caseNo), m, SAMPLE * overdueEntry);
        for (const { occurrence, life, units } of findingLives) {
          const subject = { kind: 'case' as const, caseNo };
          const id = findingId({ ...occurrence, subject });
          const heads = life.map((f): Record<string, unknown> => findingHead({ ...f, id, subject, departmentId }));
          const label = departmentId === MARKET.departmentId ? departmentId : '<other>';
          const minutes = [m, drawMinute(), drawMinute()];
          for (const [k, load] of [before, after].entries()) {
            let old: Record<string, unknown> | undefined;
            for (const [step, head] of heads.entries()) {
              const item = k === 0 ? legacyFindingKeys(head) : head;
              for (const ix of FINDING_INDEXES) {
                const fam = findingFamily(ix, label);
                const pk = item[ix.partitionKey] as string | undefined;
                const oldPk = old?.[ix.partitionKey] as string | undefined;
                const moved = old !== undefined && (oldPk !== pk || old[ix.sortKey] !== item[ix.sortKey]);
                if (oldPk !== undefined && (pk === undefined || moved)) load.add(fam, oldPk, minutes[step]!, SAMPLE * units[step - 1]![ix.name]!);
                if (pk !== undefined) load.add(fam, pk, minutes[step]!, SAMPLE * units[step]![ix.name]!);
              }
              old = item;
            }
          }
        }
      }
      for (const [m, units] of caseMinutes) if (units > busiestCase.units) busiestCase = { partition: `CASE#${caseNo}`, minute: m, units };
    }
  }

  // Reads, at the stated rates scaled by the profile.
  const reads = { before: new Load(), after: new Load() };
  const listed = itemBytes(heads[0]!) + 100;
  const applicantCases = 2;
  for (let minute = 0; minute < MINUTES; minute++) {
    const scale = (rate(minute) / PEAK) * 60;
    const queue = (departmentId: string, perSecond: number) => {
      const q = departmentQueueQuery(departmentId, 'received', { limit: PAGE });
      for (const pk of q.partitions) reads.after.add(`departmentQueue DEPT#${departmentId}…`, pk, minute, scale * perSecond * ru(shardLimit(PAGE, q.partitions.length) * listed));
      for (let s = 0; s < 8; s++) reads.before.add(`departmentQueue DEPT#${departmentId}…`, `DEPT#${departmentId}#${s}`, minute, scale * perSecond * ru(PAGE * listed));
    };
    queue(MARKET.departmentId!, READS.hotQueue);
    queue('dept-0', READS.otherQueue);
    // An applicant's own cases: spread over the shards by the applicant (sampled applicants, each read counted for its share).
    const samples = 64;
    for (let i = 0; i < samples; i++) {
      const applicant = `5301${String(Math.floor(Math.random() * 1e13)).padStart(13, '0')}X`;
      const q = channelCasesQuery(CHANNEL, applicant, { limit: PAGE })!;
      const each = (scale * READS.applicant) / samples;
      const [own, legacy] = q.partitions;
      reads.after.add(`channelCases CH#${CHANNEL}…`, own!, minute, each * ru(applicantCases * listed));
      reads.after.add(`channelCases CH#${CHANNEL}…`, legacy!, minute, each * ru(0));
      reads.before.add(`channelCases CH#${CHANNEL}…`, `CH#${CHANNEL}`, minute, each * ru(applicantCases * listed));
    }
    // A feed read by a consumer keeping up with it, FEED_PAGE events a page, consistent reads (1 unit per 4 KB).
    const eventsPerCase = states.length;
    for (const [owner, share] of [
      [`channel#${CHANNEL}`, 1],
      [`department#${MARKET.departmentId!}`, HOT_SHARE],
    ] as const) {
      const pages = (rate(minute) * eventsPerCase * share * 60) / FEED_PAGE;
      const bytes = stepEvents[0]!.feedBytes;
      const partitions = feedPartitions(owner);
      for (const pk of partitions) reads.after.add(`events FEED#${owner}…`, pk, minute, pages * 2 * ru(shardLimit(FEED_PAGE, partitions.length) * bytes));
      reads.before.add(`events FEED#${owner}…`, `FEED#${owner}`, minute, pages * 2 * ru(FEED_PAGE * bytes));
    }
    // Findings lists, pages of PAGE whole heads: the busy department's, and the platform's open ones.
    for (const [fam, base, perSecond] of [
      [`findings findingsByDepartment DEPT#${MARKET.departmentId!}…`, `DEPT#${MARKET.departmentId!}`, READS.hotFindings],
      ['findings findingsByState STATE#<state>…', 'STATE#open', READS.openFindings],
    ] as const) {
      const partitions = findingPartitions(base);
      for (const pk of partitions) reads.after.add(fam, pk, minute, scale * perSecond * ru(shardLimit(PAGE, partitions.length) * findingHeadBytes));
      reads.before.add(fam, base, minute, scale * perSecond * ru(PAGE * findingHeadBytes));
    }
    const whole = channelCasesQuery(CHANNEL, undefined, { limit: PAGE })!;
    for (const pk of whole.partitions)
      reads.after.add(`channelCases CH#${CHANNEL}…`, pk, minute, scale * READS.wholeChannel * ru(shardLimit(PAGE, whole.partitions.length) * listed));
    reads.before.add(`channelCases CH#${CHANNEL}…`, `CH#${CHANNEL}`, minute, scale * READS.wholeChannel * ru(PAGE * listed));
  }

  // The escalation pass at its bound all day (a tick a minute, each reading ESCALATION.pages pages of the
  // due list: a backlog of late findings it never gets through), eventually consistent.
  {
    const partitions = findingPartitions('DUE');
    for (let minute = 0; minute < MINUTES; minute++) {
      for (const pk of partitions)
        reads.after.add('findings findingsDue DUE…', pk, minute, ESCALATION.pages * ru(shardLimit(ESCALATION.page, partitions.length) * findingHeadBytes));
      reads.before.add('findings findingsDue DUE…', 'DUE', minute, ESCALATION.pages * ru(ESCALATION.page * findingHeadBytes));
    }
  }

  // The item read by every filing (the items table): the busy department's filings all on one item.
  const { items } = await seededCatalogue(() => new Date('2026-09-01T02:00:00.000Z'));
  const newest = (await items.latest(FOOD.implementationCode))!;
  const itemRead = ru(itemBytes({ pk: 'ITEM#x', sk: 'V#0000000001', ...newest })) * 2 + ru(1024) * 2; // consistent: 1 unit per 4 KB
  const hotFilings = PEAK * HOT_SHARE;
  const instances = PEAK * FILING_SECONDS;

  const rows: string[][] = [];
  const w = { before: before.peaks(), after: after.peaks() };
  const r = { before: reads.before.peaks(), after: reads.after.peaks() };
  const families = [...new Set([...w.before.keys(), ...w.after.keys(), ...r.before.keys(), ...r.after.keys()])].sort();
  const fmt = (x: number | undefined, limit: number) => (x === undefined ? '–' : `${x.toFixed(0)}${x > limit ? ' ✗' : ''}`);
  for (const f of families) {
    rows.push([
      f,
      String(w.after.get(f)?.partitions ?? r.after.get(f)?.partitions ?? '–'),
      fmt(w.before.get(f)?.perSecond, LIMITS.wu),
      fmt(w.after.get(f)?.perSecond, LIMITS.wu),
      fmt(r.before.get(f)?.perSecond, LIMITS.ru),
      fmt(r.after.get(f)?.perSecond, LIMITS.ru),
      (w.after.get(f) ?? r.after.get(f))!.partition,
    ]);
  }
  // A case's own partition: its writes in its busiest minute, as if all in one second (an upper bound).
  rows.push(['table CASE#<caseNo> (a case: entries, head)', String(cases * SAMPLE), String(busiestCase.units), String(busiestCase.units), '–', '–', busiestCase.partition]);
  rows.push([
    'items ITEM#<code> (newest version, per filing)',
    '1',
    '–',
    '–',
    fmt(hotFilings * itemRead, LIMITS.ru),
    fmt(Math.min(hotFilings, instances / LATEST_MAX_AGE_S) * itemRead, LIMITS.ru),
    `ITEM#${FOOD.implementationCode}`,
  ]);
  console.log(
    `\nhot keys: a day of ${(dayTotal / 1e6).toFixed(1)} M filings (peak ${PEAK}/s, ${HOT_SHARE * 100} % to ${MARKET.departmentId}, all through ${CHANNEL}), ${states.length} head writes a case; ` +
      `${cases} cases sampled (1 in ${SAMPLE}), ${writes} head writes replayed; busiest partition of each key family, busiest hour's mean units/s (limits ${LIMITS.wu} WU/s, ${LIMITS.ru} RU/s; ✗ over)`,
  );
  console.log(
    `  head sizes by step (bytes): ${heads.map((h) => itemBytes(h)).join(', ')}; reads/s at the peak: queue pages ${READS.hotQueue} (busy department), applicant lists ${READS.applicant}, whole channel ${READS.wholeChannel}`,
  );
  console.log(
    `  findings: ${onTime} raised on a case's life on time; ${findingLives.length} on a case marked overdue (${findingLives.map((f) => f.occurrence.rule).join(', ')}), ${OVERDUE_SHARE * 100} % of cases, ` +
      `raised in the hour after midnight, answered and closed in office hours; a finding's head ${findingHeadBytes} bytes (each of its ${FINDING_INDEXES.length} indexes holds it whole); ` +
      `reads/s at the peak: the busy department's list ${READS.hotFindings}, the open list ${READS.openFindings}; the escalation pass ${ESCALATION.pages} pages of ${ESCALATION.page} a minute`,
  );
  table(rows, ['key family', 'partitions', 'WU/s before', 'WU/s after', 'RU/s before', 'RU/s after', 'busiest partition after']);
  // The `due` index's headroom: every subscription of an owner puts its own markers on it, and an owner may have MAX_SUBSCRIPTIONS.
  const dueOf = dueBySubscription.peaks();
  const channelDue = dueOf.get(`channel#${CHANNEL}`)?.perSecond ?? 0;
  const departmentDue = dueOf.get(`department#${MARKET.departmentId!}`)?.perSecond ?? 0;
  const perShard = (shards: number, channelSubs: number, departmentSubs: number) => ((channelSubs * channelDue + departmentSubs * departmentDue) / shards).toFixed(0);
  console.log(
    `  due index: a subscription to the channel writes ${channelDue.toFixed(0)} WU/s on it at the peak, one to the busy department ${departmentDue.toFixed(0)} (all shards); ` +
      `the mean shard with one of each: ${perShard(EVENTS_TABLE.dueShards, 1, 1)} WU/s over ${EVENTS_TABLE.dueShards} shards, ${perShard(EVENTS_TABLE.dueShards / 2, 1, 1)} over ${EVENTS_TABLE.dueShards / 2}; ` +
      `with two to the channel: ${perShard(EVENTS_TABLE.dueShards, 2, 1)} and ${perShard(EVENTS_TABLE.dueShards / 2, 2, 1)}; ` +
      `with ${MAX_SUBSCRIPTIONS} to each (the most an owner may have): ${perShard(EVENTS_TABLE.dueShards, MAX_SUBSCRIPTIONS, MAX_SUBSCRIPTIONS)} and ${perShard(EVENTS_TABLE.dueShards / 2, MAX_SUBSCRIPTIONS, MAX_SUBSCRIPTIONS)}`,
  );
  console.log(`  (${((performance.now() - t0) / 1000).toFixed(1)} s, load average ${loadavg()[0]!.toFixed(2)})`);
}

if (import.meta.url === `file://${process.argv[1]}`) await benchKeyLoad();
