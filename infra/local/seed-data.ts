// Sample data the embedded platform starts with: a city's departments, a portal, a reviewer, an
// auditor and a few published items with complete service guides. The credit codes are generated
// with valid checksums for a fictitious numbering (region 530100, 昆明市), not real bodies' codes.
import type { Channel, Department, Role } from '../../shared/contracts/directory.ts';
import type { ServiceGuideInput } from '../../shared/contracts/service-item.ts';
import { makeCreditCode } from '../../shared/domain/identifiers/credit-code.ts';

export const DEPARTMENTS = {
  market: { id: makeCreditCode('11530100', '01528301'), name: '昆明市市场监督管理局', region: '云南省昆明市' },
  housing: { id: makeCreditCode('11530100', '01528302'), name: '昆明市住房和城乡建设局', region: '云南省昆明市' },
  police: { id: makeCreditCode('11530100', '01528303'), name: '昆明市公安局', region: '云南省昆明市' },
  health: { id: makeCreditCode('11530100', '01528304'), name: '昆明市卫生健康委员会', region: '云南省昆明市' },
  fire: { id: makeCreditCode('12530100', '01528305'), name: '昆明市消防救援支队', region: '云南省昆明市' },
} satisfies Record<string, Department>;

export const CHANNELS: Channel[] = [
  { id: 'kunming-portal', name: '昆明市一网通办门户', kind: 'portal' },
  { id: 'city-hall-window', name: '昆明市政务服务中心综合窗口', kind: 'service-hall-window' },
];

export interface SeedPrincipal {
  name: string;
  role: Role;
  departmentId?: string;
  channelId?: string;
  description: string;
  /** Acts through named officers (NAMED_ROLES: departments, reviewers, auditors). */
  named?: true;
  /** A named principal's officers, by their ids (what the government's sign-in would set): each gets its own key pair. */
  officers?: readonly string[];
  /**
   * A service hall window's clerks, who sign in to the console through the identity provider
   * (TONGBAN_SIGN_IN=oidc) into its role, a session named after each; its calls name no officer.
   */
  clerks?: readonly string[];
}

/** A named principal of the sample: two officers each, `<principal>.zhang` and `<principal>.li` (officer ids as the sign-in sets them). */
function named(p: Omit<SeedPrincipal, 'named' | 'officers'>): SeedPrincipal {
  return { ...p, named: true, officers: [`${p.name}.zhang`, `${p.name}.li`] };
}

export const PRINCIPALS: SeedPrincipal[] = [
  named({ name: 'reviewer', role: 'platform', description: '市政务服务管理局 事项审核员' }),
  named({ name: 'auditor', role: 'auditor', description: '市档案馆 审计员' }),
  { name: 'portal', role: 'channel', channelId: 'kunming-portal', description: '一网通办门户' },
  { name: 'hall-window', role: 'channel', channelId: 'city-hall-window', description: '政务服务中心窗口', clerks: ['hall-window.wang', 'hall-window.zhao'] },
  named({ name: 'market', role: 'department', departmentId: DEPARTMENTS.market.id, description: DEPARTMENTS.market.name }),
  named({ name: 'market-deputy', role: 'department', departmentId: DEPARTMENTS.market.id, description: `${DEPARTMENTS.market.name}（第二位经办人）` }),
  named({ name: 'housing', role: 'department', departmentId: DEPARTMENTS.housing.id, description: DEPARTMENTS.housing.name }),
  named({ name: 'police', role: 'department', departmentId: DEPARTMENTS.police.id, description: DEPARTMENTS.police.name }),
  named({ name: 'health', role: 'department', departmentId: DEPARTMENTS.health.id, description: DEPARTMENTS.health.name }),
  named({ name: 'fire', role: 'department', departmentId: DEPARTMENTS.fire.id, description: DEPARTMENTS.fire.name }),
];

const contact = { consultationPhone: '0871-12345', complaintPhone: '0871-12345', address: '昆明市呈贡区市级行政中心政务服务大厅' };

export const SEED_ITEMS: ServiceGuideInput[] = [
  {
    implementationCode: `${DEPARTMENTS.market.id}000117001000`,
    basicCode: '000117001000',
    name: '食品经营许可证核发',
    type: 'administrative-licence',
    departmentId: DEPARTMENTS.market.id,
    legalBasis: ['《中华人民共和国食品安全法》第三十五条', '《食品经营许可和备案管理办法》'],
    acceptanceConditions: ['已取得营业执照等合法主体资格', '具有与经营的食品品种、数量相适应的经营场所', '有专职或者兼职的食品安全管理人员和保证食品安全的规章制度'],
    materials: [
      { name: '食品经营许可申请书', required: true, tolerable: false, form: 'electronic', copies: 1 },
      { name: '营业执照', required: true, tolerable: false, replaceableByLicenceType: 'YYZZ', form: 'electronic', copies: 1 },
      { name: '经营场所平面布局图', required: true, tolerable: true, form: 'electronic', copies: 1 },
      { name: '食品安全管理制度文本', required: true, tolerable: true, form: 'electronic', copies: 1 },
      { name: '委托代理人身份证明及授权委托书', required: false, tolerable: false, form: 'electronic', copies: 1, notes: '委托他人办理时提交' },
    ],
    process: ['网上申请', '受理', '审查（必要时现场核查）', '决定', '制证（电子证照同步签发）'],
    timeLimits: { statutoryDays: 20, promisedDays: 10 },
    fees: { charged: false, items: [] },
    handlingMode: 'fully-online',
    visits: 0,
    resultSample: '食品经营许可证（电子证照）',
    resultLicenceType: 'SPJYXKZ',
    resultLicenceName: '食品经营许可证',
    contact,
    retention: '30y',
  },
  {
    implementationCode: `${DEPARTMENTS.housing.id}000117003000`,
    basicCode: '000117003000',
    name: '建筑工程施工许可证核发',
    type: 'administrative-licence',
    departmentId: DEPARTMENTS.housing.id,
    legalBasis: ['《中华人民共和国建筑法》第七条、第八条', '《建筑工程施工许可管理办法》'],
    acceptanceConditions: ['依法应当办理用地批准手续的，已经办理', '已经取得建设工程规划许可证', '有满足施工需要的资金安排、施工图纸及技术资料'],
    materials: [
      { name: '建筑工程施工许可证申请表', required: true, tolerable: false, form: 'electronic', copies: 1 },
      { name: '建设工程规划许可证', required: true, tolerable: false, replaceableByLicenceType: 'JSGCGHXKZ', form: 'electronic', copies: 1 },
      { name: '施工合同', required: true, tolerable: false, form: 'electronic', copies: 1 },
      { name: '建设资金已经落实承诺书', required: true, tolerable: true, form: 'electronic', copies: 1 },
    ],
    process: ['网上申请', '受理', '审查', '决定', '制证'],
    timeLimits: { statutoryDays: 7, promisedDays: 3 },
    fees: { charged: false, items: [] },
    handlingMode: 'online-prereview-window',
    visits: 1,
    resultSample: '建筑工程施工许可证（电子证照）',
    resultLicenceType: 'JZGCSGXKZ',
    resultLicenceName: '建筑工程施工许可证',
    contact,
    retention: 'permanent',
  },
  {
    implementationCode: `${DEPARTMENTS.police.id}000120014000`,
    basicCode: '000120014000',
    name: '户口迁移（市内迁移）',
    type: 'public-service',
    departmentId: DEPARTMENTS.police.id,
    legalBasis: ['《中华人民共和国户口登记条例》第十条'],
    acceptanceConditions: ['在本市有合法固定住所', '迁出地与迁入地均在本市行政区域内'],
    materials: [
      { name: '居民户口簿', required: true, tolerable: false, form: 'original', copies: 1 },
      { name: '居民身份证', required: true, tolerable: false, replaceableByLicenceType: 'JMSFZ', form: 'electronic', copies: 1 },
      { name: '房屋所有权证明或租赁备案证明', required: true, tolerable: true, replaceableByLicenceType: 'BDCQZ', form: 'electronic', copies: 1 },
    ],
    process: ['网上申请', '预审', '受理', '审核', '办结'],
    timeLimits: { statutoryDays: 20, promisedDays: 5 },
    fees: { charged: false, items: [] },
    handlingMode: 'online-prereview-window',
    visits: 1,
    resultSample: '户口迁移后的居民户口簿',
    contact,
    retention: 'permanent',
  },
  {
    implementationCode: `${DEPARTMENTS.market.id}000199001000`,
    name: '开办餐饮店“一件事”',
    type: 'administrative-licence',
    departmentId: DEPARTMENTS.market.id,
    legalBasis: ['《中华人民共和国行政许可法》第二十六条', '《中华人民共和国食品安全法》第三十五条', '《公共场所卫生管理条例》第八条', '《中华人民共和国消防法》第十五条'],
    acceptanceConditions: ['已取得营业执照', '经营场所符合食品安全、公共场所卫生和消防安全要求'],
    materials: [
      { name: '开办餐饮店一件事申请表（一表申请）', required: true, tolerable: false, form: 'electronic', copies: 1 },
      { name: '营业执照', required: true, tolerable: false, replaceableByLicenceType: 'YYZZ', form: 'electronic', copies: 1 },
      { name: '经营场所平面布局图', required: true, tolerable: true, form: 'electronic', copies: 1 },
      { name: '卫生管理制度', required: true, tolerable: true, form: 'electronic', copies: 1 },
      { name: '消防安全制度及应急预案', required: true, tolerable: false, form: 'electronic', copies: 1 },
    ],
    process: ['一表申请', '牵头部门受理', '协办部门并联审查并出具意见', '牵头部门汇总决定', '一口发证'],
    timeLimits: { statutoryDays: 45, promisedDays: 15 },
    fees: { charged: false, items: [] },
    handlingMode: 'fully-online',
    visits: 0,
    resultSample: '食品经营许可证、公共场所卫生许可证及消防安全检查合格证（电子证照）',
    resultLicenceType: 'SPJYXKZ',
    resultLicenceName: '食品经营许可证',
    contact,
    retention: '30y',
    jointHandling: {
      coDepartments: [
        { departmentId: DEPARTMENTS.health.id, responsibility: '公共场所卫生许可审查', timeLimitDays: 8 },
        { departmentId: DEPARTMENTS.fire.id, responsibility: '公众聚集场所投入使用、营业前消防安全检查', timeLimitDays: 10 },
      ],
    },
  },
  {
    // Issues the 营业执照 (YYZZ) e-licence that the food and restaurant items accept instead of a copy.
    implementationCode: `${DEPARTMENTS.market.id}000117002000`,
    basicCode: '000117002000',
    name: '有限责任公司设立登记',
    type: 'administrative-licence',
    departmentId: DEPARTMENTS.market.id,
    legalBasis: ['《中华人民共和国市场主体登记管理条例》第十九条', '《中华人民共和国公司法》第二十九条'],
    acceptanceConditions: ['名称已申报且不与他人重复', '章程及股东出资符合《公司法》规定', '有符合规定的住所'],
    materials: [
      { name: '公司登记（备案）申请书', required: true, tolerable: false, form: 'electronic', copies: 1 },
      { name: '公司章程', required: true, tolerable: false, form: 'electronic', copies: 1 },
      { name: '股东主体资格证明', required: true, tolerable: false, replaceableByLicenceType: 'JMSFZ', form: 'electronic', copies: 1 },
      { name: '住所使用证明', required: true, tolerable: true, replaceableByLicenceType: 'BDCQZ', form: 'electronic', copies: 1 },
    ],
    process: ['网上申请', '受理', '审查', '核准登记', '发照（电子营业执照同步签发）'],
    timeLimits: { statutoryDays: 15, promisedDays: 3 },
    fees: { charged: false, items: [] },
    handlingMode: 'fully-online',
    visits: 0,
    resultSample: '营业执照（电子证照）',
    resultLicenceType: 'YYZZ',
    resultLicenceName: '营业执照',
    contact,
    retention: 'permanent',
  },
];
