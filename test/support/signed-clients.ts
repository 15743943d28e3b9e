// Signed API clients for the tests' principals, from an embedded platform's credentials file, and
// the CLI run in process, and uploads: what every end-to-end test calls the platform with.
import { createHash, randomUUID } from 'node:crypto';
import { vi } from 'vitest';
import type { CredentialsFile } from '../../infra/local/platform.ts';
import { actingKeys, defaultOfficer, withDefaultOfficer } from './acting-keys.ts';
import { ApiClient } from '../../shared/cli/api-client.ts';
import type { ApiResponse } from '../../shared/cli/api-client.ts';
import { main } from '../../shared/cli/main.ts';
import type { UploadedMaterial } from '../../shared/cli/upload.ts';
import { uploadMaterials } from '../../shared/cli/upload.ts';

/**
 * `as(principal, officer?)`: a client signing as that principal with its key pair from `credentials`;
 * for a named principal (department, reviewer, auditor) its officer's, by default its first
 * (defaultOfficer). `officer: null` signs with the principal's own key pair, which names no officer.
 */
export function signedClients(platform: () => { endpoint: string; credentials: CredentialsFile }): (principal: string, officer?: string | null) => ApiClient {
  return (principal, officer) => {
    const { endpoint, credentials } = platform();
    return new ApiClient({ endpoint, region: credentials.region, credentials: actingKeys(credentials, principal, officer) });
  };
}

export { actingKeys, defaultOfficer };

/**
 * Runs `tongban …` through its main function with `--credentials`; answers the exit code and what it
 * printed. `--as <named principal>` without `--officer` acts as its default officer (defaultOfficer).
 */
export async function runCli(credentialsPath: string, ...args: string[]): Promise<{ code: number; out: string; err: string }> {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    const code = await main([...withDefaultOfficer(credentialsPath, args), '--credentials', credentialsPath]);
    return { code, out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    error.mockRestore();
  }
}

/** Uploads a small PDF with `content` through a presigned slot, as the CLI does; answers what a filing names. */
export async function uploadPdf(client: ApiClient, content: string): Promise<UploadedMaterial> {
  return uploadBytes(client, Buffer.from(`%PDF-1.7\n${content}\n%%EOF\n`));
}

/** Uploads `bytes` as a file of `contentType` (default PDF), whatever they are, as the CLI does. */
export async function uploadBytes(client: ApiClient, bytes: Buffer, contentType = 'application/pdf'): Promise<UploadedMaterial> {
  const name = createHash('sha256').update(bytes).digest('hex');
  const material = { name, path: '(memory)', bytes, contentType, size: bytes.length, sha256: name };
  return (await uploadMaterials(client, [material]))[name]!;
}

/**
 * Files a case of `guide` as the channel `client` is, with a PDF uploaded for each required material
 * (under a new Idempotency-Key); answers the API's response.
 */
export async function fileWithRequiredMaterials(
  client: ApiClient,
  guide: { implementationCode: string; materials: readonly { name: string; required: boolean }[] },
  applicant: unknown,
): Promise<ApiResponse> {
  const materials = Object.fromEntries(await Promise.all(guide.materials.filter((m) => m.required).map(async (m) => [m.name, await uploadPdf(client, m.name)] as const)));
  return client.request('POST', '/v1/cases', { headers: { 'Idempotency-Key': randomUUID() }, body: { itemCode: guide.implementationCode, applicant, form: {}, materials } });
}
