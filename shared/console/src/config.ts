// What the console needs to know of the platform it serves: read once from `./config.json` beside
// index.html. The embedded platform answers it from its own endpoints; the deployed site has the file
// the CDK stack writes. One shape for both, so the screens never ask where they run.
export interface ConsoleConfig {
  /** The API's base URL (no trailing slash). */
  apiEndpoint: string;
  region: string;
  /** Where auditors read bundles (S3, signed with their own credentials). */
  archive?: { endpoint: string; bucket: string };
  /** How a person signs in: the embedded platform's key pairs, or the government's identity provider. */
  signIn: { kind: 'local'; credentialsUrl: string } | { kind: 'oidc' | 'saml'; [setting: string]: unknown };
}

let loaded: Promise<ConsoleConfig> | undefined;

export function consoleConfig(): Promise<ConsoleConfig> {
  loaded ??= fetch('./config.json', { cache: 'no-store' }).then(async (res) => {
    if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
    const config = (await res.json()) as ConsoleConfig;
    return { ...config, apiEndpoint: config.apiEndpoint.replace(/\/+$/, '') };
  });
  return loaded;
}
