// The official holiday arrangements as operated data, against dynalite over the DynamoDB wire
// protocol: loads as hash-chained versions (who, when), the shipped years as version 1, refusals
// (a statutory holiday worked, a wrong version, another year's document, a role that may not),
// the calendar every function counts on (newest versions, cached, never an outage), and the sweep
// computing again the dates of the open cases that rest on a loaded year — also of cases not due yet.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { createHash, randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_TABLES, ensureTables, startDynalite } from '../../infra/local/local-dynamodb.ts';
import { S3RVER_CREDENTIALS, startS3 } from '../../infra/local/local-s3.ts';
import { DynamoCalendarStore } from '../../shared/adapters/dynamo-calendar-store.ts';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store.ts';
import { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import { DynamoItemStore } from '../../shared/adapters/dynamo-item-store.ts';
import { S3MaterialStore } from '../../shared/adapters/s3-material-store.ts';
import { S3Client } from '@aws-sdk/client-s3';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { CALENDAR_CACHE_MS, StoredCalendar } from '../../shared/domain/calendar/calendar-source.ts';
import { CalendarService } from '../../shared/domain/calendar/calendar-service.ts';
import { SHIPPED_CALENDAR_YEARS } from '../../shared/domain/calendar/official-calendar.ts';
import { CaseService } from '../../shared/domain/cases/case-service.ts';
import { CaseSweep } from '../../shared/domain/cases/case-sweep.ts';
import { FOOD, MARKET, PORTAL, ZHANG } from '../support/case-fixtures.ts';
import { statutoryArrangement } from '../support/calendar-fixtures.ts';
import { seedFixtures } from '../support/fixture-seeding.ts';
import { rejection } from '../support/refusal.ts';
import { testNoticeSealer } from '../support/notice-seals.ts';

const REVIEWER: Caller = { name: 'reviewer', role: 'platform' };
let stop: () => Promise<void>;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;
let s3dir: string;
let vault: S3MaterialStore;
let clock = new Date('2026-12-07T02:00:00Z');
const now = () => clock;
const day = (date: string) => (clock = new Date(`${date}T02:00:00Z`));

beforeAll(async () => {
  const dynamo = await startDynalite(undefined);
  raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  await ensureTables(raw, LOCAL_TABLES);
  db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  s3dir = await mkdtemp(join(tmpdir(), 'tongban-calendar-s3-'));
  const s3 = await startS3(s3dir, '127.0.0.1', ['tongban-test-calendar-materials']);
  const client = new S3Client({ endpoint: s3.endpoint, region: 'cn-north-1', forcePathStyle: true, credentials: S3RVER_CREDENTIALS });
  vault = new S3MaterialStore(client, 'tongban-test-calendar-materials');
  await seedFixtures({
    directory: new DynamoDirectory(db, LOCAL_TABLES.directory),
    store: new DynamoItemStore(db, LOCAL_TABLES.items),
    now: () => new Date('2026-11-02T02:00:00Z'),
  });
  stop = async () => {
    client.destroy();
    raw.destroy();
    await s3.close();
    await dynamo.close();
  };
});

afterAll(async () => {
  await stop();
  await rm(s3dir, { recursive: true, force: true });
});

/** A calendar store of its own: a table partition no other test touches. */
function setup() {
  const table = LOCAL_TABLES.items;
  const store = new DynamoCalendarStore(db, table);
  const source = new StoredCalendar({ store, shipped: SHIPPED_CALENDAR_YEARS });
  return { store, source, service: new CalendarService({ store, shipped: SHIPPED_CALENDAR_YEARS, source, now }) };
}

describe('the official holiday arrangements, loaded and versioned', () => {
  it('lists the shipped year before any load, and stores it as version 1 by system when seeded', async () => {
    const { service, store } = setup();
    const before = await service.overview(PORTAL);
    await service.seed();
    const after = await service.overview(PORTAL);

    expect(before.years).toEqual([expect.objectContaining({ year: 2026, version: 1, loadedBy: 'system', shipped: true })]);
    expect(after.years).toEqual([expect.objectContaining({ year: 2026, version: 1, loadedBy: 'system', source: '国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)' })]);
    expect(after.years[0]).not.toHaveProperty('shipped');
    expect(after).toMatchObject({ today: '2026-12-07', loadedUntil: '2026-12-31', provisionalFrom: '2027-01-01' });
    expect(await service.seed()).toBe(0);
    expect((await store.versionsOf(2026)).map((v) => v.version)).toEqual([1]);
  });

  it('loads a year as its next version with who and when, chained; the same document again is a replay', async () => {
    const { service } = setup();
    day('2026-12-07');

    const loaded = await service.load(REVIEWER, 2027, statutoryArrangement(2027));
    const again = await service.load(REVIEWER, 2027, statutoryArrangement(2027));
    const corrected = await service.load(REVIEWER, 2027, statutoryArrangement(2027, { version: 2, extraDaysOff: ['2027-01-04'] }));
    const view = await service.year(MARKET, 2027);

    expect(loaded).toMatchObject({ replayed: false, version: { year: 2027, version: 1, loadedBy: 'reviewer', loadedAt: '2026-12-07T02:00:00.000Z' } });
    expect(loaded.version.previousHash).toBeUndefined();
    expect(again).toEqual({ version: loaded.version, replayed: true });
    expect(corrected.version).toMatchObject({ version: 2, previousHash: loaded.version.hash });
    expect(view).toMatchObject({ year: 2027, current: { version: 2 }, check: { ok: true } });
    expect(view.versions.map((v) => v.version)).toEqual([1, 2]);
    expect(view.statutoryHolidays!.find((h) => h.name === '春节')!.days).toEqual(['2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08']);
    expect((await service.overview(PORTAL)).loadedUntil).toBe('2027-12-31');
  });

  it("refuses a year that works on a statutory holiday, a skipped or reused version, another year's document and anyone but the platform — and stores nothing", async () => {
    const { service, store } = setup();
    const worksOnEve = statutoryArrangement(2028);
    worksOnEve.holidays = worksOnEve.holidays.map((h) => (h.name === '春节' ? { ...h, days: h.days.slice(1) } : h));

    const refusals = await Promise.all([
      rejection(service.load(REVIEWER, 2028, worksOnEve)),
      rejection(service.load(REVIEWER, 2028, statutoryArrangement(2028, { version: 2 }))),
      rejection(service.load(REVIEWER, 2027, statutoryArrangement(2027, { version: 2, extraDaysOff: ['2027-01-05'] }))),
      rejection(service.load(REVIEWER, 2029, statutoryArrangement(2028))),
      rejection(service.load(MARKET, 2028, statutoryArrangement(2028))),
    ]);

    expect(refusals.map((e) => [e.code, e.field])).toEqual([
      ['INVALID_CALENDAR_DATA', 'holidays'],
      ['CALENDAR_VERSION_CONFLICT', undefined],
      ['CALENDAR_VERSION_CONFLICT', undefined],
      ['CALENDAR_YEAR_MISMATCH', 'year'],
      ['ROLE_FORBIDDEN', undefined],
    ]);
    expect(refusals[0].message).toContain('2028-01-25 is a statutory holiday');
    expect(await store.versionsOf(2028)).toEqual([]);
    expect((await rejection(service.year(PORTAL, 2030))).code).toBe('CALENDAR_YEAR_NOT_LOADED');
  });

  it('finds a version rewritten in place: the chain check fails, and no later version is chained to it', async () => {
    const { service, store } = setup();
    await service.load(REVIEWER, 2030, statutoryArrangement(2030));
    const [v1] = await store.versionsOf(2030);
    await db.send(new PutCommand({ TableName: LOCAL_TABLES.items, Item: { pk: 'CALENDAR', sk: '2030#000001', ...v1, data: { ...v1!.data, makeupWorkdays: ['2030-02-09'] } } }));

    const view = await service.year(REVIEWER, 2030);
    const next = await service.load(REVIEWER, 2030, statutoryArrangement(2030, { version: 2 })).catch((e: unknown) => e);

    expect(view.check).toEqual({ ok: false, version: 1, reason: 'its content does not match its hash' });
    expect(String(next)).toContain('integrity');
    expect((await store.versionsOf(2030)).map((v) => v.version)).toEqual([1]);
    await db.send(new DeleteCommand({ TableName: LOCAL_TABLES.items, Key: { pk: 'CALENDAR', sk: '2030#000001' } }));
  });
});

describe('the calendar every function counts on', () => {
  it('is the newest version of each year over the shipped ones, read again after a minute, or at once after a load in the process', async () => {
    let ms = 0;
    const store = new DynamoCalendarStore(db, LOCAL_TABLES.items);
    const source = new StoredCalendar({ store, shipped: SHIPPED_CALENDAR_YEARS, now: () => ms });
    const other = new StoredCalendar({ store, shipped: SHIPPED_CALENDAR_YEARS, now: () => ms });
    const service = new CalendarService({ store, shipped: SHIPPED_CALENDAR_YEARS, source, now });
    const first = await other.current();

    await service.load(REVIEWER, 2031, statutoryArrangement(2031));
    const here = await source.current();
    const elsewhereSoon = await other.current();
    ms += CALENDAR_CACHE_MS;
    const elsewhereLater = await other.current();

    expect(first.version(2031)).toBeUndefined();
    expect(here.version(2031)).toBe(1);
    expect(elsewhereSoon.version(2031)).toBeUndefined();
    expect(elsewhereLater.version(2031)).toBe(1);
    expect(elsewhereLater.version(2027)).toBe(2);
  });

  it('counts on the last calendar read, or the shipped years, when the store cannot be read', async () => {
    const failing = { versions: () => Promise.reject(new Error('ProvisionedThroughputExceededException')), versionsOf: () => Promise.resolve([]), put: () => Promise.resolve() };
    const errors: unknown[] = [];
    const source = new StoredCalendar({ store: failing, shipped: SHIPPED_CALENDAR_YEARS, onReadError: (e) => errors.push(e) });

    const calendar = await source.current();

    expect(calendar.years()).toEqual([2026]);
    expect(source.healthy()).toBe(false);
    expect(errors).toHaveLength(1);
  });
});

describe('the sweep after a load', () => {
  const table = 'tongban-test-calendar-cases';
  const calendarTable = 'tongban-test-calendar-own';
  const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');

  async function file(service: CaseService): Promise<string> {
    const materials: Record<string, unknown> = {};
    for (const m of FOOD.materials.filter((x) => x.required)) {
      const body = Buffer.from(`%PDF-1.7\n${m.name} ${randomUUID()}\n%%EOF\n`);
      const announced = { contentType: 'application/pdf', size: body.length, sha256: sha256(body) };
      const slot = await vault.createUploadSlot(PORTAL.channelId!, announced);
      const { 'content-length': _l, ...headers } = slot.headers;
      expect((await fetch(slot.url, { method: 'PUT', headers, body })).status).toBe(200);
      materials[m.name] = { kind: 'upload', objectKey: slot.objectKey, ...announced };
    }
    const filed = await service.file(PORTAL, randomUUID(), { itemCode: FOOD.implementationCode, applicant: ZHANG, form: {}, materials } as never);
    return filed.caseNo;
  }

  it('computes again the dates of every open case that rests on the loaded year, due or not, once, recording the version', async () => {
    // Prepare: a case accepted Mon 7 Dec 2026 (statutory deadline 5 Jan 2027, provisional); its
    // promised deadline (21 Dec) is not due on 8 Dec, so an ordinary run would not list it.
    // The cases, and a calendar of their own (in another items table: no year loaded by the tests above).
    await ensureTables(raw, { items: calendarTable, directory: LOCAL_TABLES.directory, cases: table });
    const caseStore = new DynamoCaseStore(db, table);
    const calendarStore = new DynamoCalendarStore(db, calendarTable);
    const source = new StoredCalendar({ store: calendarStore, shipped: SHIPPED_CALENDAR_YEARS });
    const items = new DynamoItemStore(db, LOCAL_TABLES.items);
    // Its 受理通知书 sealed at once (a case owing one is listed undated, so every run would look at it)
    const sealer = testNoticeSealer({ store: caseStore, calendar: source }, now);
    const service = new CaseService({ store: caseStore, items, materials: vault, calendar: source, now, sealer });
    const sweep = new CaseSweep({ store: caseStore, calendar: source, now, sealer });
    day('2026-12-07');
    const caseNo = await file(service);
    const accepted = await service.act(MARKET, caseNo, { action: 'accept' });
    day('2026-12-08');
    const settled = await sweep.run([MARKET.departmentId!]);

    // Act: 2027 loaded, giving Mon 4 and Tue 5 Jan off besides the law's days
    await new CalendarService({ store: calendarStore, shipped: SHIPPED_CALENDAR_YEARS, source, now }).load(
      REVIEWER,
      2027,
      statutoryArrangement(2027, { extraDaysOff: ['2027-01-04', '2027-01-05'] }),
    );
    const afterLoad = await sweep.run([MARKET.departmentId!]);
    const again = await sweep.run([MARKET.departmentId!]);
    const state = await service.get(MARKET, caseNo);
    const history = await service.history(MARKET, caseNo);

    // Assess
    expect(accepted).toMatchObject({ deadlines: { promised: '2026-12-21', statutory: '2027-01-05' }, provisional: ['deadlines.statutory'] });
    expect(settled.calendar.changed).toBe(true);
    expect(afterLoad).toMatchObject({ calendar: { changed: true }, deadlinesCompleted: 1, failed: [] });
    expect(again).toMatchObject({ calendar: { changed: false }, deadlinesCompleted: 0, examined: 0 });
    // Dec 22-31 (18), [Jan 1-5 off], Wed 6 (19), Thu 7 Jan 2027 (20): official now.
    expect(state).toMatchObject({ deadlines: { promised: '2026-12-21', statutory: '2027-01-07' }, calendarVersions: { 2026: 1, 2027: 1 } });
    expect(state.provisional).toBeUndefined();
    expect(history.entries.at(-1)).toMatchObject({ type: 'recompute-dates', actor: { name: 'system' }, on: '2026-12-08' });
    expect(history.check).toEqual({ ok: true });
  });
});
