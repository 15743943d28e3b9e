// The key pair a test or benchmark signs with for a principal of the embedded platform's credentials
// file: a named principal (department, reviewer, auditor) acts through its officers, by default its
// first; the others with their own key pair. No test framework here: the benchmarks use it too.
import { existsSync, readFileSync } from 'node:fs';
import type { CredentialsFile } from '../../infra/local/platform.ts';

/** The key pair `principal` acts with: its officer's (by default its first) for a named principal, its own otherwise or with `officer: null`. */
export function actingKeys(credentials: CredentialsFile, principal: string, officer?: string | null): { accessKeyId: string; secretAccessKey: string } {
  const p = credentials.principals[principal];
  if (!p) throw new Error(`no principal ${principal}`);
  const id = officer === undefined ? defaultOfficer(credentials, principal) : (officer ?? undefined);
  const keys = id === undefined ? p : p.officers?.[id];
  if (!keys) throw new Error(`no officer ${id} of ${principal}`);
  return { accessKeyId: keys.accessKeyId, secretAccessKey: keys.secretAccessKey };
}

/** The officer a test acts as for a named principal unless it names one: its first; none for a principal without officers. */
export function defaultOfficer(credentials: CredentialsFile, principal: string): string | undefined {
  return Object.keys(credentials.principals[principal]?.officers ?? {})[0];
}

/**
 * The CLI's arguments `args` acting as a test does: `--as <named principal>` without `--officer` gets
 * `--officer <its default officer>` (defaultOfficer) from the credentials file at `credentialsPath`.
 */
export function withDefaultOfficer(credentialsPath: string, args: readonly string[]): string[] {
  const as = args.indexOf('--as');
  const principal = as >= 0 ? args[as + 1] : undefined;
  if (principal === undefined || args.includes('--officer') || !existsSync(credentialsPath)) return [...args];
  const officer = defaultOfficer(JSON.parse(readFileSync(credentialsPath, 'utf8')) as CredentialsFile, principal);
  return officer === undefined ? [...args] : [...args, '--officer', officer];
}
