// The DynamoDB adapters against dynalite over the real DynamoDB wire protocol: conditional version
// writes, head roll-forward after a crash between the two writes, the listing indexes and cursors.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { DIRECTORY_TABLE } from '../../shared/adapters/table-layout.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { DynamoItemStore } from '../../shared/adapters/dynamo-item-store.ts';
import { ServiceGuideSchema } from '../../shared/contracts/service-item.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { DomainError } from '../../shared/domain/errors.ts';
import { CatalogueService } from '../../shared/domain/items/catalogue-service.ts';
import { hashRecord } from '../../shared/domain/items/record-hash.ts';
import { LOCAL_TABLES, ensureTables, startDynalite } from '../../infra/local/local-dynamodb.ts';
import { DEPARTMENTS, UNLISTED_DEPARTMENT_ID, fixtureDirectory } from '../support/directory-fixtures.ts';
import { GUIDES } from '../support/guide-fixtures.ts';

let stop: () => Promise<void>;
let db: DynamoDBDocumentClient;
let store: DynamoItemStore;
let catalogue: CatalogueService;
const directory = fixtureDirectory();
const market: Caller = { name: 'market', role: 'department', departmentId: DEPARTMENTS.market.id };
const reviewer: Caller = { name: 'reviewer', role: 'platform' };
const now = () => new Date('2026-11-23T02:00:00Z');

beforeAll(async () => {
  const dynamo = await startDynalite(undefined);
  const raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  await ensureTables(raw, LOCAL_TABLES);
  db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  store = new DynamoItemStore(db, LOCAL_TABLES.items);
  catalogue = new CatalogueService({ store, directory: async () => directory, calendar: officialCalendar, now });
  stop = async () => {
    raw.destroy();
    await dynamo.close();
  };
});

afterAll(async () => stop());

/** A valid guide of the market department with its own implementation code suffix. */
function guide(suffix: string, overrides: Record<string, unknown> = {}) {
  const base = GUIDES.food;
  return ServiceGuideSchema.parse({ ...base, implementationCode: `${DEPARTMENTS.market.id}${suffix}`, name: `测试事项${suffix}`, ...overrides });
}

async function publish(suffix: string, overrides: Record<string, unknown> = {}) {
  const v1 = await catalogue.create(market, guide(suffix, overrides));
  const v2 = await catalogue.submit(market, v1.code, 1);
  return catalogue.review(reviewer, v1.code, v2.version, 'publish', []);
}

describe('DynamoItemStore', () => {
  it('keeps every version, reads the newest consistently and chains the hashes', async () => {
    // Prepare / Act
    const published = await publish('900000000001');
    const v1 = await store.version(published.code, 1);
    const v2 = await store.version(published.code, 2);
    const latest = await store.latest(published.code);

    // Assess
    expect(latest).toEqual(published);
    expect(v1?.state).toBe('draft');
    expect(v2?.state).toBe('submitted');
    expect(v2?.previousHash).toBe(v1?.hash);
    expect(latest?.previousHash).toBe(v2?.hash);
    const { hash, ...rest } = latest!;
    expect(hashRecord(rest)).toBe(hash);
  });

  it('lets exactly one of two concurrent actions on the same version win', async () => {
    // Prepare
    const v1 = await catalogue.create(market, guide('900000000002'));

    // Act: two edits from version 1 at once
    const results = await Promise.allSettled([
      catalogue.edit(market, v1.code, 1, guide('900000000002', { name: '并发修改甲' })),
      catalogue.edit(market, v1.code, 1, guide('900000000002', { name: '并发修改乙' })),
    ]);

    // Assess
    const fulfilled = results.filter((r) => r.status === 'fulfilled');
    const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(DomainError);
    expect((rejected[0]!.reason as DomainError).code).toBe('ITEM_VERSION_CONFLICT');
    const latest = await store.latest(v1.code);
    expect(latest?.version).toBe(2);
    expect(await store.version(v1.code, 3)).toBeUndefined();
  });

  it('refuses a second item with the same implementation code and keeps the first intact', async () => {
    const first = await catalogue.create(market, guide('900000000003'));
    await expect(catalogue.create(market, guide('900000000003', { name: '重复' }))).rejects.toMatchObject({ code: 'ITEM_EXISTS', kind: 'conflict' });
    expect(await store.latest(first.code)).toEqual(first);
  });

  it('rolls a head that is behind its newest version forward when the item is read', async () => {
    // Prepare: publish, then simulate a crash between the version write and the head write by
    // deleting the head (the listing indexes then do not show the item).
    const published = await publish('900000000004');
    await db.send(new DeleteCommand({ TableName: LOCAL_TABLES.items, Key: { pk: `ITEM#${published.code}`, sk: 'HEAD' } }));
    const before = await catalogue.list(market, { departmentId: DEPARTMENTS.market.id }, { limit: 100 });
    expect(before.items.map((i) => i.code)).not.toContain(published.code);

    // Act
    await store.latest(published.code);

    // Assess
    const head = await db.send(new GetCommand({ TableName: LOCAL_TABLES.items, Key: { pk: `ITEM#${published.code}`, sk: 'HEAD' } }));
    expect(head.Item?.version).toBe(published.version);
    const after = await catalogue.list(market, { departmentId: DEPARTMENTS.market.id }, { limit: 100 });
    expect(after.items.map((i) => i.code)).toContain(published.code);
  });

  it('never moves a head backwards', async () => {
    const published = await publish('900000000005');
    const older = await store.version(published.code, 2);
    // An old writer arriving late tries to project version 2 onto the head.
    await store['moveHead'](older!, undefined);
    const head = await db.send(new GetCommand({ TableName: LOCAL_TABLES.items, Key: { pk: `ITEM#${published.code}`, sk: 'HEAD' } }));
    expect(head.Item?.version).toBe(3);
  });

  it('lists the catalogue by department and type with cursors that walk every page once', async () => {
    // Prepare: five published items of one department in a fresh type, and one draft
    const codes: string[] = [];
    for (let i = 0; i < 5; i++) codes.push((await publish(`91000000000${i}`, { type: 'administrative-reward' })).code);
    const draft = await catalogue.create(market, guide('910000000009', { type: 'administrative-reward' }));

    // Act: pages of two
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await catalogue.list(market, { departmentId: DEPARTMENTS.market.id, type: 'administrative-reward' }, { limit: 2, ...(cursor ? { cursor } : {}) });
      seen.push(...page.items.map((i) => i.code));
      cursor = page.nextCursor;
      pages++;
    } while (cursor && pages < 10);

    // Assess
    expect(seen).toEqual([...codes].sort());
    expect(seen).not.toContain(draft.code);
    const other = await catalogue.list(market, { departmentId: DEPARTMENTS.housing.id, type: 'administrative-reward' }, { limit: 10 });
    expect(other.items).toEqual([]);
  });

  it('refuses a cursor from another query or a forged one', async () => {
    for (let i = 0; i < 3; i++) await publish(`92000000000${i}`, { type: 'administrative-ruling' });
    const page = await catalogue.list(market, { type: 'administrative-ruling' }, { limit: 1 });
    expect(page.nextCursor).toBeDefined();
    await expect(catalogue.list(market, { type: 'public-service' }, { limit: 1, cursor: page.nextCursor! })).rejects.toMatchObject({ code: 'INVALID_CURSOR', field: 'cursor' });
    await expect(catalogue.list(market, {}, { limit: 1, cursor: 'not-a-cursor' })).rejects.toMatchObject({ code: 'INVALID_CURSOR' });
  });

  it('refuses cursors that are well-formed JSON but not a start key of the query (never a 500)', async () => {
    const forge = (k: Record<string, unknown>, q = { kind: 'catalogue' }) => Buffer.from(JSON.stringify({ q: JSON.stringify(q), k })).toString('base64url');
    const forged = [
      forge({ pk: 'x' }), // not the index's key attributes
      forge({ pk: 'ITEM#A', sk: 'HEAD', catPk: 'LISTED#other', catSk: 'public-service#A' }), // another partition
      forge({ pk: 'ITEM#A', sk: 'V#0000000001', catPk: 'LISTED', catSk: 'public-service#A' }), // not a head
      forge({ pk: 'ITEM#A', sk: 'HEAD', catPk: 'LISTED', catSk: 7 }), // not a string
    ];
    for (const cursor of forged) {
      await expect(catalogue.list(market, {}, { limit: 1, cursor })).rejects.toMatchObject({ code: 'INVALID_CURSOR', field: 'cursor' });
    }
    // a structurally valid start key of the right partition is accepted, even for an item that does not exist
    const page = await catalogue.list(market, {}, { limit: 1, cursor: forge({ pk: 'ITEM#ZZZ', sk: 'HEAD', catPk: 'LISTED', catSk: 'public-service#ZZZ' }) });
    expect(page.items.every((i) => `${i.type}#${i.code}` > 'public-service#ZZZ')).toBe(true);
  });

  it('keeps the work queue by state: submitted items appear for the reviewer and leave it when published', async () => {
    const v1 = await catalogue.create(market, guide('930000000001'));
    const v2 = await catalogue.submit(market, v1.code, 1);
    const queue = await catalogue.list(reviewer, { state: 'submitted' }, { limit: 100 });
    expect(queue.items.map((i) => i.code)).toContain(v1.code);

    await catalogue.review(reviewer, v1.code, v2.version, 'publish', []);
    const after = await catalogue.list(reviewer, { state: 'submitted' }, { limit: 100 });
    expect(after.items.map((i) => i.code)).not.toContain(v1.code);
  });

  it('drops terminated items from the catalogue', async () => {
    const published = await publish('940000000001', { type: 'other-administrative-power' });
    await catalogue.terminate(market, published.code, published.version, '职能划转');
    const page = await catalogue.list(market, { type: 'other-administrative-power' }, { limit: 100 });
    expect(page.items.map((i) => i.code)).not.toContain(published.code);
    expect((await store.latest(published.code))?.publicState).toBe('terminated');
  });
});

describe('DynamoItemStore: reads kept in memory', () => {
  it('keeps each version read, bounded to the most recently used, and never a version not found', async () => {
    // Prepare: an item with three versions (draft, submitted, published), and a store keeping two
    const published = await publish('950000000001');
    const cached = new DynamoItemStore(db, LOCAL_TABLES.items, undefined, { versions: 2 });
    const key = (n: number) => ({ pk: `ITEM#${published.code}`, sk: `V#${String(n).padStart(10, '0')}` });
    const [v1, v2, v3] = await Promise.all([1, 2, 3].map(async (n) => (await db.send(new GetCommand({ TableName: LOCAL_TABLES.items, Key: key(n) }))).Item!));
    expect(await cached.version(published.code, 4)).toBeUndefined();
    expect((await cached.version(published.code, 1))?.version).toBe(1);
    expect((await cached.version(published.code, 3))?.version).toBe(3);
    expect((await cached.version(published.code, 1))?.version).toBe(1); // used again: 3 is now the least recent

    // Act: the versions leave the table (as only a test can do); one more is read, and so 3 goes
    await Promise.all([1, 2, 3].map((n) => db.send(new DeleteCommand({ TableName: LOCAL_TABLES.items, Key: key(n) }))));
    await db.send(new PutCommand({ TableName: LOCAL_TABLES.items, Item: v2 }));
    const second = await cached.version(published.code, 2);
    const [first, third] = [await cached.version(published.code, 1), await cached.version(published.code, 3)];
    await Promise.all([v1, v3].map((item) => db.send(new PutCommand({ TableName: LOCAL_TABLES.items, Item: item }))));

    // Assess: 1 and 2 from memory, 3 read again (and gone), a version not found read again once written
    expect([first?.version, second?.version, third]).toEqual([1, 2, undefined]);
    expect(await store.version(published.code, 1)).toEqual(first);
    // A copy each time: changing what a read returned changes nothing kept
    first!.guide.name = 'changed';
    expect((await cached.version(published.code, 1))?.guide.name).not.toBe('changed');
  });

  it('gives the newest version again only within latestMaxAgeMs, and at once after its own write', async () => {
    // Prepare: a published item read by a filing's store (2 s) on a clock the test moves
    const published = await publish('950000000002');
    let clock = 1_000_000;
    const filing = new DynamoItemStore(db, LOCAL_TABLES.items, undefined, { latestMaxAgeMs: 2000, now: () => clock });
    expect((await filing.latest(published.code))?.publicState).toBe('published');

    // Act: the item is suspended at once (through another store, as the catalogue function does)
    await catalogue.suspend(market, published.code, published.version, { kind: 'emergency', reason: '系统维护', notice: '因系统维护暂停办理' });
    clock += 2000;
    const within = await filing.latest(published.code);
    clock += 1;
    const after = await filing.latest(published.code);

    // Assess: the store that keeps nothing sees it at once; the filing's within 2 s, then for sure
    expect((await store.latest(published.code))?.publicState).toBe('suspended');
    expect(within?.publicState).toBe('published');
    expect(after?.publicState).toBe('suspended');
    // A store's own write is never hidden from it by what it kept (the catalogue itself never keeps the newest: it writes on what it reads)
    const resumed = await catalogue.resume(market, published.code, after!.version);
    expect((await filing.latest(published.code))?.version).toBe(after!.version); // within 2 s of its read
    clock += 2001;
    const own = new CatalogueService({ store: filing, directory: async () => directory, calendar: officialCalendar, now });
    const again = await own.suspend(market, published.code, resumed.version, { kind: 'emergency', reason: '再次维护', notice: '因系统维护暂停办理' });
    expect((await filing.latest(published.code))?.version).toBe(again.version);
  });
});

describe('DynamoDirectory', () => {
  it('stores the directory as one validated record and reads it back', async () => {
    const dir = new DynamoDirectory(db, LOCAL_TABLES.directory);
    await dir.save(directory);
    expect(await new DynamoDirectory(db, LOCAL_TABLES.directory).load()).toEqual(directory);
  });

  it('reads the directory record and the parts of the seal registry together, as the data stack and the seal-key stacks write them', async () => {
    // Arrange: the record without seals, the seals spread over two parts, and a part naming a department the record no longer has.
    const { seals: _none, ...record } = directory;
    const seals = directory.departments
      .slice(0, 3)
      .map((d, i) => ({ department: d.id, seal: 'seal-1', keyId: `arn:aws:kms:cn-north-1:000000000000:key/${i}`, alg: 'ES256' as const }));
    const gone = { department: UNLISTED_DEPARTMENT_ID, seal: 'seal-1', keyId: 'arn:aws:kms:cn-north-1:000000000000:key/gone', alg: 'ES256' as const };
    const put = (pk: string, doc: unknown) => db.send(new PutCommand({ TableName: LOCAL_TABLES.directory, Item: { pk, doc: JSON.stringify(doc), digest: 'd' } }));
    await put(DIRECTORY_TABLE.directoryKey, record);
    await put(DIRECTORY_TABLE.sealRegistryKeys[0], seals.slice(0, 1));
    await put(DIRECTORY_TABLE.sealRegistryKeys[2], [...seals.slice(1), gone]);
    try {
      // Act
      const loaded = await new DynamoDirectory(db, LOCAL_TABLES.directory).load();
      // Assess: every seal of a known department, in the parts' order; the departed one left out.
      expect(loaded).toEqual({ ...record, seals });
      // A part that is no seal registry is refused, named.
      await put(DIRECTORY_TABLE.sealRegistryKeys[1], [{ department: DEPARTMENTS.market.id }]);
      await expect(new DynamoDirectory(db, LOCAL_TABLES.directory).load()).rejects.toThrow(`record ${DIRECTORY_TABLE.sealRegistryKeys[1]} is not a part of the seal registry`);
    } finally {
      for (const pk of DIRECTORY_TABLE.sealRegistryKeys) await db.send(new DeleteCommand({ TableName: LOCAL_TABLES.directory, Key: { pk } }));
      await new DynamoDirectory(db, LOCAL_TABLES.directory).save(directory);
    }
  });

  it('refuses to save a directory whose principal names an unknown department', async () => {
    const dir = new DynamoDirectory(db, LOCAL_TABLES.directory);
    const bad = {
      ...directory,
      principals: [...directory.principals, { name: 'ghost', role: 'department' as const, departmentId: UNLISTED_DEPARTMENT_ID, arn: 'arn:aws:iam::000000000000:user/ghost' }],
    };
    await expect(dir.save(bad)).rejects.toThrow(/unknown department/);
  });
});
