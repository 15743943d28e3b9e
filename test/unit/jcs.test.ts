// RFC 8785 (JSON Canonicalization Scheme) on the RFC's own examples: the sample of §3.2.2, the sorting
// of §3.2.3, and number forms of appendix B; and what is refused.
import { describe, expect, it } from 'vitest';
import { canonicalJson } from '../../shared/domain/items/record-hash.ts';
import { NotJsonError, canonicalBytes, canonicalize } from '../../shared/domain/seals/jcs.ts';

describe('RFC 8785 canonical JSON', () => {
  it('writes the sample of §3.2.2 as the RFC does', () => {
    const input = JSON.parse(
      '{"numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001], "string": "\\u20ac$\\u000F\\u000aA\'\\u0042\\u0022\\u005c\\\\\\"\\/", "literals": [null, true, false]}',
    ) as unknown;
    expect(canonicalize(input)).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it('sorts members by UTF-16 code units (§3.2.3), integer-like names included', () => {
    const input = {
      '\u20ac': 'Euro Sign',
      '\r': 'Carriage Return',
      '\ufb33': 'Hebrew Letter Dalet With Dagesh',
      '1': 'One',
      '\ud83d\ude00': 'Emoji: Grinning Face',
      '\u0080': 'Control',
      '\u00f6': 'Latin Small Letter O With Diaeresis',
    };
    // Read from the text: JSON.parse would put the integer-like name first again.
    const text = canonicalize(input);
    const positions = ['Carriage Return', 'One', 'Control', 'Latin Small Letter O With Diaeresis', 'Euro Sign', 'Emoji: Grinning Face', 'Hebrew Letter Dalet With Dagesh'].map(
      (v) => text.indexOf(v),
    );
    expect(positions).toEqual([...positions].sort((a, b) => a - b));
    expect(positions.every((p) => p > 0)).toBe(true);
    expect(canonicalize({ 9: 'b', 10: 'a', x: { 2: 1, 10: 2 } })).toBe('{"10":"a","9":"b","x":{"10":2,"2":1}}');
    // The record hash's canonical form differs exactly there: why seals need their own.
    expect(canonicalJson({ 9: 'b', 10: 'a' })).toBe('{"9":"b","10":"a"}');
  });

  it('writes numbers as ECMAScript does (appendix B)', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '0'],
      [5e-324, '5e-324'],
      [1e21, '1e+21'],
      [1e20, '100000000000000000000'],
      [1e-7, '1e-7'],
      [0.000001, '0.000001'],
      [9007199254740992, '9007199254740992'],
      [-1.7976931348623157e308, '-1.7976931348623157e+308'],
      [295147905179352830000, '295147905179352830000'],
    ];
    for (const [n, text] of cases) expect(canonicalize(n), String(n)).toBe(text);
  });

  it('writes strings with the minimal escapes and UTF-8 bytes', () => {
    expect(canonicalize('\u0000\u001f\b\f\n\r\t"\\/\u007f\u2028é')).toBe('"\\u0000\\u001f\\b\\f\\n\\r\\t\\"\\\\/\u007f\u2028é"');
    expect(canonicalBytes({ 名称: '食品经营许可证' }).equals(Buffer.from('{"名称":"食品经营许可证"}', 'utf8'))).toBe(true);
  });

  it('refuses what is not JSON instead of dropping or coercing it', () => {
    for (const bad of [undefined, NaN, Infinity, 1n, () => 1, new Date(0), { a: undefined }, [1, undefined], { s: 'x\ud800y' }, '\udc00']) {
      expect(() => canonicalize(bad), typeof bad === 'object' ? JSON.stringify(bad) : String(bad)).toThrow(NotJsonError);
    }
    expect(() => canonicalize({ licence: { validUntil: new Date(0) } })).toThrow(/\$\.licence\.validUntil: a Date is not a JSON object/);
    expect(canonicalize(Object.assign(Object.create(null) as object, { b: 1, a: [] }))).toBe('{"a":[],"b":1}');
  });
});
