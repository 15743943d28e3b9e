// Who is signed in: a principal (and, for departments, the reviewer and auditors, the named officer)
// with the credentials its requests are signed with. Kept in sessionStorage, so it ends with the tab
// (and, for a federated sign-in's temporary credentials, when they expire).
import { AwsClient } from 'aws4fetch';

export type Role = 'department' | 'channel' | 'platform' | 'auditor';

export interface Session {
  principal: string;
  role: Role;
  departmentId?: string;
  channelId?: string;
  /** The person acting: a named principal's officer, or a hall window's clerk signed in through the identity provider (a channel's calls name none). */
  officer?: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** When temporary credentials (a federated sign-in's) stop working, ms since the epoch: the console signs out then. */
  expiresAt?: number;
  region: string;
}

const KEY = 'tongban.session';

export function loadSession(): Session | undefined {
  const raw = sessionStorage.getItem(KEY);
  if (!raw) return undefined;
  try {
    return JSON.parse(raw) as Session;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session | undefined): void {
  if (session) sessionStorage.setItem(KEY, JSON.stringify(session));
  else sessionStorage.removeItem(KEY);
}

/** What a request is signed with: a session's key pair (and token), in its region. */
export type SigningKeys = Pick<Session, 'accessKeyId' | 'secretAccessKey' | 'sessionToken' | 'region'>;

/** A signer for `service` (execute-api for the API, s3 for the archive) with the session's credentials. */
export function signer(session: SigningKeys, service: 'execute-api' | 's3'): AwsClient {
  return new AwsClient({
    accessKeyId: session.accessKeyId,
    secretAccessKey: session.secretAccessKey,
    ...(session.sessionToken ? { sessionToken: session.sessionToken } : {}),
    service,
    region: session.region,
    retries: 0,
  });
}

/** How the header names the person: the officer, else the principal. */
export function whoLabel(session: Session): string {
  return session.officer ? `${session.officer}（${session.principal}）` : session.principal;
}
