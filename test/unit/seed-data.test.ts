// The sample data `npm start` seeds must be realistic and valid by the platform's own rules, and be
// what the real cdk.json deploys.
import { App } from 'aws-cdk-lib';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../infra/config.ts';
import { seedDirectory } from '../../infra/local/seed.ts';
import { CHANNELS, DEPARTMENTS, PRINCIPALS, SEED_ITEMS } from '../../infra/local/seed-data.ts';
import { principalArn } from '../../infra/local/platform.ts';
import { DirectorySchema, NAMED_ROLES, OFFICER_ID_PATTERN } from '../../shared/contracts/directory.ts';
import { ServiceGuideSchema } from '../../shared/contracts/service-item.ts';
import { isCreditCode } from '../../shared/domain/identifiers/credit-code.ts';
import { checkGuide } from '../../shared/domain/items/guide-rules.ts';

describe('seed data', () => {
  const departments = Object.values(DEPARTMENTS);

  it('has at least three departments with valid unified social credit codes and Chinese names', () => {
    expect(departments.length).toBeGreaterThanOrEqual(3);
    for (const d of departments) {
      expect(isCreditCode(d.id), d.id).toBe(true);
      expect(d.name).toMatch(/^[\u4e00-\u9fff]+$/);
    }
    expect(new Set(departments.map((d) => d.id)).size).toBe(departments.length);
  });

  it('has a channel, a platform reviewer, an auditor and a principal per department (two for market, to act at once), forming a valid directory', () => {
    const roles = PRINCIPALS.map((p) => p.role);
    expect(roles).toContain('channel');
    expect(roles).toContain('platform');
    expect(roles).toContain('auditor');
    for (const d of departments)
      expect(
        PRINCIPALS.filter((p) => p.departmentId === d.id),
        d.name,
      ).toHaveLength(d.id === DEPARTMENTS.market.id ? 2 : 1);
    expect(() => DirectorySchema.parse(seedDirectory(principalArn))).not.toThrow();
  });

  it('names the officers of every department, the reviewer and the auditor (two each, each an officer id); channels have none', () => {
    for (const p of PRINCIPALS) {
      expect(p.named, p.name).toBe(NAMED_ROLES.includes(p.role) ? true : undefined);
      expect(p.officers?.length ?? 0, p.name).toBe(p.named ? 2 : 0);
      for (const officer of p.officers ?? []) expect(officer, p.name).toMatch(OFFICER_ID_PATTERN);
    }
    // A named principal is a role, whose sessions are its officers.
    expect(
      seedDirectory(principalArn)
        .principals.filter((p) => p.named)
        .every((p) => p.arn.includes(':role/tongban-local-')),
    ).toBe(true);
  });

  it('has at least three complete service guides that pass every rule, one joint-handled with two co-departments', () => {
    const known = new Set(departments.map((d) => d.id));
    const guides = SEED_ITEMS.map((g) => ServiceGuideSchema.parse(g));
    expect(guides.length).toBeGreaterThanOrEqual(3);
    for (const g of guides) {
      expect(() => checkGuide(g, known), g.name).not.toThrow();
      expect(g.materials.length, g.name).toBeGreaterThan(0);
      expect(g.legalBasis.length, g.name).toBeGreaterThan(0);
    }
    expect(guides.filter((g) => g.jointHandling?.coDepartments.length === 2)).toHaveLength(1);
  });
});

describe('the real cdk.json', () => {
  it('matches the embedded runtime seed (departments, channels, principals)', () => {
    const context = (JSON.parse(readFileSync(new URL('../../cdk.json', import.meta.url), 'utf8')) as { context: Record<string, unknown> }).context;
    const config = loadConfig(new App({ context }));
    expect(config.departments).toEqual(Object.values(DEPARTMENTS));
    expect(config.channels).toEqual(CHANNELS);
    // Named there as here: the configuration's departments, reviewer and auditor are named by their role.
    expect(config.principals.map(({ trustedAccount: _t, trustedPrincipalArns: _p, externalId: _e, arn: _a, ...p }) => p)).toEqual(
      PRINCIPALS.map(({ named: _n, officers: _o, clerks: _c, ...p }) => p),
    );
  });
});

describe('directory', () => {
  it('reserves the principal name "system" for the platform itself', () => {
    const directory = seedDirectory(principalArn);
    const impostor = { name: 'system', role: 'platform' as const, arn: 'arn:aws:iam::000000000000:user/system' };
    const result = DirectorySchema.safeParse({ ...directory, principals: [...directory.principals, impostor] });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.message).toContain('reserved');
  });
});
