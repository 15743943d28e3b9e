// The government's identity provider as IAM knows it, for the console's sign-in (config `console.signIn`,
// infra/console-config.ts): an IAM OIDC provider for the issuer (OpenID Connect), or the IAM SAML
// provider `tongban-<stage>-sign-in` from the provider's metadata document (SAML 2.0). The principals
// stack creates it; every named principal's role trusts it (infra/constructs/principal-roles.ts:
// federatedTrustStatement), and the console stack tells the browser its ARN, formatted from its fixed
// name (signInProviderArn), so neither stack refers to the other.
//
// An IAM OIDC provider is one per issuer URL and account: two stages in one account cannot both create
// one for the same issuer (the second deployment fails with EntityAlreadyExists). A SAML provider is
// named per stage.
import { ArnFormat, Stack } from 'aws-cdk-lib';
import { CfnOIDCProvider, CfnSAMLProvider } from 'aws-cdk-lib/aws-iam';
import type { Construct, IConstruct } from 'constructs';
import type { SignInConfig } from '../console-config.ts';
import { oidcProviderPath, readSamlMetadata, samlProviderName } from '../console-config.ts';

/** Creates the IAM identity provider of `signIn` in `scope` and answers its ARN (a reference). */
export function signInProvider(scope: Construct, stage: string, signIn: SignInConfig): string {
  if (signIn.kind === 'oidc') {
    const provider = new CfnOIDCProvider(scope, 'SignInProvider', {
      url: signIn.issuer,
      clientIdList: signIn.clientIds,
      ...(signIn.thumbprints !== undefined ? { thumbprintList: signIn.thumbprints.map((t) => t.toLowerCase()) } : {}),
    });
    return provider.attrArn;
  }
  const provider = new CfnSAMLProvider(scope, 'SignInProvider', {
    name: samlProviderName(stage),
    samlMetadataDocument: readSamlMetadata(signIn.metadataFile),
  });
  return provider.attrArn;
}

/** The ARN of the identity provider of `signIn` in the account and partition of `scope`'s stack, from its name. */
export function signInProviderArn(scope: IConstruct, stage: string, signIn: SignInConfig): string {
  return Stack.of(scope).formatArn({
    service: 'iam',
    region: '',
    resource: signIn.kind === 'oidc' ? 'oidc-provider' : 'saml-provider',
    resourceName: signIn.kind === 'oidc' ? oidcProviderPath(signIn) : samlProviderName(stage),
    arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
  });
}
