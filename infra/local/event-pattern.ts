// Event patterns, as EventBridge rules and Lambda event filtering (event source mapping
// FilterCriteria) write them: a JSON object whose leaves are arrays of allowed values; an event
// matches when every field the pattern names matches one of its values. Shared by the local
// EventBridge stand-in (eventbridge-server.ts) and the local DynamoDB Streams event source mapping
// (dynamodb-streams.ts).
//
// Supported: exact values (string, number, boolean, null), `{"prefix": s}`, `{"suffix": s}`,
// `{"equals-ignore-case": s}`, `{"anything-but": v | [v…] | {"prefix": s}}`, `{"exists": bool}`,
// `{"numeric": [op, n, (op, n)]}` with ops < <= = >= >; nested objects; an array in the event matches
// when any of its elements does. Not supported (refused by `compilePattern`): `wildcard`, `cidr`,
// `$or`, `anything-but` with `suffix` / `wildcard` / `equals-ignore-case`. Numbers compare as
// JavaScript numbers (EventBridge compares to 6 decimal places).

export type EventPattern = Readonly<Record<string, unknown>>;

/** A pattern that is not one this module supports, or not a valid pattern at all. */
export class InvalidEventPatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidEventPatternError';
  }
}

const NUMERIC_OPS = new Set(['<', '<=', '=', '>=', '>']);

/** Parses (when text) and checks a pattern; answers it, or throws InvalidEventPatternError. */
export function compilePattern(pattern: string | EventPattern): EventPattern {
  let parsed: unknown = pattern;
  if (typeof pattern === 'string') {
    try {
      parsed = JSON.parse(pattern);
    } catch {
      throw new InvalidEventPatternError('Event pattern is not valid JSON');
    }
  }
  checkObject(parsed, '');
  return parsed as EventPattern;
}

function checkObject(node: unknown, path: string): void {
  if (typeof node !== 'object' || node === null || Array.isArray(node)) throw new InvalidEventPatternError(`Event pattern ${path || '(root)'} must be an object`);
  const entries = Object.entries(node);
  if (entries.length === 0) throw new InvalidEventPatternError(`Event pattern ${path || '(root)'} is empty`);
  for (const [key, value] of entries) {
    if (key.startsWith('$')) throw new InvalidEventPatternError(`Unsupported event pattern key ${key}`);
    const at = path ? `${path}.${key}` : key;
    if (Array.isArray(value)) {
      if (value.length === 0) throw new InvalidEventPatternError(`Event pattern ${at} has no values`);
      for (const v of value) checkLeaf(v, at);
    } else checkObject(value, at);
  }
}

function checkLeaf(value: unknown, at: string): void {
  if (value === null || typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return;
  if (typeof value !== 'object' || Array.isArray(value)) throw new InvalidEventPatternError(`Event pattern ${at} has an invalid value`);
  const keys = Object.keys(value);
  if (keys.length !== 1) throw new InvalidEventPatternError(`Event pattern ${at}: a matcher object has exactly one key`);
  const op = keys[0]!;
  const arg = (value as Record<string, unknown>)[op];
  switch (op) {
    case 'prefix':
    case 'suffix':
    case 'equals-ignore-case':
      if (typeof arg !== 'string') throw new InvalidEventPatternError(`Event pattern ${at}: ${op} takes a string`);
      return;
    case 'exists':
      if (typeof arg !== 'boolean') throw new InvalidEventPatternError(`Event pattern ${at}: exists takes true or false`);
      return;
    case 'numeric': {
      const ok = Array.isArray(arg) && (arg.length === 2 || arg.length === 4) && arg.every((a, i) => (i % 2 === 0 ? NUMERIC_OPS.has(a as string) : typeof a === 'number'));
      if (!ok) throw new InvalidEventPatternError(`Event pattern ${at}: numeric takes [op, number] or [op, number, op, number]`);
      return;
    }
    case 'anything-but': {
      const values = Array.isArray(arg) ? arg : [arg];
      for (const v of values) {
        if (v === null || typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') continue;
        const inner = typeof v === 'object' && !Array.isArray(v) ? Object.keys(v as object) : [];
        if (inner.length === 1 && inner[0] === 'prefix' && typeof (v as { prefix?: unknown }).prefix === 'string' && !Array.isArray(arg)) continue;
        throw new InvalidEventPatternError(`Event pattern ${at}: unsupported anything-but value`);
      }
      return;
    }
    default:
      throw new InvalidEventPatternError(`Event pattern ${at}: unsupported matcher ${op}`);
  }
}

/** Whether `event` matches `pattern` (compiled by compilePattern). */
export function matchesPattern(pattern: EventPattern, event: unknown): boolean {
  return matchObject(pattern, event);
}

/** Whether `event` matches any of `patterns` (Lambda's FilterCriteria: the filters are OR'ed); no patterns: every event. */
export function matchesAny(patterns: readonly EventPattern[], event: unknown): boolean {
  return patterns.length === 0 || patterns.some((p) => matchesPattern(p, event));
}

function matchObject(pattern: Readonly<Record<string, unknown>>, node: unknown): boolean {
  const obj = typeof node === 'object' && node !== null && !Array.isArray(node) ? (node as Record<string, unknown>) : undefined;
  for (const [key, expected] of Object.entries(pattern)) {
    const present = obj !== undefined && Object.hasOwn(obj, key);
    const value = present ? obj[key] : undefined;
    if (Array.isArray(expected)) {
      if (!matchLeaf(expected, present, value)) return false;
    } else if (!present || !matchObject(expected as Record<string, unknown>, value)) return false;
  }
  return true;
}

function matchLeaf(allowed: readonly unknown[], present: boolean, value: unknown): boolean {
  const values = Array.isArray(value) ? (value as unknown[]) : [value];
  return allowed.some((matcher) => {
    if (typeof matcher === 'object' && matcher !== null && 'exists' in matcher) return (matcher as { exists: boolean }).exists === present;
    if (!present) return false;
    return values.some((v) => matchValue(matcher, v));
  });
}

function matchValue(matcher: unknown, v: unknown): boolean {
  if (matcher === null || typeof matcher !== 'object') return matcher === v;
  const [op, arg] = Object.entries(matcher as Record<string, unknown>)[0]!;
  switch (op) {
    case 'prefix':
      return typeof v === 'string' && v.startsWith(arg as string);
    case 'suffix':
      return typeof v === 'string' && v.endsWith(arg as string);
    case 'equals-ignore-case':
      return typeof v === 'string' && v.toLowerCase() === (arg as string).toLowerCase();
    case 'numeric': {
      if (typeof v !== 'number') return false;
      const spec = arg as (string | number)[];
      for (let i = 0; i < spec.length; i += 2) if (!compare(v, spec[i] as string, spec[i + 1] as number)) return false;
      return true;
    }
    case 'anything-but': {
      if (typeof arg === 'object' && arg !== null && !Array.isArray(arg)) return typeof v === 'string' && !v.startsWith((arg as { prefix: string }).prefix);
      const excluded = Array.isArray(arg) ? (arg as unknown[]) : [arg];
      return !excluded.includes(v);
    }
    default:
      return false;
  }
}

function compare(v: number, op: string, n: number): boolean {
  switch (op) {
    case '<':
      return v < n;
    case '<=':
      return v <= n;
    case '=':
      return v === n;
    case '>=':
      return v >= n;
    default:
      return v > n;
  }
}
