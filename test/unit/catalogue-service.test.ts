import { describe, expect, it } from 'vitest';
import type { ServiceGuide } from '../../shared/contracts/service-item.ts';
import { ServiceGuideSchema } from '../../shared/contracts/service-item.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { CatalogueService } from '../../shared/domain/items/catalogue-service.ts';
import { CHANNELS, DEPARTMENTS, UNLISTED_DEPARTMENT_ID, fixtureDirectory } from '../support/directory-fixtures.ts';
import { GUIDES } from '../support/guide-fixtures.ts';
import { MemoryItemStore } from '../support/memory-item-store.ts';
import { rejection } from '../support/refusal.ts';

// 2026-11-23T02:00Z is 10:00 on Monday 2026-11-23 in China. November 2026 has no holiday and no
// make-up working day (the 2026 notice's last break is National Day, Oct 1-7, and its last make-up
// day is Sat Oct 10), so around this date only weekends are days off.
const MONDAY = new Date('2026-11-23T02:00:00Z');
const at = (iso: string) => new Date(iso);

const directory = fixtureDirectory((name) => `arn:aws:iam::111122223333:role/tongban-${name}`);

const market: Caller = { name: 'market', role: 'department', departmentId: DEPARTMENTS.market.id };
const housing: Caller = { name: 'housing', role: 'department', departmentId: DEPARTMENTS.housing.id };
const reviewer: Caller = { name: 'reviewer', role: 'platform' };
const portal: Caller = { name: 'portal', role: 'channel', channelId: CHANNELS.portal.id };
const auditor: Caller = { name: 'auditor', role: 'auditor' };

const FOOD = ServiceGuideSchema.parse(GUIDES.food); // market, administrative licence
const RESTAURANT = ServiceGuideSchema.parse(GUIDES.restaurant); // market, administrative licence, joint handling
const BUILDING = ServiceGuideSchema.parse(GUIDES.building); // housing, administrative licence
const HUKOU = ServiceGuideSchema.parse(GUIDES.hukou); // police, public service

function setup(start = MONDAY) {
  const clock = { now: start };
  const store = new MemoryItemStore();
  const service = new CatalogueService({ store, directory: async () => directory, calendar: officialCalendar, now: () => clock.now });
  return { store, service, clock };
}
type Setup = ReturnType<typeof setup>;

/** Creates, submits and publishes `guide` as its department: returns the published version (3). */
async function publish({ service }: Setup, guide: ServiceGuide, owner: Caller) {
  await service.create(owner, guide);
  await service.submit(owner, guide.implementationCode, 1);
  return service.review(reviewer, guide.implementationCode, 2, 'publish', []);
}

describe('create', () => {
  it("drafts version 1 of the caller's own department's item and stores it", async () => {
    // Prepare
    const env = setup();

    // Act
    const v1 = await env.service.create(market, FOOD);

    // Assess
    expect(v1).toMatchObject({
      code: FOOD.implementationCode,
      version: 1,
      action: 'create',
      actor: 'market',
      at: MONDAY.toISOString(),
      state: 'draft',
      publicState: 'unpublished',
    });
    expect(env.store.history(FOOD.implementationCode)).toEqual([v1]);
  });

  it("refuses a department drafting another department's item (ITEM_DEPARTMENT_FORBIDDEN)", async () => {
    // Prepare
    const env = setup();

    // Act
    const error = await rejection(env.service.create(housing, FOOD));

    // Assess
    expect(error).toMatchObject({ code: 'ITEM_DEPARTMENT_FORBIDDEN', kind: 'forbidden', field: 'guide.departmentId' });
    expect(env.store.history(FOOD.implementationCode)).toEqual([]);
  });

  it.each([
    ['a channel', portal],
    ['the platform reviewer', reviewer],
    ['an auditor', auditor],
  ])('refuses %s (ROLE_FORBIDDEN)', async (_who, caller) => {
    // Prepare
    const env = setup();

    // Act
    const error = await rejection(env.service.create(caller, FOOD));

    // Assess
    expect(error).toMatchObject({ code: 'ROLE_FORBIDDEN', kind: 'forbidden' });
    expect(env.store.history(FOOD.implementationCode)).toEqual([]);
  });

  it('refuses an implementation code that already exists (ITEM_EXISTS) and keeps the first item', async () => {
    // Prepare
    const env = setup();
    const first = await env.service.create(market, FOOD);

    // Act
    const error = await rejection(env.service.create(market, { ...FOOD, name: '另一个名称' }));

    // Assess
    expect(error).toMatchObject({ code: 'ITEM_EXISTS', kind: 'conflict', field: 'guide.implementationCode' });
    expect(env.store.history(FOOD.implementationCode)).toEqual([first]);
  });

  it('checks co-departments against the directory (ITEM_UNKNOWN_CO_DEPARTMENT)', async () => {
    // Prepare
    const env = setup();
    const stranger = UNLISTED_DEPARTMENT_ID;
    const guide: ServiceGuide = {
      ...RESTAURANT,
      jointHandling: { coDepartments: [{ departmentId: stranger, responsibility: '审查', timeLimitDays: 5 }] },
    };

    // Act
    const error = await rejection(env.service.create(market, guide));

    // Assess
    expect(error).toMatchObject({ code: 'ITEM_UNKNOWN_CO_DEPARTMENT', field: 'guide.jointHandling.coDepartments.0.departmentId' });
    expect(env.store.history(guide.implementationCode)).toEqual([]);
  });
});

describe('submit and review', () => {
  it('sets the review due date 2 working days after today', async () => {
    // Prepare
    const env = setup();
    await env.service.create(market, FOOD);

    // Act
    const v2 = await env.service.submit(market, FOOD.implementationCode, 1);

    // Assess: today (Mon 23 Nov) is not counted; Tue 24 is working day 1, Wed 25 working day 2.
    expect(v2).toMatchObject({ version: 2, state: 'submitted', reviewDueDate: '2026-11-25' });
  });

  it('counts the review days over a weekend', async () => {
    // Prepare: Thursday 2026-11-26, 15:00 in China
    const env = setup(at('2026-11-26T07:00:00Z'));
    await env.service.create(market, FOOD);

    // Act
    const v2 = await env.service.submit(market, FOOD.implementationCode, 1);

    // Assess: Fri 27 is day 1, Sat 28 and Sun 29 are off, Mon 30 is day 2.
    expect(v2.reviewDueDate).toBe('2026-11-30');
  });

  it('lets only the platform review (ROLE_FORBIDDEN for the owning department and a channel)', async () => {
    // Prepare
    const env = setup();
    await env.service.create(market, FOOD);
    await env.service.submit(market, FOOD.implementationCode, 1);

    // Act
    const byOwner = await rejection(env.service.review(market, FOOD.implementationCode, 2, 'publish', []));
    const byChannel = await rejection(env.service.review(portal, FOOD.implementationCode, 2, 'publish', []));
    const v3 = await env.service.review(reviewer, FOOD.implementationCode, 2, 'publish', []);

    // Assess
    expect(byOwner).toMatchObject({ code: 'ROLE_FORBIDDEN', kind: 'forbidden' });
    expect(byChannel).toMatchObject({ code: 'ROLE_FORBIDDEN', kind: 'forbidden' });
    expect(v3).toMatchObject({ version: 3, action: 'publish', actor: 'reviewer', state: 'published', publicState: 'published', publishedVersion: 3 });
    expect(env.store.history(FOOD.implementationCode).map((v) => v.action)).toEqual(['create', 'submit', 'publish']);
  });

  it('returns a submission only with reasons', async () => {
    // Prepare
    const env = setup();
    await env.service.create(market, FOOD);
    await env.service.submit(market, FOOD.implementationCode, 1);

    // Act
    const withoutReasons = await rejection(env.service.review(reviewer, FOOD.implementationCode, 2, 'return', []));
    const returned = await env.service.review(reviewer, FOOD.implementationCode, 2, 'return', ['受理条件表述不清']);

    // Assess
    expect(withoutReasons).toMatchObject({ code: 'REVIEW_REASONS_REQUIRED', kind: 'invalid' });
    expect(returned).toMatchObject({ version: 3, state: 'returned', reasons: ['受理条件表述不清'] });
  });
});

describe('changes by the wrong party or from a stale version', () => {
  it('refuses another department editing or revising a published item (ITEM_DEPARTMENT_FORBIDDEN)', async () => {
    // Prepare
    const env = setup();
    await publish(env, FOOD, market);

    // Act
    const edit = await rejection(env.service.edit(housing, FOOD.implementationCode, 3, { ...FOOD, name: '篡改' }));
    const revise = await rejection(env.service.revise(housing, FOOD.implementationCode, 3, { ...FOOD, name: '篡改' }));
    const suspend = await rejection(env.service.suspend(housing, FOOD.implementationCode, 3, { kind: 'emergency', reason: 'x', notice: 'x' }));

    // Assess
    for (const error of [edit, revise, suspend]) expect(error).toMatchObject({ code: 'ITEM_DEPARTMENT_FORBIDDEN', kind: 'forbidden' });
    expect(env.store.history(FOOD.implementationCode)).toHaveLength(3);
  });

  it('answers ITEM_NOT_FOUND to another department acting on an unpublished item: its existence is not leaked', async () => {
    // Prepare
    const env = setup();
    await env.service.create(market, FOOD);

    // Act
    const edit = await rejection(env.service.edit(housing, FOOD.implementationCode, 1, { ...FOOD, name: '篡改' }));
    const submit = await rejection(env.service.submit(housing, FOOD.implementationCode, 1));
    const missing = await rejection(env.service.submit(housing, `${DEPARTMENTS.housing.id}999999`, 1));

    // Assess
    expect(edit).toMatchObject({ code: 'ITEM_NOT_FOUND', kind: 'not-found' });
    expect(submit).toMatchObject({ code: 'ITEM_NOT_FOUND', kind: 'not-found' });
    expect(submit.message.replace(FOOD.implementationCode, '<code>')).toBe(missing.message.replace(`${DEPARTMENTS.housing.id}999999`, '<code>'));
    expect(env.store.history(FOOD.implementationCode)).toHaveLength(1);
  });

  it('refuses a stale baseVersion (ITEM_VERSION_CONFLICT on baseVersion) and writes nothing', async () => {
    // Prepare
    const env = setup();
    await env.service.create(market, FOOD);
    await env.service.edit(market, FOOD.implementationCode, 1, { ...FOOD, name: '第二稿' });

    // Act
    const error = await rejection(env.service.edit(market, FOOD.implementationCode, 1, { ...FOOD, name: '基于旧版的修改' }));

    // Assess
    expect(error).toMatchObject({ code: 'ITEM_VERSION_CONFLICT', kind: 'conflict', field: 'baseVersion' });
    expect(env.store.history(FOOD.implementationCode).map((v) => v.guide.name)).toEqual([FOOD.name, '第二稿']);
  });
});

describe('suspension', () => {
  it('refuses a planned suspension with less than 5 working days of notice (SUSPENSION_NOTICE_TOO_SHORT)', async () => {
    // Prepare: from Mon 23 Nov, working days 1-4 are Tue 24 - Fri 27, Sat 28 and Sun 29 are off,
    // working day 5 is Mon 30: the earliest effective date is 2026-11-30.
    const env = setup();
    await publish(env, FOOD, market);

    // Act
    const friday = await rejection(env.service.suspend(market, FOOD.implementationCode, 3, { kind: 'planned', effectiveFrom: '2026-11-27', reason: '系统升级' }));
    const sunday = await rejection(env.service.suspend(market, FOOD.implementationCode, 3, { kind: 'planned', effectiveFrom: '2026-11-29', reason: '系统升级' }));

    // Assess
    for (const error of [friday, sunday]) {
      expect(error).toMatchObject({ code: 'SUSPENSION_NOTICE_TOO_SHORT', kind: 'invalid', field: 'effectiveFrom' });
      expect(error.message).toContain('2026-11-30');
    }
    expect(env.store.history(FOOD.implementationCode)).toHaveLength(3);
  });

  it('accepts exactly 5 working days of notice and shows the item suspended from that date on', async () => {
    // Prepare
    const env = setup();
    await publish(env, FOOD, market);

    // Act
    const v4 = await env.service.suspend(market, FOOD.implementationCode, 3, { kind: 'planned', effectiveFrom: '2026-11-30', reason: '系统升级', notice: '11月30日起暂停' });
    const onMonday = (await env.service.published(portal, FOOD.implementationCode)).effectivePublicState;
    env.clock.now = at('2026-11-29T15:59:59Z'); // Sunday 23:59:59 in China
    const lastDay = await env.service.published(portal, FOOD.implementationCode);
    env.clock.now = at('2026-11-29T16:00:00Z'); // Monday 30 Nov 00:00 in China
    const fromDate = await env.service.published(portal, FOOD.implementationCode);
    env.clock.now = at('2026-12-02T02:00:00Z');
    const after = await env.service.published(portal, FOOD.implementationCode);

    // Assess
    expect(v4).toMatchObject({
      version: 4,
      action: 'suspend',
      publicState: 'published',
      suspension: { kind: 'planned', effectiveFrom: '2026-11-30', announcedAt: MONDAY.toISOString() },
    });
    expect(onMonday).toBe('published');
    expect(lastDay).toMatchObject({ publicState: 'published', effectivePublicState: 'published' });
    expect(fromDate).toMatchObject({ publicState: 'published', effectivePublicState: 'suspended', suspension: { effectiveFrom: '2026-11-30' } });
    expect(after.effectivePublicState).toBe('suspended');
  });

  it('counts the notice over National Day and its make-up Saturday', async () => {
    // Prepare: Monday 2026-09-28. Tue 29 and Wed 30 are working days 1 and 2, Oct 1-7 are off,
    // Thu Oct 8 and Fri Oct 9 are days 3 and 4, Sat Oct 10 is a make-up working day: day 5.
    const env = setup(at('2026-09-28T02:00:00Z'));
    await publish(env, FOOD, market);

    // Act
    const tooEarly = await rejection(env.service.suspend(market, FOOD.implementationCode, 3, { kind: 'planned', effectiveFrom: '2026-10-09', reason: '系统升级' }));
    const v4 = await env.service.suspend(market, FOOD.implementationCode, 3, { kind: 'planned', effectiveFrom: '2026-10-10', reason: '系统升级' });

    // Assess
    expect(tooEarly).toMatchObject({ code: 'SUSPENSION_NOTICE_TOO_SHORT', field: 'effectiveFrom' });
    expect(v4.suspension?.effectiveFrom).toBe('2026-10-10');
  });

  it('refuses an emergency suspension without a public notice (SUSPENSION_NOTICE_REQUIRED)', async () => {
    // Prepare
    const env = setup();
    await publish(env, FOOD, market);

    // Act
    const error = await rejection(env.service.suspend(market, FOOD.implementationCode, 3, { kind: 'emergency', reason: '系统故障' }));

    // Assess
    expect(error).toMatchObject({ code: 'SUSPENSION_NOTICE_REQUIRED', kind: 'invalid', field: 'notice' });
    expect(env.store.history(FOOD.implementationCode)).toHaveLength(3);
  });

  it('refuses a planned suspension without a date, and an emergency one dated other than today', async () => {
    // Prepare
    const env = setup();
    await publish(env, FOOD, market);

    // Act
    const undated = await rejection(env.service.suspend(market, FOOD.implementationCode, 3, { kind: 'planned', reason: '系统升级' }));
    const postdated = await rejection(env.service.suspend(market, FOOD.implementationCode, 3, { kind: 'emergency', effectiveFrom: '2026-11-24', reason: '故障', notice: '公告' }));

    // Assess
    expect(undated).toMatchObject({ code: 'SUSPENSION_DATE_REQUIRED', field: 'effectiveFrom' });
    expect(postdated).toMatchObject({ code: 'SUSPENSION_EMERGENCY_DATE', field: 'effectiveFrom' });
    expect(env.store.history(FOOD.implementationCode)).toHaveLength(3);
  });

  it('suspends at once in an emergency with a notice, and resumes', async () => {
    // Prepare
    const env = setup();
    await publish(env, FOOD, market);

    // Act
    const v4 = await env.service.suspend(market, FOOD.implementationCode, 3, { kind: 'emergency', reason: '系统故障', notice: '因系统故障暂停网上申请' });
    const suspended = await env.service.published(portal, FOOD.implementationCode);
    const v5 = await env.service.resume(market, FOOD.implementationCode, 4);
    const resumed = await env.service.published(portal, FOOD.implementationCode);

    // Assess
    expect(v4).toMatchObject({ publicState: 'suspended', suspension: { kind: 'emergency', effectiveFrom: '2026-11-23', notice: '因系统故障暂停网上申请' } });
    expect(suspended).toMatchObject({ publicState: 'suspended', effectivePublicState: 'suspended', publishedVersion: 3 });
    expect(suspended).not.toHaveProperty('latestVersion'); // a channel is not told about versions in progress
    expect(v5).toMatchObject({ version: 5, action: 'resume', publicState: 'published' });
    expect(v5.suspension).toBeUndefined();
    expect(resumed).toMatchObject({ publicState: 'published', effectivePublicState: 'published' });
    expect(await env.service.published(market, FOOD.implementationCode)).toMatchObject({ latestVersion: 5 });
    expect(resumed.suspension).toBeUndefined();
  });
});

describe('terminate', () => {
  it('terminates a published item for good', async () => {
    // Prepare
    const env = setup();
    await publish(env, FOOD, market);

    // Act
    const v4 = await env.service.terminate(market, FOOD.implementationCode, 3, '相关法规废止');
    const afterwards = await rejection(env.service.revise(market, FOOD.implementationCode, 4, FOOD));
    const view = await env.service.published(portal, FOOD.implementationCode);

    // Assess
    expect(v4).toMatchObject({ publicState: 'terminated', reasons: ['相关法规废止'] });
    expect(afterwards).toMatchObject({ code: 'ITEM_TERMINATED', kind: 'conflict' });
    expect(view).toMatchObject({ publicState: 'terminated', effectivePublicState: 'terminated' });
  });
});

describe('published', () => {
  it('keeps serving the published guide while a revision is in progress', async () => {
    // Prepare
    const env = setup();
    await publish(env, FOOD, market);
    await env.service.revise(market, FOOD.implementationCode, 3, { ...FOOD, name: '食品经营许可证核发（2027版）' });

    // Act
    const during = await env.service.published(market, FOOD.implementationCode);
    expect(await env.service.published(portal, FOOD.implementationCode)).not.toHaveProperty('latestVersion');
    await env.service.submit(market, FOOD.implementationCode, 4);
    await env.service.review(reviewer, FOOD.implementationCode, 5, 'publish', []);
    const after = await env.service.published(market, FOOD.implementationCode);

    // Assess
    expect(during).toMatchObject({ publishedVersion: 3, latestVersion: 4, publishedAt: MONDAY.toISOString() });
    expect(during.guide.name).toBe(FOOD.name);
    expect(after).toMatchObject({ publishedVersion: 6, latestVersion: 6 });
    expect(after.guide.name).toBe('食品经营许可证核发（2027版）');
  });

  it('answers ITEM_NOT_PUBLISHED for an item never published, even to its own department', async () => {
    // Prepare
    const env = setup();
    await env.service.create(market, FOOD);

    // Act
    const error = await rejection(env.service.published(market, FOOD.implementationCode));

    // Assess
    expect(error).toMatchObject({ code: 'ITEM_NOT_PUBLISHED', kind: 'not-found' });
  });
});

describe('version', () => {
  it('shows a draft only to its department and the reviewers', async () => {
    // Prepare
    const env = setup();
    await env.service.create(market, FOOD);

    // Act
    const byOwner = await env.service.version(market, FOOD.implementationCode, 1);
    const byReviewer = await env.service.version(reviewer, FOOD.implementationCode, 1);
    const refused = await Promise.all([housing, portal, auditor].map((c) => rejection(env.service.version(c, FOOD.implementationCode, 1))));

    // Assess
    expect(byOwner).toMatchObject({ version: 1, state: 'draft', effectivePublicState: 'unpublished' });
    expect(byReviewer.version).toBe(1);
    for (const error of refused) expect(error).toMatchObject({ code: 'ITEM_NOT_FOUND', kind: 'not-found' });
  });

  it('shows published versions to everyone, but not the revision drafts after them', async () => {
    // Prepare
    const env = setup();
    await publish(env, FOOD, market);
    await env.service.revise(market, FOOD.implementationCode, 3, { ...FOOD, name: '修订稿' });

    // Act
    const v3 = await env.service.version(portal, FOOD.implementationCode, 3);
    const v3ByOther = await env.service.version(housing, FOOD.implementationCode, 3);
    const v4 = await rejection(env.service.version(portal, FOOD.implementationCode, 4));
    const absent = await rejection(env.service.version(reviewer, FOOD.implementationCode, 9));

    // Assess
    expect(v3).toMatchObject({ version: 3, state: 'published', effectivePublicState: 'published' });
    expect(v3.guide.name).toBe(FOOD.name);
    expect(v3ByOther.version).toBe(3);
    expect(v4).toMatchObject({ code: 'ITEM_NOT_FOUND' });
    expect(absent).toMatchObject({ code: 'ITEM_NOT_FOUND' });
  });

  it("gives 'latest' as the newest version the caller may see", async () => {
    // Prepare
    const env = setup();
    await publish(env, FOOD, market);
    await env.service.revise(market, FOOD.implementationCode, 3, { ...FOOD, name: '修订稿' });
    await env.service.create(housing, BUILDING);

    // Act
    const forOwner = await env.service.version(market, FOOD.implementationCode, 'latest');
    const forReviewer = await env.service.version(reviewer, FOOD.implementationCode, 'latest');
    const forChannel = await env.service.version(portal, FOOD.implementationCode, 'latest');
    const forOther = await env.service.version(housing, FOOD.implementationCode, 'latest');
    const draftForChannel = await rejection(env.service.version(portal, BUILDING.implementationCode, 'latest'));

    // Assess
    expect([forOwner.version, forOwner.guide.name]).toEqual([4, '修订稿']);
    expect(forReviewer.version).toBe(4);
    expect([forChannel.version, forChannel.guide.name]).toEqual([3, FOOD.name]);
    expect(forOther.version).toBe(3);
    expect(draftForChannel).toMatchObject({ code: 'ITEM_NOT_FOUND', kind: 'not-found' });
  });
});

describe('list', () => {
  /** food and hukou published; restaurant (market) and building (housing) submitted; nothing else. */
  async function catalogue() {
    const env = setup();
    await publish(env, FOOD, market);
    await publish(env, HUKOU, { name: 'police', role: 'department', departmentId: DEPARTMENTS.police.id });
    await env.service.create(market, RESTAURANT);
    await env.service.submit(market, RESTAURANT.implementationCode, 1);
    await env.service.create(housing, BUILDING);
    await env.service.submit(housing, BUILDING.implementationCode, 1);
    return env;
  }
  const codes = (r: { items: { code: string }[] }) => r.items.map((i) => i.code).sort();

  it('shows the public catalogue to every role, published items only', async () => {
    // Prepare
    const env = await catalogue();

    // Act
    const views = await Promise.all([portal, auditor, market, reviewer].map((c) => env.service.list(c, {}, { limit: 20 })));

    // Assess
    for (const view of views) expect(codes(view)).toEqual([FOOD.implementationCode, HUKOU.implementationCode].sort());
    expect(views[0]!.items.find((i) => i.code === FOOD.implementationCode)).toMatchObject({
      name: FOOD.name,
      publicState: 'published',
      effectivePublicState: 'published',
      publishedVersion: 3,
      jointHandling: false,
    });
  });

  it("shows work in progress (newest version, state) only to the item's department and reviewers", async () => {
    // Prepare: the market department starts a revision of its published item
    const env = await catalogue();
    await env.service.revise(market, FOOD.implementationCode, 3, { ...FOOD, name: '修订中的名称' });

    // Act
    const [forPortal, forHousing, forMarket, forReviewer] = await Promise.all(
      [portal, housing, market, reviewer].map(async (c) => (await env.service.list(c, {}, { limit: 20 })).items.find((i) => i.code === FOOD.implementationCode)),
    );

    // Assess
    for (const outsider of [forPortal, forHousing]) {
      expect(outsider).toMatchObject({ name: FOOD.name, publishedVersion: 3 });
      expect(outsider).not.toHaveProperty('version');
      expect(outsider).not.toHaveProperty('state');
      expect(outsider).not.toHaveProperty('updatedAt');
    }
    for (const insider of [forMarket, forReviewer]) expect(insider).toMatchObject({ name: FOOD.name, version: 4, state: 'draft', publishedVersion: 3 });
  });

  it('filters the catalogue by department and by type', async () => {
    // Prepare
    const env = await catalogue();

    // Act
    const byDepartment = await env.service.list(portal, { departmentId: DEPARTMENTS.market.id }, { limit: 20 });
    const byType = await env.service.list(portal, { type: 'public-service' }, { limit: 20 });

    // Assess
    expect(codes(byDepartment)).toEqual([FOOD.implementationCode]);
    expect(codes(byType)).toEqual([HUKOU.implementationCode]);
  });

  it('gives reviewers the work queue of every department, and a department only its own', async () => {
    // Prepare
    const env = await catalogue();

    // Act
    const forReviewer = await env.service.list(reviewer, { state: 'submitted' }, { limit: 20 });
    const reviewerForHousing = await env.service.list(reviewer, { state: 'submitted', departmentId: DEPARTMENTS.housing.id }, { limit: 20 });
    const forMarket = await env.service.list(market, { state: 'submitted' }, { limit: 20 });
    const ownFilter = await env.service.list(market, { state: 'submitted', departmentId: DEPARTMENTS.market.id }, { limit: 20 });

    // Assess
    expect(codes(forReviewer)).toEqual([RESTAURANT.implementationCode, BUILDING.implementationCode].sort());
    expect(codes(reviewerForHousing)).toEqual([BUILDING.implementationCode]);
    expect(codes(forMarket)).toEqual([RESTAURANT.implementationCode]);
    expect(codes(ownFilter)).toEqual([RESTAURANT.implementationCode]);
    expect(forMarket.items[0]).toMatchObject({ state: 'submitted', publicState: 'unpublished', jointHandling: true });
  });

  it("refuses a department's look at another department's work (ITEM_DEPARTMENT_FORBIDDEN) and channels' look at any (ROLE_FORBIDDEN)", async () => {
    // Prepare
    const env = await catalogue();

    // Act
    const other = await rejection(env.service.list(market, { state: 'submitted', departmentId: DEPARTMENTS.housing.id }, { limit: 20 }));
    const channel = await rejection(env.service.list(portal, { state: 'draft' }, { limit: 20 }));
    const withType = await rejection(env.service.list(reviewer, { state: 'draft', type: 'public-service' }, { limit: 20 }));

    // Assess
    expect(other).toMatchObject({ code: 'ITEM_DEPARTMENT_FORBIDDEN', kind: 'forbidden' });
    expect(channel).toMatchObject({ code: 'ROLE_FORBIDDEN', kind: 'forbidden' });
    expect(withType).toMatchObject({ code: 'LIST_FILTER_UNSUPPORTED', kind: 'invalid' });
  });

  it('shows a planned suspension as the effective public state from its date on', async () => {
    // Prepare
    const env = await catalogue();
    await env.service.suspend(market, FOOD.implementationCode, 3, { kind: 'planned', effectiveFrom: '2026-11-30', reason: '系统升级' });
    const food = async () => (await env.service.list(portal, {}, { limit: 20 })).items.find((i) => i.code === FOOD.implementationCode);

    // Act
    const before = await food();
    env.clock.now = at('2026-11-30T01:00:00Z');
    const from = await food();

    // Assess
    expect(before).toMatchObject({ publicState: 'published', effectivePublicState: 'published' });
    expect(from).toMatchObject({ publicState: 'published', effectivePublicState: 'suspended' });
    expect(from).not.toHaveProperty('suspensionFrom');
  });
});

describe('a year without calendar data', () => {
  it('accepts a submission whose review deadline falls in 2027 and gives it provisionally, counted on the statutory holidays', async () => {
    // Prepare: Wednesday 2026-12-30 in China; working day 1 is Thu 31 Dec, day 2 — Fri 1 Jan 2027 is
    // 元旦 by law, then the weekend — Mon 4 Jan 2027, provisional: no 2027 arrangement is loaded.
    const env = setup(at('2026-12-30T02:00:00Z'));
    await env.service.create(market, FOOD);

    // Act
    const submitted = await env.service.submit(market, FOOD.implementationCode, 1);

    // Assess
    expect(submitted).toMatchObject({ state: 'submitted', reviewDueDate: '2027-01-04', reviewDueProvisional: true });
    expect(submitted.reviewDueFlag).toBeUndefined();
    expect(env.store.history(FOOD.implementationCode).map((v) => v.action)).toEqual(['create', 'submit']);
  });

  it('checks a planned suspension reaching into 2027 on the provisional count: five working days after the weekend of 元旦', async () => {
    // Prepare: an item published on Monday 2026-12-21; on Monday 28 Dec, five working days ahead are
    // 29, 30, 31, [1 Jan 元旦, the weekend], Mon 4 and Tue 5 Jan 2027 (provisional).
    const env = setup(at('2026-12-21T02:00:00Z'));
    await env.service.create(market, FOOD);
    await env.service.submit(market, FOOD.implementationCode, 1);
    await env.service.review(reviewer, FOOD.implementationCode, 2, 'publish', []);
    env.clock.now = at('2026-12-28T02:00:00Z');

    // Act
    const tooSoon = await rejection(env.service.suspend(market, FOOD.implementationCode, 3, { kind: 'planned', effectiveFrom: '2027-01-04', reason: '系统升级' }));
    const suspended = await env.service.suspend(market, FOOD.implementationCode, 3, { kind: 'planned', effectiveFrom: '2027-01-05', reason: '系统升级' });

    // Assess
    expect(tooSoon).toMatchObject({ code: 'SUSPENSION_NOTICE_TOO_SHORT', field: 'effectiveFrom' });
    expect(tooSoon.message).toContain('2027-01-05 (provisional');
    expect(suspended).toMatchObject({ action: 'suspend', suspension: { kind: 'planned', effectiveFrom: '2027-01-05' } });
    expect(env.store.history(FOOD.implementationCode)).toHaveLength(4);
  });
});

describe('integrity', () => {
  it('refuses to chain a new version onto one changed in place, and writes nothing', async () => {
    // Prepare: someone with table access rewrites the newest version's guide without its hash
    const env = setup();
    const v1 = await env.service.create(market, FOOD);
    env.store.tamper(v1.code, 1, (r) => ({ ...r, guide: { ...r.guide, name: '被篡改的名称' } }));

    // Act / Assess
    await expect(env.service.submit(market, v1.code, 1)).rejects.toThrow(/integrity/);
    expect(env.store.history(v1.code)).toHaveLength(1);
  });
});
