// The sample guides the embedded platform starts with (infra/local/seed-data.ts) as the schema outputs
// them, for the end-to-end tests, which file cases on the catalogue `npm start` seeds. Tests that do
// not run the platform use the fixtures instead (case-fixtures.ts).
import { SEED_ITEMS } from '../../infra/local/seed-data.ts';
import type { ServiceGuide } from '../../shared/contracts/service-item.ts';
import { ServiceGuideSchema } from '../../shared/contracts/service-item.ts';

const sample = (implementationCodeEnd: string): ServiceGuide => ServiceGuideSchema.parse(SEED_ITEMS.find((g) => g.implementationCode.endsWith(implementationCodeEnd)));

/** 食品经营许可证核发 (market). */
export const FOOD = sample('000117001000');
/** 开办餐饮店“一件事” (market leads; health and fire are co-departments). */
export const JOINT = sample('000199001000');
/** 建筑工程施工许可证核发 (housing). */
export const BUILDING = sample('000117003000');
