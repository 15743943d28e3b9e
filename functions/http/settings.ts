// A function's settings from its environment, checked once when it starts: a bad value stops the
// function from starting rather than letting it run under a wrong rule.

/** The whole number in `env[name]` from `min` to `most`, or undefined when unset or empty. */
export function wholeNumberSetting(env: Record<string, string | undefined>, name: string, min: number, most: number): number | undefined {
  const value = env[name];
  if (value === undefined || value === '') return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > most) throw new Error(`${name}=${value}: expected a whole number from ${min} to ${most}`);
  return n;
}
