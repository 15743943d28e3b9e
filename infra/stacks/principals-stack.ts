// The principals' stack of one deployment: the IAM role of every `trustedAccount` principal, the
// policy of each platform role letting its roles invoke that role's routes, and the auditors'
// archive-reading policy (infra/constructs/principal-roles.ts), and, with the console configured, the
// government's identity provider that the named principals' roles trust for the console's sign-in
// (infra/constructs/sign-in-provider.ts). Apart from the API stack, which
// would otherwise grow with every principal past CloudFormation's 500 resources: a city has
// hundreds. It depends on the API stack (the API its policies name) and the data stack (the archive
// bucket and key); nothing refers to it: the directory record names each role by its fixed ARN
// (principalRoleName), the console's config.json the identity provider by its ARN, formatted from its
// name (the console stack deploys after it, so the sign-in's roles and provider are there first).
import { Stack } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import type { ManagedPolicy, Role } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { Construct } from 'constructs';
import type { TongbanConfig } from '../config.ts';
import { PrincipalRoles, assertNoWildcardOverreach } from '../constructs/principal-roles.ts';

export interface PrincipalsStackProps extends StackProps {
  config: TongbanConfig;
  api: RestApi;
  archiveBucket: IBucket;
  archiveKey: IKey;
}

export class PrincipalsStack extends Stack {
  /** The roles created for `trustedAccount` principals, by principal name. */
  readonly roles: Record<string, Role>;
  /** The policy letting the roles of each platform role (kind) invoke its routes, attached to them. */
  readonly invokePolicies: PrincipalRoles['invokePolicies'];
  /** The auditors' archive-reading policy, on the auditor principals' roles; none without such a role. */
  readonly archiveRead: ManagedPolicy | undefined;
  /** The ARN of the console's identity provider; none without a console. */
  readonly signInProviderArn: string | undefined;

  constructor(scope: Construct, id: string, props: PrincipalsStackProps) {
    super(scope, id, props);
    assertNoWildcardOverreach();
    const principals = new PrincipalRoles(this, props);
    this.roles = principals.roles;
    this.invokePolicies = principals.invokePolicies;
    this.archiveRead = principals.archiveRead;
    this.signInProviderArn = principals.signInProviderArn;
  }
}
