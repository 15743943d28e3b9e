// The service guides the tests publish and file cases on: five items of the fixture city's departments
// (directory-fixtures.ts), complete and valid by the guide schema and rules (test/unit/guide-rules.test.ts
// checks each). What the tests count on is named in the comments: the time limits, the materials and
// which are required, tolerable (容缺) or replaceable by an e-licence, the handling mode, the e-licence
// issued and the joint handling. The tests' own data, not the sample `npm start` seeds.
import type { Department } from '../../shared/contracts/directory.ts';
import type { ServiceGuideInput } from '../../shared/contracts/service-item.ts';
import { DEPARTMENTS } from './directory-fixtures.ts';

type GuideFields = Omit<ServiceGuideInput, 'implementationCode' | 'departmentId' | 'fees' | 'contact'>;

/**
 * A free guide of `department`, its implementation code the department's credit code and `itemPart`;
 * questions and complaints go to the city's hotline and the service centre. Materials left at the
 * schema's defaults are electronic, one copy, and not tolerable.
 */
function guide(department: Department, itemPart: string, fields: GuideFields): ServiceGuideInput {
  return {
    implementationCode: `${department.id}${itemPart}`,
    departmentId: department.id,
    fees: { charged: false },
    contact: { consultationPhone: '12345', complaintPhone: '12345', address: '青岚市政务服务中心（青岚大道88号）' },
    ...fields,
  };
}

export const GUIDES = {
  /**
   * 食品经营许可证核发 (market): statutory 20, promised 10 working days, fully online. Required: the
   * application, 营业执照 (replaceable by a YYZZ e-licence), the layout and the food safety rules (both
   * tolerable); optional: the proxy's papers. Issues the SPJYXKZ e-licence.
   */
  food: guide(DEPARTMENTS.market, '000117001000', {
    name: '食品经营许可证核发',
    type: 'administrative-licence',
    legalBasis: ['《中华人民共和国食品安全法》第三十五条', '《食品经营许可和备案管理办法》第二章'],
    acceptanceConditions: ['申请人已依法取得市场主体资格', '经营场所、设施设备与拟经营的食品品种和规模相适应', '配备食品安全管理人员并建立食品安全管理制度'],
    materials: [
      { name: '食品经营许可申请书', required: true },
      { name: '营业执照', required: true, replaceableByLicenceType: 'YYZZ' },
      { name: '经营场所平面布局图', required: true, tolerable: true },
      { name: '食品安全管理制度文本', required: true, tolerable: true },
      { name: '委托代理人身份证明及授权委托书', required: false, notes: '由他人代为申请时提交' },
    ],
    process: ['在线提交申请', '受理', '材料审查，需要时现场核查', '作出许可决定', '签发电子许可证'],
    timeLimits: { statutoryDays: 20, promisedDays: 10 },
    handlingMode: 'fully-online',
    visits: 0,
    resultSample: '食品经营许可证电子证照',
    resultLicenceType: 'SPJYXKZ',
    resultLicenceName: '食品经营许可证',
    retention: '30y',
  }),
  /** 建筑工程施工许可证核发 (housing): statutory 7, promised 3 working days; online pre-review, then one visit. */
  building: guide(DEPARTMENTS.housing, '000117003000', {
    name: '建筑工程施工许可证核发',
    type: 'administrative-licence',
    legalBasis: ['《中华人民共和国建筑法》第八条', '《建筑工程施工许可管理办法》第四条'],
    acceptanceConditions: ['已取得建设工程规划许可证', '施工企业已确定', '建设资金已经落实'],
    materials: [
      { name: '施工许可申请表', required: true },
      { name: '建设工程规划许可证', required: true, replaceableByLicenceType: 'JSGCGHXKZ' },
      { name: '建筑施工合同', required: true },
      { name: '建设资金落实承诺书', required: true, tolerable: true },
    ],
    process: ['网上预审', '窗口受理', '审查', '决定并发证'],
    timeLimits: { statutoryDays: 7, promisedDays: 3 },
    handlingMode: 'online-prereview-window',
    visits: 1,
    resultSample: '建筑工程施工许可证电子证照',
    resultLicenceType: 'JZGCSGXKZ',
    resultLicenceName: '建筑工程施工许可证',
    retention: 'permanent',
  }),
  /** 户口迁移（市内迁移） (police): a public service; statutory 20, promised 5 working days; the household register as an original. */
  hukou: guide(DEPARTMENTS.police, '000120014000', {
    name: '户口迁移（市内迁移）',
    type: 'public-service',
    legalBasis: ['《中华人民共和国户口登记条例》第十条'],
    acceptanceConditions: ['迁出地和迁入地都在本市', '在迁入地有合法稳定住所'],
    materials: [
      { name: '居民户口簿', required: true, form: 'original' },
      { name: '居民身份证', required: true, replaceableByLicenceType: 'JMSFZ' },
      { name: '住所证明（产权证或租赁登记备案证明）', required: true, tolerable: true, replaceableByLicenceType: 'BDCQZ' },
    ],
    process: ['网上申请并预审', '窗口受理', '审核', '办结并变更户口登记'],
    timeLimits: { statutoryDays: 20, promisedDays: 5 },
    handlingMode: 'online-prereview-window',
    visits: 1,
    resultSample: '迁入后的居民户口簿',
    retention: 'permanent',
  }),
  /**
   * 开办餐饮店“一件事” (market leads; health has 8 and fire 10 working days for their opinions):
   * statutory 45, promised 15 working days, fully online. Required: the one-form application, 营业执照
   * (replaceable by YYZZ), the layout, the hygiene rules (both tolerable) and the fire safety plan.
   */
  restaurant: guide(DEPARTMENTS.market, '000199001000', {
    name: '开办餐饮店“一件事”',
    type: 'administrative-licence',
    legalBasis: ['《中华人民共和国行政许可法》第二十六条', '《中华人民共和国食品安全法》第三十五条', '《中华人民共和国消防法》第十五条'],
    acceptanceConditions: ['已领取营业执照', '经营场所满足食品安全、卫生和消防要求'],
    materials: [
      { name: '开办餐饮店一件事申请表（一表申请）', required: true },
      { name: '营业执照', required: true, replaceableByLicenceType: 'YYZZ' },
      { name: '经营场所平面布局图', required: true, tolerable: true },
      { name: '卫生管理制度', required: true, tolerable: true },
      { name: '消防安全制度及应急预案', required: true },
    ],
    process: ['一表申请', '牵头部门受理', '协办部门并联审查', '牵头部门汇总意见并决定', '统一发证'],
    timeLimits: { statutoryDays: 45, promisedDays: 15 },
    handlingMode: 'fully-online',
    visits: 0,
    resultSample: '食品经营许可证及相关许可（电子证照）',
    resultLicenceType: 'SPJYXKZ',
    resultLicenceName: '食品经营许可证',
    retention: '30y',
    jointHandling: {
      coDepartments: [
        { departmentId: DEPARTMENTS.health.id, responsibility: '公共场所卫生审查', timeLimitDays: 8 },
        { departmentId: DEPARTMENTS.fire.id, responsibility: '营业前消防安全检查', timeLimitDays: 10 },
      ],
    },
  }),
  /** 有限责任公司设立登记 (market): statutory 15, promised 3 working days, fully online; issues the 营业执照 (YYZZ) e-licence. */
  registration: guide(DEPARTMENTS.market, '000117002000', {
    name: '有限责任公司设立登记',
    type: 'administrative-licence',
    legalBasis: ['《中华人民共和国市场主体登记管理条例》', '《中华人民共和国公司法》第二十九条'],
    acceptanceConditions: ['公司名称已经申报', '公司章程符合法律规定', '有公司住所'],
    materials: [
      { name: '公司设立登记申请书', required: true },
      { name: '公司章程', required: true },
      { name: '股东身份证明', required: true, replaceableByLicenceType: 'JMSFZ' },
      { name: '住所使用证明', required: true, tolerable: true, replaceableByLicenceType: 'BDCQZ' },
    ],
    process: ['在线申请', '受理', '审查', '核准登记', '签发电子营业执照'],
    timeLimits: { statutoryDays: 15, promisedDays: 3 },
    handlingMode: 'fully-online',
    visits: 0,
    resultSample: '电子营业执照',
    resultLicenceType: 'YYZZ',
    resultLicenceName: '营业执照',
    retention: 'permanent',
  }),
} satisfies Record<string, ServiceGuideInput>;
