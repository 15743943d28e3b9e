// `tongban items template`: a complete service guide to start a new item from. It passes the
// platform's checks as it stands, so a department can create, look at it and edit; every text that
// must be the department's own says so (示例).
import type { ServiceGuideInput } from '../contracts/service-item.ts';

export function guideTemplate(departmentId: string): ServiceGuideInput {
  return {
    implementationCode: `${departmentId}000000000001`,
    name: '示例：某某许可证核发（请改为事项名称）',
    type: 'administrative-licence',
    departmentId,
    legalBasis: ['示例：《中华人民共和国某某法》第某条'],
    acceptanceConditions: ['示例：申请人具有合法主体资格'],
    materials: [
      { name: '示例：申请书', required: true, tolerable: false, form: 'electronic', copies: 1 },
      { name: '示例：营业执照', required: true, tolerable: false, replaceableByLicenceType: 'YYZZ', form: 'electronic', copies: 1 },
      { name: '示例：场所平面图', required: true, tolerable: true, form: 'electronic', copies: 1 },
    ],
    process: ['网上申请', '受理', '审查', '决定', '制证'],
    timeLimits: { statutoryDays: 20, promisedDays: 10 },
    fees: { charged: false, items: [] },
    handlingMode: 'fully-online',
    visits: 0,
    resultSample: '示例：某某许可证（电子证照）',
    contact: { consultationPhone: '12345', complaintPhone: '12345' },
    retention: '30y',
  };
}
