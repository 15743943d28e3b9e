// What the fuzzing test sends, as fast-check arbitraries: plans of requests — who signs, which path
// parameters, query pairs, headers and body — drawn as plain data and resolved against the platform's
// current state when each request is made (a valid example body of the moment, mutated as the plan
// says). Bounded throughout: no string over 70,000 characters, no array over 2,000 items.
import fc from 'fast-check';

/** Number literals JSON can carry but a double cannot hold exactly, or DynamoDB cannot store (sent as written). */
export const RAW_NUMBERS = [
  '9007199254740993',
  '-9007199254740993',
  '9007199254740992',
  '1e308',
  '-1e308',
  '1e-300',
  '1e-131',
  '1e-130',
  '1E+126',
  '1e400',
  '-1e400',
  '-0',
  '0.0',
  '4.9e-324',
  '1.7976931348623157e308',
  '123456789012345678901234567890',
  '0.30000000000000004',
  '1e21',
] as const;

const RAW_MARK = '\u0001raw:';

/** A number literal written into the JSON text as it is (`-0`, `1e400`: what JSON.stringify cannot write). */
export const raw = (token: string): string => `${RAW_MARK}${token}`;

/** The JSON text of `value`, with its raw number literals written as they are. */
export function jsonText(value: unknown): string {
  return (JSON.stringify(value) ?? 'null').replace(/"\\u0001raw:([^"]*)"/g, '$1');
}

/** An object with these own keys, `__proto__` among them as a plain key (as JSON.parse makes it). */
export function objectOf(entries: [string, unknown][]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  return o;
}

// ---- values ----

const ODD_STRINGS = [
  '',
  ' ',
  '\t\n',
  '..',
  '../..',
  '%00',
  '\u0000',
  '\ud800',
  '\udfff',
  '😀',
  '\u200b',
  '\u202e',
  'constructor',
  '__proto__',
  'prototype',
  'toString',
  'null',
  'undefined',
  'NaN',
  '-0',
  '9007199254740993',
  '1e308',
  "' OR '1'='1",
  '<script>alert(1)</script>',
  '${7*7}',
  '2026-02-30',
  '2026-13-01',
  '0000-00-00',
  '9999-12-31',
  '2026-12-10',
  '2026-09-01',
  '2026-08-31',
  '2026-02-29',
  '2028-02-29',
  '2099-12-31',
  '2100-01-01',
  '0001-01-01',
  '+002026-09-01',
  '2026-9-1',
  '2026-11-23T02:00:00Z',
  'uploads/../cases/x',
  'uploads/..%2F..%2Fx',
  '/uploads/x',
  'uploads/',
  'cases/20260901AAAAAAAAAA/x',
  '1.2.156.3005.2.YYZZ.11530100015283015900.0001.1.X',
  '中文',
  '張三',
  'ａｂｃ',
];

/** Chinese text (CJK unified ideographs). */
export const chinese = fc.string({ unit: fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 40 });

const longString = fc.tuple(fc.constantFrom('x', '汉', '😀', 'ab c'), fc.constantFrom(101, 201, 1001, 2049, 20_000, 70_000)).map(([s, n]) => s.repeat(n));

export const oddString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
  { weight: 2, arbitrary: chinese },
  { weight: 1, arbitrary: longString },
);

export const oddNumber = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...RAW_NUMBERS).map(raw) },
  { weight: 2, arbitrary: fc.constantFrom(0, -1, 1, 1.5, 0.1, 2 ** 53 - 1, -(2 ** 53 - 1), 2 ** 31, 1e-130, 1e125, Number.MIN_VALUE) },
  { weight: 1, arbitrary: fc.integer() },
  { weight: 1, arbitrary: fc.double({ noNaN: true, noDefaultInfinity: true }) },
);

export const oddKey = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom('constructor', '__proto__', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '', ' ', '中文键', 'a.b', '$where', '0', '\u0000', '😀'),
  },
  { weight: 1, arbitrary: fc.constant('k'.repeat(201)) },
  { weight: 2, arbitrary: fc.string({ maxLength: 10 }) },
);

/** Values shaped like the platform's own records, with something wrong: what a careless client sends in place of a material. */
const nearValid = fc.constantFrom<unknown>(
  { kind: 'licence', licenceId: '1.2.156.3005.2.YYZZ.11530100015283015900.0001.1.X' },
  { kind: 'licence', licenceId: '' },
  { kind: 'licence' },
  { kind: 'upload', objectKey: 'uploads/../cases/x', sha256: '0'.repeat(64), size: 1, contentType: 'application/pdf' },
  { kind: 'upload', objectKey: 'cases/20260901AAAAAAAAAA/x', sha256: 'a'.repeat(64), size: 1e308, contentType: 'application/pdf' },
  { kind: 'upload', objectKey: 'uploads/x', sha256: 'A'.repeat(64), size: -1, contentType: 'text/html' },
  { kind: 'other' },
  { material: 'form', problem: '表格不全' },
  { material: '不存在的材料', problem: 'x' },
);

const leaf = fc.oneof(
  { weight: 3, arbitrary: oddNumber },
  { weight: 3, arbitrary: oddString },
  { weight: 1, arbitrary: fc.constantFrom(true, false, null) },
  { weight: 1, arbitrary: nearValid },
);

/** Nests `inner` `depth` levels deep, arrays and objects by turns. */
export function nest(inner: unknown, depth: number): unknown {
  let v = inner;
  for (let i = 0; i < depth; i++) v = i % 2 === 0 ? [v] : objectOf([['a', v]]);
  return v;
}

const deepValue = fc.tuple(fc.constantFrom(15, 16, 17, 31, 32, 33, 64, 1000), leaf).map(([depth, inner]) => nest(inner, depth));

/** Any JSON value of odd parts: odd numbers, strings and keys, a few levels deep, or very deep. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: leaf },
  {
    weight: 3,
    arbitrary: fc.letrec<{ value: unknown; array: unknown[]; object: Record<string, unknown> }>((tie) => ({
      value: fc.oneof({ depthSize: 'small' }, leaf, tie('array'), tie('object')),
      array: fc.array(tie('value'), { maxLength: 4 }),
      object: fc.array(fc.tuple(oddKey, tie('value')), { maxLength: 4 }).map(objectOf),
    })).value,
  },
  { weight: 1, arbitrary: deepValue },
);

// ---- mutations of a valid body ----

export interface Mutation {
  /** Which node (of the value's nodes in depth-first order, modulo their number). */
  at: number;
  op: 'replace' | 'delete' | 'add' | 'grow' | 'wrap';
  value: unknown;
  key: string;
  n: number;
}

export const mutation: fc.Arbitrary<Mutation> = fc.record({
  at: fc.nat(),
  op: fc.constantFrom('replace', 'replace', 'replace', 'delete', 'add', 'add', 'grow', 'wrap'),
  value: oddValue,
  key: oddKey,
  n: fc.constantFrom(2, 17, 33, 101, 201, 1001, 2049, 20_000),
});

/** `value` with the mutations applied in turn (a copy: `value` is left as it was). */
export function mutate(value: unknown, mutations: readonly Mutation[]): unknown {
  let v = copy(value);
  for (const m of mutations) v = applyMutation(v, m);
  return v;
}

function applyMutation(root: unknown, plan: Mutation): unknown {
  // A copy of the value put in: the plan's value is fast-check's (and a constant may be shared), the
  // value mutated is ours alone, every part of it once (no part shared, none within itself).
  const m = { ...plan, value: copy(plan.value) };
  const nodes = nodePaths(root);
  const path = nodes[m.at % nodes.length]!;
  const node = at(root, path);
  switch (m.op) {
    case 'replace':
      return setAt(root, path, m.value);
    case 'delete':
      return path.length === 0 ? root : removeAt(root, path);
    case 'add':
      if (Array.isArray(node)) node.push(m.value);
      else if (isObject(node)) Object.defineProperty(node, m.key, { value: m.value, enumerable: true, writable: true, configurable: true });
      else return setAt(root, path, objectOf([[m.key, m.value]]));
      return root;
    case 'grow':
      return setAt(root, path, grown(node, m));
    case 'wrap':
      return setAt(root, path, nest(node, m.n % 40));
  }
}

/** `node` made long: an array or object of up to m.n (at most 2,000) entries, but never much over MAX_SENT_BODY as JSON; a string of up to 70,000 characters. */
function grown(node: unknown, m: Mutation): unknown {
  const entry = Array.isArray(node) && node.length > 0 ? jsonText(node).length / node.length : jsonText(m.value).length;
  const n = Math.max(1, Math.min(m.n, 2_000, Math.floor(MAX_SENT_BODY / Math.max(entry, 1))));
  if (Array.isArray(node)) return Array.from({ length: n }, (_, i) => copy(node.length > 0 ? node[i % node.length] : m.value));
  if (typeof node === 'string') return (node || 'x').repeat(Math.ceil(Math.min(m.n, 70_000) / Math.max(node.length, 1)));
  if (isObject(node)) return objectOf([...Object.entries(node), ...Array.from({ length: n }, (_, i): [string, unknown] => [`k${i}`, copy(m.value)])]);
  return m.value;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function copy(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copy);
  if (isObject(v)) return objectOf(Object.keys(v).map((k) => [k, copy(Reflect.get(v, k))]));
  return v;
}

/** The paths of a value's nodes, depth first, the root first (at most 500). */
function nodePaths(root: unknown): PropertyKey[][] {
  const out: PropertyKey[][] = [];
  const stack: [unknown, PropertyKey[]][] = [[root, []]];
  while (stack.length > 0 && out.length < 500) {
    const [v, path] = stack.pop()!;
    out.push(path);
    if (Array.isArray(v)) v.forEach((c, i) => stack.push([c, [...path, i]]));
    else if (isObject(v)) for (const k of Object.keys(v)) stack.push([Reflect.get(v, k), [...path, k]]);
  }
  return out;
}

function at(root: unknown, path: PropertyKey[]): unknown {
  let v = root;
  for (const k of path) v = Reflect.get(v as object, k);
  return v;
}

function setAt(root: unknown, path: PropertyKey[], value: unknown): unknown {
  if (path.length === 0) return value;
  const parent = at(root, path.slice(0, -1)) as object;
  Object.defineProperty(parent, path[path.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
  return root;
}

function removeAt(root: unknown, path: PropertyKey[]): unknown {
  const parent = at(root, path.slice(0, -1));
  const key = path[path.length - 1]!;
  if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else Reflect.deleteProperty(parent as object, key);
  return root;
}

// ---- bodies ----

export type BodyPlan =
  | { kind: 'none' }
  /** The route's valid example of the moment, mutated (or not, with no mutations). */
  | { kind: 'example'; mutations: Mutation[] }
  /** The example's JSON text, cut short. */
  | { kind: 'truncated'; mutations: Mutation[]; cut: number }
  | { kind: 'value'; value: unknown }
  | { kind: 'text'; text: string };

const BAD_TEXTS = [
  '',
  ' ',
  '\n',
  'null',
  'true',
  '0',
  '-0',
  '1e400',
  '"text"',
  '[]',
  '{}',
  '{',
  '}',
  '{"a":1,}',
  "{'a':1}",
  '{"a":NaN}',
  '{"a":Infinity}',
  '{"a":undefined}',
  'NaN',
  '\ufeff{}',
  '{"a":1}{"b":2}',
  '{"a":1} trailing',
  '\u0000',
  '{"a":"\u0000"}',
  '<xml/>',
  'a=1&b=2',
  '{"__proto__":{"polluted":1}}',
  '{"constructor":{"prototype":{"polluted":1}}}',
  '{"a":1,"a":2}',
  `${'['.repeat(100_000)}${']'.repeat(100_000)}`,
  `${'{"a":'.repeat(60_000)}1${'}'.repeat(60_000)}`,
  `{"a":"${'x'.repeat(300_000)}"}`,
];

export function bodyPlan(routeTakesBody: boolean): fc.Arbitrary<BodyPlan> {
  const mutations = fc.array(mutation, { minLength: 1, maxLength: 3 });
  const text = fc.oneof(fc.constantFrom(...BAD_TEXTS), fc.string({ unit: 'binary', maxLength: 50 }));
  if (!routeTakesBody) {
    return fc.oneof(
      { weight: 8, arbitrary: fc.constant<BodyPlan>({ kind: 'none' }) },
      { weight: 1, arbitrary: oddValue.map((value): BodyPlan => ({ kind: 'value', value })) },
      { weight: 1, arbitrary: text.map((t): BodyPlan => ({ kind: 'text', text: t })) },
    );
  }
  return fc.oneof(
    { weight: 3, arbitrary: fc.constant<BodyPlan>({ kind: 'example', mutations: [] }) },
    { weight: 21, arbitrary: mutations.map((m): BodyPlan => ({ kind: 'example', mutations: m })) },
    { weight: 3, arbitrary: fc.record({ mutations: fc.array(mutation, { maxLength: 1 }), cut: fc.nat() }).map((p): BodyPlan => ({ kind: 'truncated', ...p })) },
    { weight: 5, arbitrary: oddValue.map((value): BodyPlan => ({ kind: 'value', value })) },
    { weight: 4, arbitrary: text.map((t): BodyPlan => ({ kind: 'text', text: t })) },
    { weight: 2, arbitrary: fc.constant<BodyPlan>({ kind: 'none' }) },
  );
}

/** The longest body sent: over the edge's 256 KiB (a 413), far under the gateway's 10 MB. */
export const MAX_SENT_BODY = 400_000;

/** The body text a plan makes of the route's example of the moment (undefined: no body at all), at most MAX_SENT_BODY characters. */
export function bodyText(plan: BodyPlan, example: unknown): string | undefined {
  const text = unboundedBodyText(plan, example);
  return text === undefined || text.length <= MAX_SENT_BODY ? text : text.slice(0, MAX_SENT_BODY);
}

function unboundedBodyText(plan: BodyPlan, example: unknown): string | undefined {
  switch (plan.kind) {
    case 'none':
      return undefined;
    case 'example':
      return jsonText(mutate(example ?? {}, plan.mutations));
    case 'truncated': {
      const t = jsonText(mutate(example ?? {}, plan.mutations));
      return t.slice(0, plan.cut % Math.max(t.length, 1));
    }
    case 'value':
      return jsonText(plan.value);
    case 'text':
      return plan.text;
  }
}

// ---- path, query, headers, signer ----

/** A path parameter: one of the route's real values of the moment, or junk written raw or encoded. */
export type ParamPlan = { kind: 'valid'; pick: number } | { kind: 'junk'; value: string; encoding: 'component' | 'raw' | 'double' };

const JUNK_SEGMENTS = [
  '..',
  '.',
  '%00',
  '%2e%2e',
  '%2F',
  '%252e',
  '%ZZ',
  '%',
  'constructor',
  '__proto__',
  'prototype',
  'toString',
  '9007199254740993',
  '1e308',
  '1e-300',
  '-0',
  '-1',
  '0',
  'NaN',
  'Infinity',
  'latest',
  'LATEST',
  ' ',
  '中文',
  '😀',
  'A'.repeat(64),
  'A'.repeat(65),
  '1'.repeat(300),
  'A'.repeat(5_000),
  // With the rest of the request, over Node's 16 KiB of request line and headers: 431, in the envelope.
  'A'.repeat(20_000),
  'null',
  '<script>',
  "' OR '1'='1",
  '../../etc/passwd',
  '2026',
  '2007',
  '2100',
  '20261123ABCDEFGHIJ',
];

export const paramPlan: fc.Arbitrary<ParamPlan> = fc.oneof(
  { weight: 3, arbitrary: fc.nat().map((pick): ParamPlan => ({ kind: 'valid', pick })) },
  {
    weight: 4,
    arbitrary: fc
      .record({
        value: fc.oneof(fc.constantFrom(...JUNK_SEGMENTS), fc.string({ unit: 'binary', minLength: 1, maxLength: 40 }), chinese),
        encoding: fc.constantFrom('component', 'raw', 'double'),
      })
      .map((p): ParamPlan => ({ kind: 'junk', ...p })),
  },
);

/** A path segment as sent: raw where the characters allow it (never `/`, `?` or `#`, which would change the request's shape). */
export function segment(value: string, encoding: 'component' | 'raw' | 'double'): string {
  if (encoding === 'raw' && /^[\x21-\x7e]+$/.test(value) && !/[/?#]/.test(value)) return value;
  const once = encodeURIComponent(value);
  return encoding === 'double' ? encodeURIComponent(once) : once;
}

export type PathShape = 'plain' | 'trailing-slash' | 'double-slash' | 'dot-segment' | 'upper-case';
export const pathShape: fc.Arbitrary<PathShape> = fc.oneof(
  { weight: 12, arbitrary: fc.constant<PathShape>('plain') },
  { weight: 1, arbitrary: fc.constantFrom<PathShape>('trailing-slash', 'double-slash', 'dot-segment', 'upper-case') },
);

export function shapedPath(path: string, shape: PathShape): string {
  switch (shape) {
    case 'plain':
      return path;
    case 'trailing-slash':
      return `${path}/`;
    case 'double-slash':
      return path.replace('/v1/', '/v1//');
    case 'dot-segment':
      return path.replace('/v1/', '/v1/x/../');
    case 'upper-case':
      return path.toUpperCase();
  }
}

/**
 * A query pair: a key the route reads (by its index) or an odd one; a valid value of the moment, junk,
 * or (as the `cursor`) a real cursor of the route's own query with its content mutated.
 */
export interface QueryPair {
  key: { kind: 'known'; pick: number } | { kind: 'odd'; key: string };
  value: { kind: 'valid'; pick: number } | { kind: 'odd'; value: string } | { kind: 'cursor'; mutations: Mutation[] };
}

/**
 * A cursor (base64url JSON, as the stores make them) with its content mutated, encoded again: at most
 * 3,000 characters (over the 2,048 a cursor may have, far under the 16 KiB a request line may: a longer
 * one is answered 431 before the client has written it, which it reads as a broken pipe).
 */
export function tamperedCursor(real: string, mutations: readonly Mutation[]): string {
  let content: unknown;
  try {
    content = JSON.parse(Buffer.from(real, 'base64url').toString('utf8'));
  } catch {
    content = real;
  }
  return Buffer.from(jsonText(mutate(content, mutations)), 'utf8')
    .toString('base64url')
    .slice(0, 3_000);
}

const ODD_QUERY_VALUES = [
  '',
  '0',
  '-1',
  '1',
  '20',
  '100',
  '101',
  '-0',
  '1e308',
  '9007199254740993',
  '1e-300',
  '1.5',
  'NaN',
  'Infinity',
  '0x10',
  ' 5',
  'abc',
  'received',
  'bogus',
  'true',
  'eyJhIjoxfQ',
  'eyJfX3Byb3RvX18iOnsieCI6MX19',
  'eyJwayI6eyJTIjoieCJ9fQ==',
  '{"pk":"x"}',
  'x'.repeat(2048),
  'x'.repeat(2049),
  '中文',
  '\u0000',
];

export const queryPairs: fc.Arbitrary<QueryPair[]> = fc.array(
  fc.record({
    key: fc.oneof(
      { weight: 4, arbitrary: fc.nat().map((pick) => ({ kind: 'known' as const, pick })) },
      { weight: 1, arbitrary: fc.constantFrom('constructor', '__proto__', 'prototype', 'x', '', 'LIMIT', 'limit[]', 'a.b').map((key) => ({ kind: 'odd' as const, key })) },
    ),
    value: fc.oneof(
      { weight: 2, arbitrary: fc.nat().map((pick) => ({ kind: 'valid' as const, pick })) },
      { weight: 1, arbitrary: fc.array(mutation, { minLength: 1, maxLength: 2 }).map((mutations) => ({ kind: 'cursor' as const, mutations })) },
      {
        weight: 3,
        arbitrary: fc
          .oneof(fc.constantFrom(...ODD_QUERY_VALUES), fc.base64String({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 30 }))
          .map((value) => ({ kind: 'odd' as const, value })),
      },
    ),
  }),
  { maxLength: 4 },
);

/** Header values Node can send (Latin-1 without control characters), odd ones among them. */
const ODD_HEADER_VALUES = [
  '',
  ' ',
  'a b',
  'x'.repeat(128),
  'x'.repeat(129),
  'x'.repeat(8000),
  'é',
  'ÿ',
  '..',
  '%00',
  '../../etc/passwd',
  'constructor',
  '__proto__',
  '"quoted"',
  'k;v,w',
  '1e308',
];
const printableAscii = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 });

export type IdempotencyPlan = { kind: 'none' } | { kind: 'fresh'; signed: boolean } | { kind: 'fixed'; signed: boolean } | { kind: 'odd'; value: string; signed: boolean };

export const idempotencyPlan: fc.Arbitrary<IdempotencyPlan> = fc.oneof(
  { weight: 2, arbitrary: fc.constant<IdempotencyPlan>({ kind: 'none' }) },
  { weight: 4, arbitrary: fc.constant<IdempotencyPlan>({ kind: 'fresh', signed: true }) },
  { weight: 1, arbitrary: fc.constant<IdempotencyPlan>({ kind: 'fresh', signed: false }) },
  { weight: 1, arbitrary: fc.boolean().map((signed): IdempotencyPlan => ({ kind: 'fixed', signed })) },
  {
    weight: 2,
    arbitrary: fc.record({ value: fc.oneof(fc.constantFrom(...ODD_HEADER_VALUES), printableAscii), signed: fc.boolean() }).map((p): IdempotencyPlan => ({ kind: 'odd', ...p })),
  },
);

export const contentType: fc.Arbitrary<string | null> = fc.oneof(
  { weight: 12, arbitrary: fc.constant('application/json') },
  { weight: 1, arbitrary: fc.constant(null) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      'text/plain',
      'application/x-www-form-urlencoded',
      'application/json; charset=utf-16',
      'APPLICATION/JSON',
      'application/jsonx',
      'multipart/form-data; boundary=x',
      '',
      'application/json;;;',
      '*/*',
      'application/xml',
    ),
  },
);

export const extraHeaders: fc.Arbitrary<[string, string][]> = fc.oneof(
  { weight: 8, arbitrary: fc.constant<[string, string][]>([]) },
  {
    weight: 2,
    arbitrary: fc.array(
      fc.constantFrom<[string, string]>(
        ['x-amz-content-sha256', '0'.repeat(64)],
        ['x-amz-content-sha256', 'UNSIGNED-PAYLOAD'],
        ['content-encoding', 'gzip'],
        ['x-forwarded-for', '127.0.0.1, ::1'],
        ['x-http-method-override', 'DELETE'],
        ['accept-language', 'zh-CN'],
        ['x-amz-security-token', 'junk'],
        ['x-oversized', 'x'.repeat(20_000)],
        ['constructor', 'x'],
        ['__proto__', 'x'],
        ['toString', '1'],
      ),
      { minLength: 1, maxLength: 2 },
    ),
  },
);

export type SignerPlan =
  | { kind: 'home' | 'any'; pick: number }
  | { kind: 'unsigned' | 'unknown-key' }
  | { kind: 'wrong-secret' | 'expired' | 'wrong-region' | 'tampered' | 'foreign-host'; pick: number }
  | { kind: 'malformed'; authorization: string };

export const signerPlan: fc.Arbitrary<SignerPlan> = fc.oneof(
  { weight: 16, arbitrary: fc.nat().map((pick): SignerPlan => ({ kind: 'home', pick })) },
  { weight: 5, arbitrary: fc.nat().map((pick): SignerPlan => ({ kind: 'any', pick })) },
  {
    weight: 4,
    arbitrary: fc.oneof(
      fc.constantFrom<SignerPlan>({ kind: 'unsigned' }, { kind: 'unknown-key' }),
      fc.record({ kind: fc.constantFrom('wrong-secret', 'expired', 'wrong-region', 'tampered', 'foreign-host'), pick: fc.nat() }),
      fc
        .oneof(
          fc.constantFrom(
            'AWS4-HMAC-SHA256',
            'Bearer x',
            'Basic dXNlcjpwYXNz',
            'AWS4-HMAC-SHA256 Credential=a/b/c/d/aws4_request, SignedHeaders=host, Signature=zz',
            `AWS4-HMAC-SHA256 Credential=AKID/20261123/cn-north-1/execute-api/aws4_request, SignedHeaders=x-amz-date, Signature=${'0'.repeat(64)}`,
          ),
          printableAscii,
        )
        .map((authorization): SignerPlan => ({ kind: 'malformed', authorization })),
    ),
  },
);

/**
 * The part of a request made odd: the others are sent as the route is meant to be called (its home
 * principal, real parameters, a valid query, a fresh signed Idempotency-Key, its example body), so
 * that each odd part reaches as deep as it can; `all` makes every part odd at once, `none` none.
 */
export type Focus = 'body' | 'path' | 'query' | 'headers' | 'signer' | 'all' | 'none';

export const focus: fc.Arbitrary<Focus> = fc.oneof(
  { weight: 10, arbitrary: fc.constant<Focus>('body') },
  { weight: 3, arbitrary: fc.constant<Focus>('path') },
  { weight: 2, arbitrary: fc.constant<Focus>('query') },
  { weight: 3, arbitrary: fc.constant<Focus>('headers') },
  { weight: 2, arbitrary: fc.constant<Focus>('signer') },
  { weight: 3, arbitrary: fc.constant<Focus>('all') },
  { weight: 2, arbitrary: fc.constant<Focus>('none') },
);

/** One request, as data: resolved against the route and the platform's state of the moment. */
export interface RequestPlan {
  focus: Focus;
  signer: SignerPlan;
  /** With the path: the route's method, or another (API Gateway knows no other route for it). */
  method: 'route' | 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH' | 'OPTIONS';
  shape: PathShape;
  params: ParamPlan[];
  query: QueryPair[];
  idempotency: IdempotencyPlan;
  contentType: string | null;
  extraHeaders: [string, string][];
  body: BodyPlan;
}

export function requestPlan(paramCount: number, takesBody: boolean): fc.Arbitrary<RequestPlan> {
  return fc.record({
    focus,
    signer: signerPlan,
    method: fc.oneof({ weight: 8, arbitrary: fc.constant('route' as const) }, { weight: 2, arbitrary: fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS') }),
    shape: pathShape,
    params: fc.array(paramPlan, { minLength: paramCount, maxLength: paramCount }),
    query: queryPairs,
    idempotency: idempotencyPlan,
    contentType,
    extraHeaders,
    body: bodyPlan(takesBody),
  });
}
