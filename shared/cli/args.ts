// Checks of command-line values shared by the command groups: each failure is a usage error (exit 2).
import { readFile } from 'node:fs/promises';
import { UsageError } from './api-client.ts';

export function positiveInt(s: string, flag: string): number {
  const n = Number(s);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive whole number, got "${s}"`);
  return n;
}

/** `--base N` as a request's `baseVersion`, or nothing when it is not given. */
export function baseVersion(base: string | undefined): { baseVersion?: number } {
  return base === undefined ? {} : { baseVersion: positiveInt(base, '--base') };
}

/** The single value of a repeatable flag that a command needs exactly once. */
export function exactlyOne(values: string[] | undefined, flag: string, command: string): string {
  if (!values || values.length !== 1) throw new UsageError(`${command} needs one ${flag} <text>`);
  return values[0]!;
}

export function isoDate(s: string, flag: string): string {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) throw new UsageError(`${flag} must be a date YYYY-MM-DD, got "${s}"`);
  return s;
}

/** A JSON file's content; a file that cannot be read or parsed is the user's to fix. */
export async function readJsonFile(file: string, what: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as unknown;
  } catch (e) {
    throw new UsageError(`cannot read ${what} from ${file}: ${(e as Error).message}`);
  }
}

/** A JSON file holding an object: the object itself, or `{ "<key>": object }` (a request body). */
export async function readJsonObject(file: string, what: string, key: string): Promise<Record<string, unknown>> {
  const json = await readJsonFile(file, what);
  const inner = isObject(json) && key in json ? json[key] : json;
  if (!isObject(inner)) throw new UsageError(`${file} must hold a JSON object (${what})`);
  return inner;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
