import { describe, expect, it } from 'vitest';
import type { ServiceGuide } from '../../shared/contracts/service-item.ts';
import { ServiceGuideSchema } from '../../shared/contracts/service-item.ts';
import type { ActionContext, ItemCommand } from '../../shared/domain/items/item-lifecycle.ts';
import { firstVersion, nextVersion } from '../../shared/domain/items/item-lifecycle.ts';
import type { ItemRecord } from '../../shared/domain/items/item-record.ts';
import { effectivePublicState } from '../../shared/domain/items/item-record.ts';
import { canonicalJson, hashRecord, verifyHistory } from '../../shared/domain/items/record-hash.ts';
import { GUIDES } from '../support/guide-fixtures.ts';
import { refusal } from '../support/refusal.ts';
import { deepFreeze } from '../support/deep-freeze.ts';

const GUIDE: ServiceGuide = ServiceGuideSchema.parse(GUIDES.food); // the market's, not joint-handled
const CODE = GUIDE.implementationCode;

/** The department's n-th action of Monday 2026-11-23 (China), one minute apart. */
function by(actor: string, minute: number): ActionContext {
  return { actor, at: `2026-11-23T02:${String(minute).padStart(2, '0')}:00.000Z`, today: '2026-11-23' };
}
const dept = (minute: number) => by('market', minute);
const reviewer = (minute: number) => by('reviewer', minute);

const renamed = (name: string): ServiceGuide => ({ ...GUIDE, name });

/** Applies the commands in order from a fresh draft; returns every version, v1 first. */
function run(...commands: ItemCommand[]): ItemRecord[] {
  const versions = [firstVersion(CODE, GUIDE, dept(0))];
  commands.forEach((command, i) => {
    const ctx = command.action === 'publish' || command.action === 'return' ? reviewer(i + 1) : dept(i + 1);
    versions.push(nextVersion(versions.at(-1)!, command, ctx));
  });
  return versions;
}
const last = (versions: ItemRecord[]) => versions.at(-1)!;

const SUBMIT: ItemCommand = { action: 'submit', reviewDueDate: '2026-11-25' };
const PUBLISH: ItemCommand = { action: 'publish' };
const published = () => last(run(SUBMIT, PUBLISH));

describe('firstVersion', () => {
  it('makes version 1: a draft, unpublished, created by the actor at the given instant, with no predecessor', () => {
    // Act
    const v1 = firstVersion(CODE, GUIDE, dept(0));

    // Assess
    expect(v1).toMatchObject({ code: CODE, version: 1, action: 'create', actor: 'market', at: '2026-11-23T02:00:00.000Z', state: 'draft', publicState: 'unpublished' });
    expect(v1.guide).toEqual(GUIDE);
    expect(v1.publishedVersion).toBeUndefined();
    expect(v1.previousHash).toBeUndefined();
    expect(v1.hash).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('nextVersion: the full review path', () => {
  // draft → submit → publish → revise → edit → submit → return → edit → submit → publish
  const REVISED = renamed('食品经营许可证核发（2027年版）');
  const EDITED = renamed('食品经营许可证核发（修订稿）');
  const FINAL = renamed('食品经营许可证核发（修订）');
  const path = () =>
    run(
      SUBMIT,
      PUBLISH,
      { action: 'revise', guide: REVISED },
      { action: 'edit', guide: EDITED },
      { action: 'submit', reviewDueDate: '2026-11-25' },
      { action: 'return', reasons: ['收费依据不明确'] },
      { action: 'edit', guide: FINAL },
      { action: 'submit', reviewDueDate: '2026-11-25' },
      PUBLISH,
    );

  it('goes through every state with consecutive version numbers and the acting party', () => {
    // Act
    const versions = path();

    // Assess
    expect(versions.map((v) => [v.version, v.action, v.actor, v.state, v.publicState])).toEqual([
      [1, 'create', 'market', 'draft', 'unpublished'],
      [2, 'submit', 'market', 'submitted', 'unpublished'],
      [3, 'publish', 'reviewer', 'published', 'published'],
      [4, 'revise', 'market', 'draft', 'published'],
      [5, 'edit', 'market', 'draft', 'published'],
      [6, 'submit', 'market', 'submitted', 'published'],
      [7, 'return', 'reviewer', 'returned', 'published'],
      [8, 'edit', 'market', 'draft', 'published'],
      [9, 'submit', 'market', 'submitted', 'published'],
      [10, 'publish', 'reviewer', 'published', 'published'],
    ]);
    expect(versions.every((v) => v.code === CODE)).toBe(true);
  });

  it('moves publishedVersion only on publish', () => {
    // Act
    const versions = path();

    // Assess
    expect(versions.map((v) => v.publishedVersion)).toEqual([undefined, undefined, 3, 3, 3, 3, 3, 3, 3, 10]);
  });

  it('carries the guide of the newest edit and keeps reasons and review due dates to their own step', () => {
    // Act
    const versions = path();

    // Assess
    expect(versions.map((v) => v.guide.name)).toEqual([
      GUIDE.name,
      GUIDE.name,
      GUIDE.name,
      REVISED.name,
      EDITED.name,
      EDITED.name,
      EDITED.name,
      FINAL.name,
      FINAL.name,
      FINAL.name,
    ]);
    expect(versions.map((v) => v.reviewDueDate)).toEqual([undefined, '2026-11-25', undefined, undefined, undefined, '2026-11-25', undefined, undefined, '2026-11-25', undefined]);
    expect(versions.map((v) => v.reasons)).toEqual([undefined, undefined, undefined, undefined, undefined, undefined, ['收费依据不明确'], undefined, undefined, undefined]);
  });

  it('refuses to return an item without reasons (REVIEW_REASONS_REQUIRED)', () => {
    // Prepare
    const submitted = last(run(SUBMIT));

    // Act
    const error = refusal(() => nextVersion(submitted, { action: 'return', reasons: [] }, reviewer(9)));

    // Assess
    expect(error).toMatchObject({ code: 'REVIEW_REASONS_REQUIRED', kind: 'invalid', field: 'reasons' });
  });

  it('refuses to edit a published version (ITEM_VERSION_PUBLISHED, a conflict) and points to revisions', () => {
    // Prepare
    const v3 = published();

    // Act
    const error = refusal(() => nextVersion(v3, { action: 'edit', guide: renamed('改名') }, dept(9)));

    // Assess
    expect(error).toMatchObject({ code: 'ITEM_VERSION_PUBLISHED', kind: 'conflict' });
    expect(error.message).toContain('revision');
  });
});

describe('nextVersion: suspension and termination', () => {
  it('records a planned suspension without changing the public state until its date', () => {
    // Prepare
    const v3 = published();

    // Act
    const v4 = nextVersion(v3, { action: 'suspend', kind: 'planned', effectiveFrom: '2026-11-30', reason: '系统升级' }, dept(9));

    // Assess
    expect(v4.publicState).toBe('published');
    expect(v4.suspension).toEqual({ kind: 'planned', effectiveFrom: '2026-11-30', reason: '系统升级', announcedAt: '2026-11-23T02:09:00.000Z' });
    expect(effectivePublicState(v4, '2026-11-29')).toBe('published');
    expect(effectivePublicState(v4, '2026-11-30')).toBe('suspended');
    expect(effectivePublicState(v4, '2026-12-01')).toBe('suspended');
  });

  it('suspends at once in an emergency, and resuming clears the suspension', () => {
    // Prepare
    const v3 = published();
    const emergency: ItemCommand = { action: 'suspend', kind: 'emergency', effectiveFrom: '2026-11-23', reason: '系统故障', notice: '因系统故障暂停受理' };

    // Act
    const v4 = nextVersion(v3, emergency, dept(9));
    const v5 = nextVersion(v4, { action: 'resume' }, dept(10));

    // Assess
    expect(v4.publicState).toBe('suspended');
    expect(v4.suspension).toMatchObject({ kind: 'emergency', notice: '因系统故障暂停受理' });
    expect(v5.publicState).toBe('published');
    expect(v5.suspension).toBeUndefined();
    expect(v5.state).toBe('published');
    expect(v5.publishedVersion).toBe(3);
  });

  it('terminates a suspended item with the reason, and allows nothing afterwards (ITEM_TERMINATED)', () => {
    // Prepare
    const v4 = nextVersion(published(), { action: 'suspend', kind: 'emergency', effectiveFrom: '2026-11-23', reason: '故障', notice: '公告' }, dept(9));
    const v5 = nextVersion(v4, { action: 'terminate', reason: '依据的法规废止' }, dept(10));
    const commands: ItemCommand[] = [
      { action: 'edit', guide: GUIDE },
      { action: 'revise', guide: GUIDE },
      SUBMIT,
      PUBLISH,
      { action: 'return', reasons: ['x'] },
      { action: 'suspend', kind: 'planned', effectiveFrom: '2026-12-31', reason: 'x' },
      { action: 'resume' },
      { action: 'terminate', reason: 'again' },
    ];

    // Act
    const errors = commands.map((command) => refusal(() => nextVersion(v5, command, dept(11))));

    // Assess
    expect(v5).toMatchObject({ publicState: 'terminated', reasons: ['依据的法规废止'], action: 'terminate' });
    expect(errors.map((e) => [e.code, e.kind])).toEqual(commands.map(() => ['ITEM_TERMINATED', 'conflict']));
  });

  it('terminates a published item that has a revision in progress', () => {
    // Prepare
    const v4 = nextVersion(published(), { action: 'revise', guide: renamed('新名称') }, dept(9));

    // Act
    const v5 = nextVersion(v4, { action: 'terminate', reason: '事项取消' }, dept(10));

    // Assess
    expect(v5.publicState).toBe('terminated');
  });
});

describe('nextVersion: illegal transitions', () => {
  const draft = () => last(run());
  const submitted = () => last(run(SUBMIT));
  const planned = () => nextVersion(published(), { action: 'suspend', kind: 'planned', effectiveFrom: '2026-11-30', reason: '升级' }, dept(9));
  const suspended = () => nextVersion(published(), { action: 'suspend', kind: 'emergency', effectiveFrom: '2026-11-23', reason: '故障', notice: '公告' }, dept(9));

  it.each<[string, () => ItemRecord, ItemCommand]>([
    ['publish a draft', draft, PUBLISH],
    ['return a draft', draft, { action: 'return', reasons: ['x'] }],
    ['revise a draft', draft, { action: 'revise', guide: GUIDE }],
    ['submit a submitted item', submitted, SUBMIT],
    ['edit a submitted item', submitted, { action: 'edit', guide: GUIDE }],
    ['submit a published item', published, SUBMIT],
    ['publish a published item', published, PUBLISH],
    ['resume without suspension', published, { action: 'resume' }],
    ['suspend an unpublished item', draft, { action: 'suspend', kind: 'emergency', effectiveFrom: '2026-11-23', reason: 'x', notice: 'x' }],
    ['suspend twice (planned, then planned)', planned, { action: 'suspend', kind: 'planned', effectiveFrom: '2026-12-07', reason: 'x' }],
    ['suspend twice (emergency, then emergency)', suspended, { action: 'suspend', kind: 'emergency', effectiveFrom: '2026-11-23', reason: 'x', notice: 'x' }],
    ['terminate an unpublished item', draft, { action: 'terminate', reason: 'x' }],
    ['terminate a submitted, never published item', submitted, { action: 'terminate', reason: 'x' }],
  ])('refuses to %s (ITEM_ILLEGAL_TRANSITION, a conflict)', (_name, from, command) => {
    // Prepare
    const latest = from();

    // Act
    const error = refusal(() => nextVersion(latest, command, dept(30)));

    // Assess
    expect(error).toMatchObject({ code: 'ITEM_ILLEGAL_TRANSITION', kind: 'conflict' });
    expect(error.message).toContain(command.action);
  });
});

describe('nextVersion: an emergency overtakes a planned suspension', () => {
  const planned = () => nextVersion(published(), { action: 'suspend', kind: 'planned', effectiveFrom: '2026-11-30', reason: '升级' }, dept(9));
  const emergency: ItemCommand = { action: 'suspend', kind: 'emergency', effectiveFrom: '2026-11-23', reason: '故障', notice: '因故障立即暂停' };

  it('suspends at once while a planned suspension has not begun, replacing it', () => {
    // Prepare
    const before = planned();

    // Act
    const after = nextVersion(before, emergency, dept(10));

    // Assess
    expect(after).toMatchObject({ publicState: 'suspended', suspension: { kind: 'emergency', effectiveFrom: '2026-11-23', notice: '因故障立即暂停' } });
    expect(before.suspension).toMatchObject({ kind: 'planned', effectiveFrom: '2026-11-30' });
  });

  it('refuses once the planned suspension is in effect (the item is suspended already)', () => {
    const onTheDay = { ...by('market', 0), today: '2026-11-30', at: '2026-11-30T02:00:00.000Z' };
    const error = refusal(() => nextVersion(planned(), { ...emergency, effectiveFrom: '2026-11-30' }, onTheDay));
    expect(error).toMatchObject({ code: 'ITEM_ILLEGAL_TRANSITION' });
  });
});

describe('hash chain', () => {
  const { hash: _h, ...withoutHash } = published();
  const chain = () =>
    run(SUBMIT, PUBLISH, { action: 'revise', guide: renamed('修订') }, { action: 'suspend', kind: 'planned', effectiveFrom: '2026-11-30', reason: '升级' }, { action: 'resume' });

  it("links every version to its predecessor's hash and hashes its own content", () => {
    // Act
    const versions = chain();

    // Assess
    versions.forEach((v, i) => {
      expect(v.previousHash).toBe(i === 0 ? undefined : versions[i - 1]!.hash);
      const { hash, ...content } = v;
      expect(hash).toBe(hashRecord(content));
    });
    expect(new Set(versions.map((v) => v.hash)).size).toBe(versions.length);
  });

  it.each<[string, (r: typeof withoutHash) => void]>([
    ['version', (r) => (r.version = 4)],
    ['actor', (r) => (r.actor = 'reviewer2')],
    ['at', (r) => (r.at = '2026-11-23T02:02:00.001Z')],
    ['state', (r) => (r.state = 'submitted')],
    ['publicState', (r) => (r.publicState = 'suspended')],
    ['publishedVersion', (r) => (r.publishedVersion = 2)],
    ['previousHash', (r) => (r.previousHash = '0'.repeat(64))],
    ['guide.name', (r) => (r.guide.name = `${r.guide.name} `)],
    ['guide.timeLimits.promisedDays', (r) => (r.guide.timeLimits.promisedDays = 11)],
    ['guide.materials.0.tolerable', (r) => (r.guide.materials[0]!.tolerable = true)],
    ['guide.materials order', (r) => r.guide.materials.reverse()],
    ['added reasons', (r) => (r.reasons = ['x'])],
  ])('changes the hash when %s changes', (_field, change) => {
    // Prepare
    const original = hashRecord(withoutHash);
    const altered = structuredClone(withoutHash);

    // Act
    change(altered);

    // Assess
    expect(hashRecord(altered)).not.toBe(original);
  });

  it('hashes the same content the same whatever the key order', () => {
    // Prepare
    const reordered = Object.fromEntries(Object.entries(structuredClone(withoutHash)).reverse()) as typeof withoutHash;
    reordered.guide = Object.fromEntries(Object.entries(reordered.guide).reverse()) as ServiceGuide;

    // Act / Assess
    expect(Object.keys(reordered)[0]).not.toBe(Object.keys(withoutHash)[0]);
    expect(hashRecord(reordered)).toBe(hashRecord(withoutHash));
  });

  it('writes canonical JSON: keys sorted at every depth, undefined members dropped, array order kept', () => {
    // Act / Assess
    expect(canonicalJson({ b: 1, a: { d: [2, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[2,{"y":2,"z":1}]},"b":1}');
    expect(canonicalJson({ a: 1, b: undefined })).toBe(canonicalJson({ a: 1 }));
    expect(canonicalJson({ b: 2, a: 1 })).toBe(canonicalJson({ a: 1, b: 2 }));
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });
});

describe('immutability', () => {
  it('never changes the version it starts from, nor the guide or command it is given', () => {
    // Prepare: every input deep-frozen (a write to a frozen object throws in an ES module) and copied
    const guide = deepFreeze(structuredClone(renamed('修订')));
    const commands: ItemCommand[] = deepFreeze([
      SUBMIT,
      PUBLISH,
      { action: 'revise', guide },
      { action: 'edit', guide },
      SUBMIT,
      { action: 'return', reasons: ['材料清单不完整'] },
      { action: 'edit', guide },
      SUBMIT,
      PUBLISH,
      { action: 'suspend', kind: 'planned', effectiveFrom: '2026-11-30', reason: '升级' },
      { action: 'resume' },
      { action: 'suspend', kind: 'emergency', effectiveFrom: '2026-11-23', reason: '故障', notice: '公告' },
      { action: 'resume' },
      { action: 'terminate', reason: '取消' },
    ]);
    const versions = [deepFreeze(firstVersion(CODE, deepFreeze(structuredClone(GUIDE)), dept(0)))];
    const snapshots = [structuredClone(versions[0]!)];

    // Act
    for (const [i, command] of commands.entries()) {
      const next = nextVersion(versions.at(-1)!, command, dept(i + 1));
      versions.push(deepFreeze(next));
      snapshots.push(structuredClone(next));
    }

    // Assess
    expect(versions).toHaveLength(commands.length + 1);
    expect(versions).toEqual(snapshots);
    expect(guide.name).toBe('修订');
    expect(last(versions).publicState).toBe('terminated');
  });
});

describe('verifyHistory', () => {
  const history = () => run(SUBMIT, PUBLISH, { action: 'suspend', kind: 'emergency', effectiveFrom: '2026-11-23', reason: '故障', notice: '公告' });

  it('accepts a history written by the lifecycle', () => {
    expect(verifyHistory(history())).toEqual({ ok: true });
  });

  it('finds a version changed in place, a missing version and a broken link', () => {
    const changed = history().map((v) => (v.version === 3 ? { ...v, guide: { ...v.guide, name: '被篡改' } } : v));
    expect(verifyHistory(changed)).toMatchObject({ ok: false, version: 3 });

    const gap = history().filter((v) => v.version !== 2);
    expect(verifyHistory(gap)).toMatchObject({ ok: false, version: 2 });

    // version 3 re-hashed after its change: intact by itself, but no longer what version 4 chains to
    const rehashed = history().map((v) => {
      if (v.version !== 3) return v;
      const { hash: _h, ...rest } = { ...v, guide: { ...v.guide, name: '被篡改' } };
      return { ...rest, hash: hashRecord(rest) };
    });
    expect(verifyHistory(rehashed)).toMatchObject({ ok: false, version: 4 });
  });
});
