// The console's federated sign-in on the embedded platform (`TONGBAN_SIGN_IN=oidc`): the stand-in for
// the government's identity provider (oidc-provider.ts) and for STS (sts-server.ts), wired as the CDK
// app wires the real ones — every named principal's role trusts the provider for the client id, the
// session tag naming it and the officer's id as source identity and session name (principal-roles.ts)
// — and the console told of them in the same `config.json` shape the console stack writes. The
// sessions STS issues are then accepted by the API gateway (as the officer's session of the
// principal's role) and by S3 (with that role's access: an auditor's reads the archive).
import type { OidcConsoleSignIn } from '../../shared/contracts/console-settings.ts';
import { CONSOLE_PRINCIPAL_PLACEHOLDER } from '../../shared/contracts/console-settings.ts';
import { PRINCIPAL_SESSION_SECONDS, PRINCIPAL_TAG, SOURCE_IDENTITY_CLAIM, TAGS_CLAIM } from '../console-config.ts';
import type { Officer } from './oidc-provider.ts';
import { startOidcProvider } from './oidc-provider.ts';
import type { IssuedSession } from './sts-server.ts';
import { startLocalSts } from './sts-server.ts';

/** The console's client id at the embedded identity provider. */
export const LOCAL_CONSOLE_CLIENT_ID = 'tongban-console';

export interface FederatedSignInOptions {
  host: string;
  /** The ARN of principal `name`'s role (the platform's naming: infra/local/platform.ts). */
  roleArnOf: (name: string) => string;
  /** The ARN of a session of principal `name`'s role named `session`, as the gateway reports it. */
  sessionArnOf: (name: string, session: string) => string;
  /** The console's root URLs (its origins + /console/): the redirect URIs registered for the client. */
  consoleUrls: readonly string[];
  /** The named principals, each with its officers and a label for the sign-in page. */
  principals: () => readonly { name: string; label: string; officers: readonly string[] }[];
  admit: (session: IssuedSession) => void | Promise<void>;
}

export interface RunningFederatedSignIn {
  /** What `config.json` says of the sign-in, for a console served at `consoleUrl`. */
  settings(consoleUrl: string): OidcConsoleSignIn;
  /** The origins the console's page calls for the sign-in (the token endpoint, STS). */
  origins: string[];
  close(): Promise<void>;
}

export async function startFederatedSignIn(options: FederatedSignInOptions): Promise<RunningFederatedSignIn> {
  const roleArnPattern = options.roleArnOf(CONSOLE_PRINCIPAL_PLACEHOLDER);
  const officers = (): Officer[] => options.principals().flatMap((p) => p.officers.map((id) => ({ id, principal: p.name, label: p.label })));
  const provider = await startOidcProvider({ host: options.host, clientId: LOCAL_CONSOLE_CLIENT_ID, redirectUris: options.consoleUrls, officers });
  const sts = await startLocalSts({
    host: options.host,
    provider: { issuer: provider.issuer, clientIds: [LOCAL_CONSOLE_CLIENT_ID] },
    roleOf: (arn) => {
      const principal = options.principals().find((p) => arn === options.roleArnOf(p.name));
      return principal && { principal: principal.name, maxSessionSeconds: PRINCIPAL_SESSION_SECONDS };
    },
    sessionArn: options.sessionArnOf,
    admit: options.admit,
  });
  return {
    origins: [provider.issuer, sts.endpoint],
    settings: (consoleUrl) => ({
      kind: 'oidc',
      issuer: provider.issuer,
      clientId: LOCAL_CONSOLE_CLIENT_ID,
      redirectUri: consoleUrl,
      scope: 'openid profile',
      sourceIdentityClaim: SOURCE_IDENTITY_CLAIM,
      tagsClaim: TAGS_CLAIM,
      principalTag: PRINCIPAL_TAG,
      roleArnPattern,
      principalPlaceholder: CONSOLE_PRINCIPAL_PLACEHOLDER,
      // In the roles' account: the IAM OIDC provider of the issuer.
      providerArn: roleArnPattern.replace(/:role\/.*$/, `:oidc-provider/${new URL(provider.issuer).host}`),
      stsEndpoint: sts.endpoint,
      sessionSeconds: PRINCIPAL_SESSION_SECONDS,
    }),
    close: async () => {
      await Promise.all([provider.close(), sts.close()]);
    },
  };
}
