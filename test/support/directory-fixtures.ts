// The directory the unit, integration and infra tests work with: the departments of a fictitious city
// (青岚市, region code 990200, which no real region has), two channels, and a principal for every
// caller the tests act as. The tests' own data, not the sample data `npm start` seeds: the demo data
// may change without changing any test's input. Credit codes are made with valid check characters
// (makeCreditCode), not typed.
import type { Channel, Department, Directory, Principal } from '../../shared/contracts/directory.ts';
import { makeCreditCode } from '../../shared/domain/identifiers/credit-code.ts';

const REGION_CODE = '990200';
const CITY = '青岚市';

/** A department of the city: registered as an organ (机关, category 11) unless `category` says otherwise. */
function department(name: string, organisationBody: string, category = '11'): Department {
  return { id: makeCreditCode(`${category}${REGION_CODE}`, organisationBody), name: `${CITY}${name}`, region: `示例省${CITY}` };
}

/** In the order of their credit codes. */
export const DEPARTMENTS = {
  market: department('市场监督管理局', '30571801'),
  housing: department('住房和城乡建设局', '30571802'),
  police: department('公安局', '30571803'),
  health: department('卫生健康委员会', '30571804'),
  // A public institution (事业单位, category 12).
  fire: department('消防救援支队', '30571805', '12'),
} satisfies Record<string, Department>;

/** A valid credit code of the city that no department above has. */
export const UNLISTED_DEPARTMENT_ID = makeCreditCode(`11${REGION_CODE}`, '30571899');

export const CHANNELS = {
  portal: { id: 'qinglan-portal', name: `${CITY}政务服务网`, kind: 'portal' },
  hall: { id: 'qinglan-hall-window', name: `${CITY}政务服务中心受理窗口`, kind: 'service-hall-window' },
} satisfies Record<string, Channel>;

/**
 * The principals, without their ARNs: the reviewer, the auditor, a principal per channel and per
 * department (named by the department's key), and a second one for the market (`market-deputy`), to
 * act at once. The names are the callers' of test/support/case-fixtures.ts.
 */
export const PRINCIPALS: Omit<Principal, 'arn'>[] = [
  { name: 'reviewer', role: 'platform' },
  { name: 'auditor', role: 'auditor' },
  { name: 'portal', role: 'channel', channelId: CHANNELS.portal.id },
  { name: 'hall-window', role: 'channel', channelId: CHANNELS.hall.id },
  ...Object.entries(DEPARTMENTS).map(([name, d]) => ({ name, role: 'department' as const, departmentId: d.id })),
  { name: 'market-deputy', role: 'department', departmentId: DEPARTMENTS.market.id },
];

/** A principal's ARN unless a test needs others: an IAM user of its name in a placeholder account. */
export const fixturePrincipalArn = (name: string) => `arn:aws:iam::000000000000:user/${name}`;

/** The whole directory, each principal with the ARN `principalArn` gives its name. */
export function fixtureDirectory(principalArn: (name: string) => string = fixturePrincipalArn): Directory {
  return { departments: Object.values(DEPARTMENTS), channels: Object.values(CHANNELS), principals: PRINCIPALS.map((p) => ({ ...p, arn: principalArn(p.name) })) };
}
