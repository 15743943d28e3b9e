// DynamoDB writes per case transition, counted, not assumed: an in-process DynamoCaseStore on a
// dynalite of its own, whose client counts every item it writes — a PutItem, UpdateItem or DeleteItem
// one each, a BatchWriteItem or TransactWriteItems one per item it writes (its puts, updates and
// deletes; a transaction's ConditionCheck writes nothing and is not counted); conditional writes that
// fail count too, as AWS bills them — and the write units AWS would bill for each: the bench reads the
// item before and after every write (with a client of its own, not counted) and prices the change as
// DynamoDB does — the table's write by the larger of the two images (1 unit per KB, at least 1), and
// each index by what it must change of its entry (a put or a delete each, by the entry's size: its keys
// and what it projects, plus 100 bytes; nothing where neither its keys nor what it projects changed).
// Four cases: a single-department one (file, accept, pause, resume, decide), a joint one with 2
// co-departments (file, accept, the workflow's dispatch and its two waits keeping their callback
// tokens, the two opinions, decide) all on one morning, the same joint case with its steps on
// different days (each opinion on a day of its own, the decision on a later one: what a listing keyed
// by a day costs when the day moves), and a single-department one paused and resumed 10 times (23
// transitions: the head's entries paged out as they fill). Filings go through the case service (its
// catalogue and files in memory: only the case store sends commands); the actions' states are made by
// the real case lifecycle, as the service makes them; the waits are the joint handling's own step.
import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_TABLES, ensureTables, startDynalite } from '../../infra/local/local-dynamodb.ts';
import { attributeItemBytes } from '../../shared/adapters/dynamo-item-size.ts';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store.ts';
import type { IndexLayout } from '../../shared/adapters/table-layout.ts';
import { CASES_TABLE } from '../../shared/adapters/table-layout.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import type { CaseCommand, CaseContext } from '../../shared/domain/cases/case-lifecycle.ts';
import { applyCaseCommand } from '../../shared/domain/cases/case-lifecycle.ts';
import { CaseService } from '../../shared/domain/cases/case-service.ts';
import { JointHandling } from '../../shared/domain/cases/joint-handling.ts';
import { residentIdCheckChar } from '../../shared/domain/identifiers/resident-id.ts';
import { FIRE, FOOD, HEALTH, JOINT, MARKET, PORTAL } from '../support/case-fixtures.ts';
import { seededCatalogue } from '../support/memory-catalogue.ts';
import { MemoryMaterialVault } from '../support/memory-material-vault.ts';
import { realPdf } from '../support/pdf-fixtures.ts';
import { table } from './figures.ts';

// As `npm start` does: Node 20 is supported by this project, so the SDK need not warn about it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);
const KB = 1024;
/** What DynamoDB adds to every index entry's size. */
const INDEX_ENTRY_OVERHEAD = 100;

type Image = Record<string, AttributeValue> | undefined;
type Written = { table: string | undefined; key: Record<string, unknown> };

/**
 * The items a write command writes, each with its table and key (as the input holds it: marshalled or
 * not): one for PutItem, UpdateItem and DeleteItem, one per put or delete of a BatchWriteItem, one per
 * put, update or delete of a TransactWriteItems (a ConditionCheck writes nothing).
 */
export function writtenItems(name: string, input: Record<string, unknown>): Written[] {
  type Request = { PutRequest?: { Item: Record<string, unknown> }; DeleteRequest?: { Key: Record<string, unknown> } };
  type Action = { TableName?: string; Item?: Record<string, unknown>; Key?: Record<string, unknown> };
  switch (name) {
    case 'PutItemCommand':
    case 'UpdateItemCommand':
    case 'DeleteItemCommand':
      return [{ table: input.TableName as string | undefined, key: (input.Item ?? input.Key) as Record<string, unknown> }];
    case 'BatchWriteItemCommand':
      return Object.entries((input.RequestItems ?? {}) as Record<string, Request[]>).flatMap(([table, requests]) =>
        requests.map((r) => ({ table, key: (r.PutRequest?.Item ?? r.DeleteRequest?.Key)! })),
      );
    case 'TransactWriteItemsCommand':
      return ((input.TransactItems ?? []) as Record<string, Action | undefined>[]).flatMap((t) => {
        const action = t.Put ?? t.Update ?? t.Delete;
        return action ? [{ table: action.TableName, key: (action.Item ?? action.Key)! }] : [];
      });
    default:
      return [];
  }
}

/** Write units of one write that turned `before` into `after` (the same item when a condition failed). */
export function writeUnits(before: Image, after: Image, indexes: readonly IndexLayout[]): { table: number; indexes: number } {
  const size = (image: Image) => (image ? attributeItemBytes(image) : 0);
  const units = (bytes: number) => Math.max(1, Math.ceil(bytes / KB));
  let index = 0;
  for (const ix of indexes) {
    const entry = (image: Image) => (image?.[ix.partitionKey] && image[ix.sortKey] ? projected(image, ix) : undefined);
    const [was, is] = [entry(before), entry(after)];
    const same = (a: Image, b: Image) => JSON.stringify(a) === JSON.stringify(b);
    if (was && is && same(was, is)) continue;
    const keysMoved = was && is && (was[ix.partitionKey]!.S !== is[ix.partitionKey]!.S || was[ix.sortKey]!.S !== is[ix.sortKey]!.S);
    if (was && (keysMoved || !is)) index += units(size(was) + INDEX_ENTRY_OVERHEAD);
    if (is) index += units(size(is) + INDEX_ENTRY_OVERHEAD);
  }
  return { table: units(Math.max(size(before), size(after))), indexes: index };
}

/** What an index holds of an item: every attribute, or its keys alone (the table's and its own). */
function projected(image: Record<string, AttributeValue>, ix: IndexLayout): Record<string, AttributeValue> {
  if (ix.projection === undefined) return image;
  const names = [CASES_TABLE.partitionKey, CASES_TABLE.sortKey, ix.partitionKey, ix.sortKey];
  return Object.fromEntries(names.filter((n) => image[n] !== undefined).map((n) => [n, image[n]!]));
}

export async function countCaseWrites(): Promise<void> {
  const dynamo = await startDynalite(undefined);
  const endpoint = { endpoint: dynamo.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } };
  const raw = new DynamoDBClient(endpoint);
  // The bench's own reads of the items written, not counted.
  const looker = new DynamoDBClient(endpoint);
  const indexes = Object.values(CASES_TABLE.indexes) as IndexLayout[];
  const sent = new Map<string, number>();
  let itemsWritten = 0;
  const units = { table: 0, indexes: 0 };
  const look = async (key: Record<string, AttributeValue>): Promise<Image> =>
    (await looker.send(new GetItemCommand({ TableName: LOCAL_TABLES.cases, Key: key, ConsistentRead: true }))).Item;
  // The document client shares this stack: every command it sends passes here once (retries do not).
  raw.middlewareStack.add(
    (next, context) => async (args) => {
      const name = context.commandName!;
      sent.set(name, (sent.get(name) ?? 0) + 1);
      const written = WRITES.has(name) ? writtenItems(name, args.input as Record<string, unknown>) : [];
      itemsWritten += written.length;
      // The document client marshals its input in a step of its own, which may come after this one.
      const attribute = (value: unknown): AttributeValue => (typeof value === 'string' ? { S: value } : (value as AttributeValue));
      const keys = written
        .filter((w) => w.table === LOCAL_TABLES.cases)
        .map(({ key }) => ({ [CASES_TABLE.partitionKey]: attribute(key[CASES_TABLE.partitionKey]), [CASES_TABLE.sortKey]: attribute(key[CASES_TABLE.sortKey]) }));
      if (keys.length === 0) return next(args);
      const before = await Promise.all(keys.map(look));
      const settle = async () => {
        for (const [i, key] of keys.entries()) {
          const used = writeUnits(before[i], await look(key), indexes);
          units.table += used.table;
          units.indexes += used.indexes;
        }
      };
      try {
        const out = await next(args);
        await settle();
        return out;
      } catch (e) {
        await settle();
        throw e;
      }
    },
    { step: 'initialize', name: 'benchCountCommands' },
  );
  try {
    await ensureTables(raw, LOCAL_TABLES);
    const db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
    let clock = new Date('2026-11-23T02:00:00.000Z'); // Monday 23 November 2026, 10:00 in China
    const store = new DynamoCaseStore(db, LOCAL_TABLES.cases);
    const vault = new MemoryMaterialVault();
    const { items } = await seededCatalogue(() => new Date('2026-09-01T02:00:00.000Z'));
    const service = new CaseService({ store, items, materials: vault, calendar: officialCalendar, now: () => clock });
    const joint = new JointHandling({ store, calendar: officialCalendar, now: () => clock });
    const at = (minute: number) => (clock = new Date(`2026-11-23T02:${String(minute).padStart(2, '0')}:00.000Z`));
    const on = (actor: Caller, minute: number, day = '2026-11-23'): CaseContext => {
      clock = new Date(`${day}T02:${String(minute).padStart(2, '0')}:00.000Z`);
      return { actor, at: clock.toISOString(), today: day, calendar: officialCalendar };
    };

    /** What `run` sent: writes, their write units, and every command by name. */
    const measure = async (run: () => Promise<unknown>) => {
      sent.clear();
      itemsWritten = 0;
      units.table = units.indexes = 0;
      await run();
      const all = [...sent.entries()];
      return {
        writes: itemsWritten,
        tableUnits: units.table,
        indexUnits: units.indexes,
        commands: all.map(([name, k]) => `${k} ${name.replace(/Command$/, '')}`).join(', '),
      };
    };
    type Measured = Awaited<ReturnType<typeof measure>>;

    const first17 = '53010219800101001';
    const applicant = { kind: 'person' as const, residentId: `${first17}${residentIdCheckChar(first17)}`, name: '张三', phone: '13800138000' };
    const requestOf = (guide: typeof FOOD) => ({
      itemCode: guide.implementationCode,
      applicant,
      form: { 经营场所面积: 120 },
      materials: Object.fromEntries(guide.materials.filter((m) => m.required).map((m, i) => [m.name, vault.upload(PORTAL.channelId!, realPdf(`bench material ${i}`))])),
    });
    let caseNo = '';
    const file = (guide: typeof FOOD, key: string) => async () => {
      at(0);
      caseNo = (await service.file(PORTAL, key, requestOf(guide))).caseNo;
    };
    // As the case service acts: read the case, apply the command, record it.
    const act = (actor: Caller, command: CaseCommand, minute: number, day?: string) => async () => {
      const current = await store.get(caseNo);
      const next = applyCaseCommand(current!, command, on(actor, minute, day));
      await store.append(next.state, next.entry, current!);
    };

    const rows: string[][] = [];
    const total = { transitions: 0, writes: 0, tableUnits: 0, indexUnits: 0 };
    const row = (label: string, m: Measured, transitions: number) => {
      rows.push([label, String(m.writes), String(m.tableUnits), String(m.indexUnits), m.commands]);
      total.transitions += transitions;
      total.writes += m.writes;
      total.tableUnits += m.tableUnits;
      total.indexUnits += m.indexUnits;
    };
    const sum = (label: string) => {
      const per = (n: number) => (n / total.transitions).toFixed(2);
      rows.push([
        `${label}: ${total.transitions} transitions, per transition`,
        `${total.writes} (${per(total.writes)})`,
        `${total.tableUnits} (${per(total.tableUnits)})`,
        `${total.indexUnits} (${per(total.indexUnits)})`,
        '',
      ]);
      Object.assign(total, { transitions: 0, writes: 0, tableUnits: 0, indexUnits: 0 });
    };

    row('file (new case)', await measure(file(FOOD, 'bench-writes-1')), 1);
    row('accept', await measure(act(MARKET, { action: 'accept' }, 1)), 1);
    row('pause', await measure(act(MARKET, { action: 'pause', procedure: 'site-inspection', reason: '核查经营场所', expectedDays: 10 }, 2)), 1);
    row('resume', await measure(act(MARKET, { action: 'resume' }, 3)), 1);
    row('decide', await measure(act(MARKET, { action: 'decide', outcome: 'approved' }, 4)), 1);
    sum('single-department case');
    row('file again (replay, same key)', await measure(file(FOOD, 'bench-writes-1')), 0);
    Object.assign(total, { transitions: 0, writes: 0, tableUnits: 0, indexUnits: 0 });

    // A longer case: the head's entries are paged out as they fill (the page writes counted with the actions that make them).
    row('file (new case)', await measure(file(FOOD, 'bench-writes-3')), 1);
    row('accept', await measure(act(MARKET, { action: 'accept' }, 1)), 1);
    const pauses = async () => {
      for (let i = 0; i < 10; i++) {
        await act(MARKET, { action: 'pause', procedure: 'site-inspection', reason: `核查经营场所 ${i + 1}`, expectedDays: 10 }, 2 + 2 * i)();
        await act(MARKET, { action: 'resume' }, 3 + 2 * i)();
      }
    };
    row('10 pauses and resumes', await measure(pauses), 20);
    row('decide', await measure(act(MARKET, { action: 'decide', outcome: 'approved' }, 30)), 1);
    sum('single-department case paused 10 times');

    const jointCase = async (key: string, days: { opinions: [string, string]; decide: string }) => {
      row('joint: file (new case)', await measure(file(JOINT, key)), 1);
      row('joint: accept', await measure(act(MARKET, { action: 'accept' }, 10)), 1);
      row('joint: dispatch (workflow)', await measure(() => joint.dispatch(caseNo)), 1);
      const branches = [HEALTH, FIRE].map((d) => ({ caseNo, departmentId: d.departmentId! }));
      row('joint: 2 waits keep their tokens (workflow)', await measure(() => Promise.all(branches.map((b, i) => joint.awaitOpinion(b, `token-${i}`)))), 0);
      row(`joint: opinion (health), ${days.opinions[0].slice(5)}`, await measure(act(HEALTH, { action: 'opinion', outcome: 'agree' }, 11, days.opinions[0])), 1);
      row(`joint: opinion (fire): opinions complete, ${days.opinions[1].slice(5)}`, await measure(act(FIRE, { action: 'opinion', outcome: 'agree' }, 12, days.opinions[1])), 1);
      row(`joint: decide, ${days.decide.slice(5)}`, await measure(act(MARKET, { action: 'decide', outcome: 'approved' }, 13, days.decide)), 1);
    };
    await jointCase('bench-writes-2', { opinions: ['2026-11-23', '2026-11-23'], decide: '2026-11-23' });
    sum('joint case, 2 co-departments, one morning');
    // The same with a day or more between the steps, as joint cases are handled.
    await jointCase('bench-writes-4', { opinions: ['2026-11-24', '2026-11-25'], decide: '2026-11-27' });
    sum('joint case, 2 co-departments, over five days');

    console.log(
      '\nDynamoDB writes and write units per case transition (counted on DynamoCaseStore against dynalite; units priced from each item before and after its write; the action rows include the read of the case)',
    );
    table(rows, ['', 'writes', 'table WU', 'index WU', 'commands sent']);
  } finally {
    raw.destroy();
    looker.destroy();
    await dynamo.close();
  }
}
