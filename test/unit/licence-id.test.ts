// E-licence identifiers (GB/T 36904 form): the ISO 7064 MOD 37,36 check character, confirmed on
// identifiers published by public implementations, and refusal of every single-character change.
import { describe, expect, it } from 'vitest';
import { makeCreditCode } from '../../shared/domain/identifiers/credit-code.ts';
import { LICENCE_ID_ARC, isLicenceId, licenceIdCheckChar, makeLicenceId, parseLicenceId } from '../../shared/domain/identifiers/licence-id.ts';
import { refusal } from '../support/refusal.ts';

// Published identifiers (issuers' credit codes as printed there).
const PUBLISHED = [
  '1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.002.S',
  '1.2.156.3005.2.11100000000013338W011.11430000006122244L.20230000403.001.U',
  '1.2.156.3005.2.11100000000013338W087.11370800MB28559184.37080001202411010001.001.3',
  '1.2.156.3005.2.11100000000013338W009.11330105002500287C.2025052201.002.0',
];
const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ.';
const MARKET = makeCreditCode('11530100', '01528301');

describe('e-licence identifiers', () => {
  it('computes the check character of published identifiers', () => {
    for (const id of PUBLISHED) {
      const [body, check] = [id.slice(LICENCE_ID_ARC.length + 1, -2).replaceAll('.', ''), id.at(-1)];
      expect(licenceIdCheckChar(body), id).toBe(check);
      expect(isLicenceId(id), id).toBe(true);
    }
  });

  it('makes an identifier that parses back into its parts', () => {
    const parts = { typeCode: '11100000000013338W011', issuer: MARKET, serial: '2026000001', version: '001' };
    const id = makeLicenceId(parts);
    expect(id).toMatch(new RegExp(`^1\\.2\\.156\\.3005\\.2\\.11100000000013338W011\\.${MARKET}\\.2026000001\\.001\\.[0-9A-Z]$`));
    expect(parseLicenceId(id)).toEqual(parts);
    expect(isLicenceId(id)).toBe(true);
  });

  it('refuses every single-character change of a valid identifier', () => {
    for (const id of [...PUBLISHED, makeLicenceId({ typeCode: 'YYZZ', issuer: MARKET, serial: '9', version: '001' })]) {
      let changes = 0;
      for (let i = 0; i < id.length; i++) {
        for (const ch of ALPHABET) {
          if (ch === id[i]) continue;
          const changed = id.slice(0, i) + ch + id.slice(i + 1);
          changes++;
          expect(isLicenceId(changed), `${changed} (position ${i})`).toBe(false);
        }
      }
      expect(changes).toBe(id.length * (ALPHABET.length - 1));
    }
  });

  it('refuses every swap of two adjacent, different characters of the checked body', () => {
    const id = makeLicenceId({ typeCode: '11100000000013338W011', issuer: MARKET, serial: 'A7K2026X000001', version: '003' });
    let swaps = 0;
    for (let i = LICENCE_ID_ARC.length + 1; i < id.length - 3; i++) {
      if (id[i] === id[i + 1] || id[i] === '.' || id[i + 1] === '.') continue;
      const swapped = id.slice(0, i) + id[i + 1] + id[i] + id.slice(i + 2);
      swaps++;
      expect(isLicenceId(swapped), swapped).toBe(false);
    }
    expect(swaps).toBeGreaterThan(30);
  });

  it('says which part is wrong', () => {
    expect(refusal(() => parseLicenceId('1.2.156.3005.1.X.Y.Z.001.A', 'materials.营业执照.licenceId'))).toMatchObject({
      code: 'INVALID_LICENCE_ID',
      field: 'materials.营业执照.licenceId',
      kind: 'invalid',
    });
    expect(refusal(() => parseLicenceId(`${LICENCE_ID_ARC}.YYZZ.${MARKET}.001`)).message).toMatch(/five parts/);
    expect(refusal(() => parseLicenceId(`${LICENCE_ID_ARC}.YYZZ.91350100M000100Y44.1.001.A`)).message).toMatch(/issuer/);
    expect(refusal(() => parseLicenceId(`${LICENCE_ID_ARC}.yyzz.${MARKET}.1.001.A`)).message).toMatch(/type code/);
    expect(refusal(() => parseLicenceId(`${LICENCE_ID_ARC}.YYZZ.${MARKET}.1.01.A`)).message).toMatch(/version/);
    expect(refusal(() => makeLicenceId({ typeCode: 'YYZZ', issuer: MARKET, serial: 'a-1', version: '001' }))).toMatchObject({ code: 'INVALID_LICENCE_ID', field: 'serial' });
    const good = makeLicenceId({ typeCode: 'YYZZ', issuer: MARKET, serial: '1', version: '001' });
    const wrongCheck = good.slice(0, -1) + (good.endsWith('0') ? '1' : '0');
    expect(refusal(() => parseLicenceId(wrongCheck)).messageZh).toContain('校验位不正确');
  });
});
