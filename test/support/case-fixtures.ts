// The parties and items the case tests share: the seeded guides, callers as the directory resolves
// them, and sample applicants with identifiers whose check characters are computed, not typed.
import { DEPARTMENTS, SEED_ITEMS } from '../../infra/local/seed-data.ts';
import type { ServiceGuide } from '../../shared/contracts/service-item.ts';
import { ServiceGuideSchema } from '../../shared/contracts/service-item.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import type { Applicant } from '../../shared/domain/cases/case-record.ts';
import { makeCreditCode } from '../../shared/domain/identifiers/credit-code.ts';
import { residentIdCheckChar } from '../../shared/domain/identifiers/resident-id.ts';

/** A seeded guide by the end of its implementation code. */
export const guideOf = (suffix: string): ServiceGuide => ServiceGuideSchema.parse(SEED_ITEMS.find((g) => g.implementationCode.endsWith(suffix))!);
/** 食品经营许可证核发 (market): promised 10, statutory 20 working days; 4 required materials, 2 of them tolerable. */
export const FOOD = guideOf('000117001000');
/** 开办餐饮店“一件事” (market leads; health and fire are co-departments). */
export const JOINT = guideOf('000199001000');
/** 建筑工程施工许可证核发 (housing). */
export const BUILDING = guideOf('000117003000');

export const PORTAL: Caller = { name: 'portal', role: 'channel', channelId: 'kunming-portal' };
export const HALL: Caller = { name: 'hall-window', role: 'channel', channelId: 'city-hall-window' };
export const MARKET: Caller = { name: 'market', role: 'department', departmentId: DEPARTMENTS.market.id };
export const MARKET_DEPUTY: Caller = { name: 'market-deputy', role: 'department', departmentId: DEPARTMENTS.market.id };
export const HOUSING: Caller = { name: 'housing', role: 'department', departmentId: DEPARTMENTS.housing.id };
export const POLICE: Caller = { name: 'police', role: 'department', departmentId: DEPARTMENTS.police.id };
export const HEALTH: Caller = { name: 'health', role: 'department', departmentId: DEPARTMENTS.health.id };
export const FIRE: Caller = { name: 'fire', role: 'department', departmentId: DEPARTMENTS.fire.id };
export const REVIEWER: Caller = { name: 'reviewer', role: 'platform' };

export type Person = Extract<Applicant, { kind: 'person' }>;
export type Organisation = Extract<Applicant, { kind: 'organisation' }>;

/** A resident ID from its first 17 characters, with the check character computed. */
export const residentId = (first17: string) => `${first17}${residentIdCheckChar(first17)}`;
export const ZHANG: Person = { kind: 'person', residentId: residentId('53010219800101001'), name: '张三', phone: '13800138000' };
export const LI: Person = { kind: 'person', residentId: residentId('53010219900202002'), name: '李四', phone: '13900139000' };
export const SHOP: Organisation = {
  kind: 'organisation',
  creditCode: makeCreditCode('91530100', '12345678'),
  name: '昆明示例餐饮有限公司',
  contact: { name: '王五', phone: '0871-6543210' },
};
