// The supervision rule catalogue as operated data, against dynalite over the DynamoDB wire protocol:
// the shipped catalogue (version 0) in force until a load; loads as hash-chained versions (who, when);
// the same document again a replay, another one under a used version or any but the next refused
// (RULES_VERSION_CONFLICT), also when two loads race; a version rewritten in place found by the chain
// check; the cached source every function counts on (newest version, read again after a minute or at
// once after a load in the process, never an outage when the store cannot be read).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureTables, startDynalite } from '../../infra/local/local-dynamodb.ts';
import { DynamoRuleCatalogueStore } from '../../shared/adapters/dynamo-rule-catalogue-store.ts';
import type { RuleCatalogueDocument } from '../../shared/contracts/supervision-rules.ts';
import { DEFAULT_RULE_CATALOGUE } from '../../shared/domain/supervision/default-rules.ts';
import { RuleCatalogueService, SHIPPED_RULE_VERSION } from '../../shared/domain/supervision/rule-catalogue-service.ts';
import { RULES_CACHE_MS, StoredRules } from '../../shared/domain/supervision/rule-source.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { MARKET, PORTAL, REVIEWER } from '../support/case-fixtures.ts';
import { rejection } from '../support/refusal.ts';

const AUDITOR: Caller = { name: 'auditor', role: 'auditor' };
let stop: () => Promise<void>;
let raw: DynamoDBClient;
let db: DynamoDBDocumentClient;
let tables = 0;
const clock = new Date('2026-12-07T02:00:00Z');
const now = () => clock;

beforeAll(async () => {
  const dynamo = await startDynalite(undefined);
  raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  stop = async () => {
    raw.destroy();
    await dynamo.close();
  };
});

afterAll(async () => {
  await stop();
});

/** A store on an items table of its own: each test starts with no catalogue loaded. */
async function setup() {
  const table = `tongban-test-rules-${++tables}`;
  await ensureTables(raw, { items: table, directory: `${table}-directory` });
  const store = new DynamoRuleCatalogueStore(db, table);
  const source = new StoredRules({ store });
  return { table, store, source, service: new RuleCatalogueService({ store, source, now }) };
}

/** The shipped catalogue as version `version`, changed by `change`. */
function catalogue(version: number, change: (doc: RuleCatalogueDocument) => void = () => undefined): RuleCatalogueDocument {
  const doc = structuredClone({ ...DEFAULT_RULE_CATALOGUE, version, source: '某省政务服务管理局关于电子监察规则的通知' });
  change(doc);
  return doc;
}
const switchedOff = (id: string) => (doc: RuleCatalogueDocument) => {
  doc.rules.find((r) => r.id === id)!.enabled = false;
};

describe('the supervision rules, loaded and versioned', () => {
  it('are the shipped catalogue, version 0, until a load — to every signed role', async () => {
    const { service, source } = await setup();

    const views = await Promise.all([REVIEWER, MARKET, PORTAL, AUDITOR].map((caller) => service.current(caller)));

    for (const view of views) expect(view).toEqual({ ...SHIPPED_RULE_VERSION, shipped: true });
    expect(views[0]).toMatchObject({ version: 0, loadedBy: 'system', data: DEFAULT_RULE_CATALOGUE });
    expect(await service.versions(MARKET)).toEqual({ versions: [], check: { ok: true } });
    expect(await source.current()).toEqual({ version: 0, data: DEFAULT_RULE_CATALOGUE });
  });

  it('loads the next version with who and when, chained; the same document again is a replay, the shipped one as version 0 too', async () => {
    const { service } = await setup();

    const first = await service.load(REVIEWER, catalogue(1));
    const again = await service.load(REVIEWER, catalogue(1));
    const second = await service.load(REVIEWER, catalogue(2, switchedOff('approval-over-disagreement')));
    const shipped = await service.load(REVIEWER, DEFAULT_RULE_CATALOGUE);
    const current = await service.current(MARKET);
    const versions = await service.versions(AUDITOR);

    expect(first).toMatchObject({ replayed: false, version: { version: 1, loadedBy: 'reviewer', loadedAt: '2026-12-07T02:00:00.000Z', data: catalogue(1) } });
    expect(first.version.previousHash).toBeUndefined();
    expect(again).toEqual({ version: first.version, replayed: true });
    expect(second.version).toMatchObject({ version: 2, previousHash: first.version.hash });
    expect(shipped).toEqual({ version: SHIPPED_RULE_VERSION, replayed: true });
    expect(current).toEqual(second.version);
    expect(current.data.rules.find((r) => r.id === 'approval-over-disagreement')!.enabled).toBe(false);
    expect(versions.versions.map((v) => [v.version, v.hash])).toEqual([
      [1, first.version.hash],
      [2, second.version.hash],
    ]);
    expect(versions.check).toEqual({ ok: true });
  });

  it('refuses another document under a used version, a skipped version, another shipped catalogue and anyone but the platform — and stores nothing', async () => {
    const { service, store } = await setup();
    await service.load(REVIEWER, catalogue(1));

    const refusals = await Promise.all([
      rejection(service.load(REVIEWER, catalogue(1, switchedOff('reasons-missing')))),
      rejection(service.load(REVIEWER, catalogue(3))),
      rejection(service.load(REVIEWER, catalogue(0))),
      rejection(service.load(MARKET, catalogue(2))),
      rejection(service.load(AUDITOR, catalogue(2))),
    ]);

    expect(refusals.map((e) => [e.code, e.kind])).toEqual([
      ['RULES_VERSION_CONFLICT', 'conflict'],
      ['RULES_VERSION_CONFLICT', 'conflict'],
      ['RULES_VERSION_CONFLICT', 'conflict'],
      ['ROLE_FORBIDDEN', 'forbidden'],
      ['ROLE_FORBIDDEN', 'forbidden'],
    ]);
    expect(refusals[0].messageZh).toContain('下一版应为第2版');
    expect((await store.versions()).map((v) => v.version)).toEqual([1]);
  });

  it('lets one of two loads of the same version win: the other, with other content, is refused; with the same, a replay', async () => {
    const { service, store } = await setup();
    const other = new RuleCatalogueService({ store, now });

    const racing = await Promise.allSettled([service.load(REVIEWER, catalogue(1)), other.load(REVIEWER, catalogue(1, switchedOff('reasons-missing')))]);
    const same = await Promise.all([service.load(REVIEWER, catalogue(2)), other.load(REVIEWER, catalogue(2))]);

    expect(racing.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
    const lost = racing.find((r): r is PromiseRejectedResult => r.status === 'rejected')!;
    expect(lost.reason).toMatchObject({ code: 'RULES_VERSION_CONFLICT' });
    expect(same[0].version).toEqual(same[1].version);
    expect(same.map((r) => r.replayed).sort()).toEqual([false, true]);
    expect((await store.versions()).map((v) => v.version)).toEqual([1, 2]);
  });

  it('finds a version rewritten in place: the chain check fails, and no later version is loaded on it', async () => {
    const { service, store, table } = await setup();
    await service.load(REVIEWER, catalogue(1));
    const [v1] = await store.versions();
    await db.send(new PutCommand({ TableName: table, Item: { pk: 'SUPERVISION_RULES', sk: '000001', ...v1, data: catalogue(1, switchedOff('statutory-deadline-passed')) } }));

    const versions = await service.versions(REVIEWER);
    const next = await service.load(REVIEWER, catalogue(2)).catch((e: unknown) => e);

    expect(versions.check).toEqual({ ok: false, version: 1, reason: 'its content does not match its hash' });
    expect(String(next)).toContain('integrity');
    expect((await store.versions()).map((v) => v.version)).toEqual([1]);
  });
});

describe('the rules every function counts on', () => {
  it('are the newest version, read again after a minute, or at once after a load in the process', async () => {
    let ms = 0;
    const { store } = await setup();
    const source = new StoredRules({ store, now: () => ms });
    const other = new StoredRules({ store, now: () => ms });
    const service = new RuleCatalogueService({ store, source, now });
    const first = await other.current();

    await service.load(REVIEWER, catalogue(1, switchedOff('repeated-supplement')));
    const here = await source.current();
    const elsewhereSoon = await other.current();
    ms += RULES_CACHE_MS;
    const elsewhereLater = await other.current();

    expect(first.version).toBe(0);
    expect(here).toEqual({ version: 1, data: catalogue(1, switchedOff('repeated-supplement')) });
    expect(elsewhereSoon.version).toBe(0);
    expect(elsewhereLater.version).toBe(1);
  });

  it('are the last catalogue read, or the shipped one, when the store cannot be read', async () => {
    let fail = false;
    let ms = 0;
    const { store, service } = await setup();
    await service.load(REVIEWER, catalogue(1));
    const flaky = { versions: () => (fail ? Promise.reject(new Error('ProvisionedThroughputExceededException')) : store.versions()), put: () => Promise.resolve() };
    const errors: unknown[] = [];
    const source = new StoredRules({ store: flaky, now: () => ms, onReadError: (e) => errors.push(e) });
    const never = new StoredRules({ store: { ...flaky, versions: () => Promise.reject(new Error('AccessDeniedException')) }, onReadError: (e) => errors.push(e) });

    const read = await source.current();
    fail = true;
    ms += RULES_CACHE_MS;
    const kept = await source.current();
    const shipped = await never.current();

    expect([read.version, kept.version, shipped.version]).toEqual([1, 1, 0]);
    expect([source.healthy(), never.healthy()]).toEqual([false, false]);
    expect(errors).toHaveLength(2);
  });

  it('keep a catalogue loaded before the platform gained a rule: the rule is in force as shipped, shown beside the version as stored', async () => {
    // Prepare: a catalogue stored by a platform that had no rules on the answers owed to the public.
    const { service, source } = await setup();
    const gained = ['evaluation-rectification-late', 'ticket-answer-late'];
    const older = catalogue(1, (doc) => {
      doc.rules = doc.rules.filter((r) => !gained.includes(r.id));
      doc.rules.find((r) => r.id === 'reasons-missing')!.enabled = false;
    });
    await service.load(REVIEWER, older);

    // Act
    const view = await service.current(MARKET);
    const inForce = await source.current();

    // Assess: the version as stored (its hash still covers it), the rules it lacks beside it; the rules in force are both.
    expect(view.data).toEqual(older);
    expect(view.shippedRules?.map((r) => r.id)).toEqual(gained);
    expect(inForce.version).toBe(1);
    expect(inForce.data.rules.map((r) => r.id).sort()).toEqual(DEFAULT_RULE_CATALOGUE.rules.map((r) => r.id).sort());
    expect(inForce.data.rules.find((r) => r.id === 'reasons-missing')!.enabled).toBe(false);
    expect(inForce.data.rules.find((r) => r.id === 'ticket-answer-late')).toEqual(DEFAULT_RULE_CATALOGUE.rules.find((r) => r.id === 'ticket-answer-late'));
  });
});
