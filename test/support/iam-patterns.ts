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
