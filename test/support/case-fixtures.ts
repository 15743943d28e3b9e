// The parties and items the case tests share: the fixture guides (guide-fixtures.ts) as the schema
// outputs them, callers as the fixture directory (directory-fixtures.ts) resolves them, and sample
// applicants with identifiers whose check characters are computed, not typed.
import type { ServiceGuide } from '../../shared/contracts/service-item.ts';
import { ServiceGuideSchema } from '../../shared/contracts/service-item.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import type { Applicant, CaseArchive } from '../../shared/domain/cases/case-record.ts';
import { makeCreditCode } from '../../shared/domain/identifiers/credit-code.ts';
import { residentIdCheckChar } from '../../shared/domain/identifiers/resident-id.ts';
import { CHANNELS, DEPARTMENTS } from './directory-fixtures.ts';
import { GUIDES } from './guide-fixtures.ts';

/** 食品经营许可证核发 (market): promised 10, statutory 20 working days; 4 required materials, 2 of them tolerable. */
export const FOOD: ServiceGuide = ServiceGuideSchema.parse(GUIDES.food);
/** 开办餐饮店“一件事” (market leads; health and fire are co-departments). */
export const JOINT: ServiceGuide = ServiceGuideSchema.parse(GUIDES.restaurant);
/** 建筑工程施工许可证核发 (housing). */
export const BUILDING: ServiceGuide = ServiceGuideSchema.parse(GUIDES.building);
/** 户口迁移（市内迁移） (police), a public service. */
export const HUKOU: ServiceGuide = ServiceGuideSchema.parse(GUIDES.hukou);
/** 有限责任公司设立登记 (market): issues the 营业执照 (YYZZ) e-licence. */
export const REGISTRATION: ServiceGuide = ServiceGuideSchema.parse(GUIDES.registration);

export const PORTAL: Caller = { name: 'portal', role: 'channel', channelId: CHANNELS.portal.id };
export const HALL: Caller = { name: 'hall-window', role: 'channel', channelId: CHANNELS.hall.id };
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

/** What the archive function records of a market case archived on `day` (10:00 China time), kept 30 years. */
export function archivedRecord(caseNo: string, day: string): Extract<CaseArchive, { state: 'archived' }> {
  return {
    state: 'archived',
    bundleKey: `bundles/${DEPARTMENTS.market.id}/x/${day}/${caseNo}.tar`,
    sha256: 'a'.repeat(64),
    size: 1024,
    retention: '30y',
    retainUntil: `${Number(day.slice(0, 4)) + 30}${day.slice(4)}T00:00:00.000Z`,
    legalHold: false,
    archivedAt: `${day}T02:00:00.000Z`,
  };
}
