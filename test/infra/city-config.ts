// A city-sized configuration for the scale test (test/infra/scale.test.ts): `departments`
// departments, `channels` channels, `reviewers` platform principals and `auditors` auditor
// principals, one `trustedAccount: "self"` principal per department and per channel. Credit codes
// are made with valid check characters (makeCreditCode), in a region code no real region has. The
// console is configured, signing in through OpenID Connect: every named principal's role also trusts
// the identity provider (a statement of its own), and the API answers CORS preflights.
import { makeCreditCode } from '../../shared/domain/identifiers/credit-code.ts';

export interface CitySize {
  departments: number;
  channels: number;
  reviewers: number;
  auditors: number;
}

/** The size issue 19 asks the stacks to fit: 150 departments, 30 channels, 10 reviewers, 10 auditors. */
export const CITY: CitySize = { departments: 150, channels: 30, reviewers: 10, auditors: 10 };

const REGION_CODE = '990300';

/** The `tongban` context of a city of `size`, at stage `stage`. */
export function cityConfig(size: CitySize, stage = 'city') {
  const departments = Array.from({ length: size.departments }, (_, i) => ({
    id: makeCreditCode(`11${REGION_CODE}`, String(40000000 + i)),
    name: `示例市第${i + 1}局`,
    region: '示例省示例市',
  }));
  const channels = Array.from({ length: size.channels }, (_, i) => ({ id: `city-portal-${i + 1}`, name: `示例市门户${i + 1}`, kind: 'portal' }));
  const self = { trustedAccount: 'self' };
  return {
    stage,
    logRetentionDays: 365,
    alarmEmails: ['tongban-oncall@example.gov.cn'],
    replicaRegion: 'cn-northwest-1',
    departments,
    channels,
    principals: [
      ...Array.from({ length: size.reviewers }, (_, i) => ({ name: `reviewer-${i + 1}`, role: 'platform', ...self, trustedPrincipalArns: [`role/tongban-reviewer-${i + 1}`] })),
      ...Array.from({ length: size.auditors }, (_, i) => ({ name: `auditor-${i + 1}`, role: 'auditor', ...self, trustedPrincipalArns: ['role/tongban-sign-in'] })),
      ...channels.map((c, i) => ({ name: `channel-${i + 1}`, role: 'channel', channelId: c.id, ...self })),
      // People act through the government's sign-in, which names the officer (issue 19 point 2).
      ...departments.map((d, i) => ({ name: `department-${i + 1}`, role: 'department', departmentId: d.id, ...self, trustedPrincipalArns: ['role/tongban-sign-in'] })),
    ],
    console: {
      domainName: 'console.example.gov.cn',
      iamCertificateId: 'ASCACKCEVSQ6C2EXAMPLE',
      signIn: { kind: 'oidc', issuer: 'https://sso.example.gov.cn/realms/city', clientIds: ['tongban-console', 'tongban-cli'] },
    },
  };
}
