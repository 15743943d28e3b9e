// What the AWS SDK clients of a Lambda bundle take their credentials from: the environment, where the
// Lambda service puts the function role's (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN)
// before the handler module loads. infra/lambda-bundling.ts bundles this module in place of the SDK's
// default chain (@aws-sdk/credential-provider-node), which on Lambda answers from those same variables
// first but carries every other source — profiles, SSO, STS web identity, the console login, the
// container and instance endpoints — and the nested STS, SSO and sign-in clients they call: about
// 90 KiB of each bundle, none of it ever run there. The embedded platform and the CLI, which run the
// TypeScript itself, keep the SDK's chain.
import { fromEnv } from '@aws-sdk/credential-providers';

/**
 * The provider the SDK clients call for credentials, under the name and signature of the default
 * chain's (`defaultProvider(init)`): the environment's credentials, or the SDK's own refusal
 * (CredentialsProviderError) where they are missing.
 */
export const defaultProvider: typeof fromEnv = (init) => fromEnv(init);
