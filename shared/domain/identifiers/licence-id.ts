// E-licence identifier (电子证照标识, GB/T 36904-2018). The standard's text was not at hand; the form is
// the one public implementations and published identifiers use (STANDARDS.md):
//
//   1.2.156.3005.2.<licence type code>.<issuer code>.<serial>.<version>.<check character>
//
// - `1.2.156.3005.2` is the OID arc of national e-licences;
// - the licence type code, e.g. `11100000000013338W011`: the code of the type's catalogue (a credit
//   code) and a 3-digit type number;
// - the issuer code: here the issuing department's unified social credit code (some regions use an
//   administrative division code; Tongban issues under its departments' credit codes only);
// - the serial, unique per issuer and type; the version, three digits (`001` for the first issue);
// - the check character: ISO 7064 MOD 37,36 (the hybrid system over 0-9A-Z) of type code, issuer code,
//   serial and version written together without the dots.
// The check was confirmed on four published identifiers, e.g.
// 1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S (and .001.U for version 1).
// A hybrid MOD 37,36 check catches every single-character substitution and every transposition of
// adjacent characters.
import { invalid } from '../errors.ts';
import { isCreditCode } from './credit-code.ts';

export const LICENCE_ID_ARC = '1.2.156.3005.2';

/** The alphabet of the check computation, in value order. */
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const M = 36;

export interface LicenceIdParts {
  /** The licence type code (upper-case letters and digits). */
  typeCode: string;
  /** The issuing department's unified social credit code. */
  issuer: string;
  /** Unique per issuer and type (upper-case letters and digits). */
  serial: string;
  /** Three digits; `001` for the first issue. */
  version: string;
}

const TYPE_CODE = /^[0-9A-Z]{1,32}$/;
const SERIAL = /^[0-9A-Z]{1,64}$/;
const VERSION = /^\d{3}$/;

/** ISO 7064 MOD 37,36 (hybrid) check character of `body`: digits and upper-case letters only. */
export function licenceIdCheckChar(body: string): string {
  if (!/^[0-9A-Z]+$/.test(body)) throw new RangeError(`a licence identifier's check is computed over digits and upper-case letters, not "${body}"`);
  let p = M;
  for (const ch of body) {
    const s = (p + ALPHABET.indexOf(ch)) % M || M;
    p = (s * 2) % (M + 1);
  }
  return ALPHABET[(M + 1 - p) % M]!;
}

/** The identifier of a licence with these parts, its check character computed. */
export function makeLicenceId(parts: LicenceIdParts): string {
  const problem = partsProblem(parts);
  if (problem) throw invalid('INVALID_LICENCE_ID', problem.field, problem.zh, problem.en);
  const { typeCode, issuer, serial, version } = parts;
  return `${LICENCE_ID_ARC}.${typeCode}.${issuer}.${serial}.${version}.${licenceIdCheckChar(typeCode + issuer + serial + version)}`;
}

/** The parts of a valid licence identifier; throws INVALID_LICENCE_ID on `field` saying what is wrong. */
export function parseLicenceId(id: string, field = 'licenceId'): LicenceIdParts {
  const fail = (zh: string, en: string) => invalid('INVALID_LICENCE_ID', field, `电子证照标识“${id}”无效：${zh}`, `"${id}" is not an e-licence identifier: ${en}`);
  if (typeof id !== 'string' || !id.startsWith(`${LICENCE_ID_ARC}.`)) throw fail(`应以 ${LICENCE_ID_ARC}. 开头`, `it does not start with ${LICENCE_ID_ARC}.`);
  const rest = id.slice(LICENCE_ID_ARC.length + 1).split('.');
  if (rest.length !== 5)
    throw fail('应由证照类型代码、颁发机构代码、顺序号、版本号和校验位五段组成', 'it has not the five parts type code, issuer, serial, version and check character');
  const [typeCode, issuer, serial, version, check] = rest as [string, string, string, string, string];
  const parts = { typeCode, issuer, serial, version };
  const problem = partsProblem(parts);
  if (problem) throw fail(problem.zh, problem.en);
  if (check !== licenceIdCheckChar(typeCode + issuer + serial + version)) throw fail('校验位不正确', 'its check character is wrong');
  return parts;
}

export function isLicenceId(id: string): boolean {
  try {
    parseLicenceId(id);
    return true;
  } catch {
    return false;
  }
}

function partsProblem({ typeCode, issuer, serial, version }: LicenceIdParts): { field: string; zh: string; en: string } | undefined {
  if (!TYPE_CODE.test(typeCode)) return { field: 'typeCode', zh: '证照类型代码应为1-32位数字或大写字母', en: 'the type code is 1-32 digits or upper-case letters' };
  if (!isCreditCode(issuer)) return { field: 'issuer', zh: '颁发机构代码应为有效的统一社会信用代码', en: 'the issuer is not a valid unified social credit code' };
  if (!SERIAL.test(serial)) return { field: 'serial', zh: '顺序号应为1-64位数字或大写字母', en: 'the serial is 1-64 digits or upper-case letters' };
  if (!VERSION.test(version)) return { field: 'version', zh: '版本号应为3位数字', en: 'the version is three digits' };
  return undefined;
}
