// Verifying a sealed document as the platform does (POST /v1/seals/verify): the seal against the
// published keys (jwks.ts: signature, digest, the key's department, a retired key's date), and then,
// for an e-licence, its status today — a genuine seal on a revoked or expired licence proves the
// document is unchanged, not that the licence still holds; nor does a genuine seal on a version an
// amendment superseded (000 §30): only the newest version is valid. The offline verifier (tongban verify)
// does the first part alone; it knows nothing of revocations.
import type { Licence, LicenceStatus } from '../licences/licence.ts';
import { LICENCE_DOCUMENT_TYPE, licenceStatus } from '../licences/licence.ts';
import { utf8Bytes } from '../bytes.ts';
import type { Jwks } from './jwks.ts';
import { verifySealWithJwks } from './jwks.ts';
import type { Seal } from './seal.ts';

export type DocumentCheckReason =
  | 'malformed'
  | 'unknown-key'
  | 'digest-mismatch'
  | 'bad-signature'
  | 'department-mismatch'
  | 'retired-key'
  | 'licence-revoked'
  | 'licence-expired'
  | 'licence-unknown'
  | 'licence-superseded';

export interface DocumentCheck {
  valid: boolean;
  reason?: DocumentCheckReason;
  detail?: string;
  department?: string;
  seal?: string;
  kid?: string;
  alg?: string;
  sealedAt?: string;
  /** The document's `type` member (tongban/decision, tongban/e-licence), when it has one. */
  documentType?: string;
  licenceStatus?: LicenceStatus;
  /** E-licences: the version the document is (1 for a document without one), and the licence's newest. */
  licenceVersion?: number;
  newestVersion?: number;
}

export async function checkSealedDocument(
  document: string,
  seal: Seal,
  jwks: Jwks,
  deps: { licenceOf: (id: string) => Promise<Licence | undefined>; today: string },
): Promise<DocumentCheck> {
  const check = verifySealWithJwks(utf8Bytes(document), seal, jwks);
  const header = check.header;
  const named: DocumentCheck = header
    ? { valid: false, department: header['tongban:department'], seal: header['tongban:seal'], kid: header.kid, alg: header.alg, sealedAt: header['tongban:sealedAt'] }
    : { valid: false };
  if (!check.valid) return { ...named, reason: check.reason, detail: check.detail };
  const parsed = parseObject(document);
  const documentType = typeof parsed?.type === 'string' ? parsed.type : undefined;
  const typed = documentType ? { ...named, documentType } : named;
  if (documentType !== LICENCE_DOCUMENT_TYPE) return { ...typed, valid: true };
  const id = typeof parsed?.id === 'string' ? parsed.id : '';
  const licence = id ? await deps.licenceOf(id) : undefined;
  if (!licence) return { ...typed, reason: 'licence-unknown', detail: `the platform has no record of licence ${id || '(no id)'}` };
  if (licence.issuer !== header!['tongban:department']) {
    return { ...typed, reason: 'department-mismatch', detail: `licence ${id} was issued by ${licence.issuer}, the seal is department ${header!['tongban:department']}'s` };
  }
  const status = licenceStatus(licence, deps.today);
  // A document without a version was sealed before versions were recorded: version 1 (the store reads its licence so).
  const newestVersion = licence.version;
  const licenceVersion = typeof parsed?.version === 'number' ? parsed.version : 1;
  const versioned = { ...typed, licenceStatus: status, licenceVersion, newestVersion };
  if (status === 'revoked') return { ...versioned, reason: 'licence-revoked', detail: `licence ${id} was revoked on ${licence.revocation!.on}: ${licence.revocation!.reason}` };
  if (status === 'expired') return { ...versioned, reason: 'licence-expired', detail: `licence ${id} expired after ${licence.validUntil}` };
  if (licenceVersion !== newestVersion) {
    return {
      ...versioned,
      reason: 'licence-superseded',
      detail: `the document is version ${licenceVersion} of licence ${id}; version ${newestVersion}${licence.amendedOn ? `, amended on ${licence.amendedOn},` : ''} supersedes it`,
    };
  }
  return { ...versioned, valid: true };
}

function parseObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
