// How IAM matches its wildcard patterns (`*` any run of characters, `/` included; `?` one character):
// for the infra tests' reading of the synthesised policies. Actions match case-insensitively, ARNs
// and resources exactly.

/** Does the IAM pattern match `value` (resources, ARNs, execute-api paths: case-sensitive)? */
export function globMatches(pattern: string, value: string, flags = ''): boolean {
  return new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    flags,
  ).test(value);
}

/** Does an IAM action pattern match `action` (case-insensitive, as IAM compares actions)? */
export function actionMatches(pattern: string, action: string): boolean {
  return globMatches(pattern, action, 'i');
}

/**
 * The functions of a grants-by-function table that hold anything: `{ sealing: ['kms:Sign'] }` says
 * these, and no other function, hold a grant of that kind — whatever functions the app has.
 */
export function holdersOf<T extends readonly unknown[] | object>(table: Readonly<Record<string, T>>): Record<string, T> {
  return Object.fromEntries(Object.entries(table).filter(([, grant]) => (Array.isArray(grant) ? grant.length : Object.keys(grant).length) > 0));
}
