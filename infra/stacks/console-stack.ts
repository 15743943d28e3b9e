// The web console's stack, `Tongban-<stage>-Console`, made when the configuration has a `console` block
// (infra/console-config.ts): the console's static files (infra/console-build.ts: consoleDistSync, an
// index.html and its assets/) in a private bucket, served by CloudFront at https://<domainName>/, and
// beside them the `config.json` the console reads at start (shared/contracts/console-settings.ts:
// where the API, the buckets and STS are, and how its officer signs in).
//
// - The bucket: public access blocked, TLS 1.2+ only, versioned, its access logged; readable by this
//   distribution alone, through origin access control (OAC: CloudFront signs its requests, the bucket
//   policy allows cloudfront.amazonaws.com with this distribution's ARN as source). Encrypted with
//   SSE-S3, not KMS: what it holds is the console's code, the same for every visitor and public by
//   nature (the browser downloads it before anyone signs in), no personal or case data; OAC reads
//   SSE-KMS objects only if the key's policy names the distribution, a key policy and a distribution
//   that would refer to each other for nothing to protect.
// - The distribution: HTTPS only (HTTP redirects), TLS 1.2+ (TLSv1.2_2021) with the configured
//   certificate for domainName, index.html as the root object, GET and HEAD only, and on every
//   answer the security headers (contentSecurityPolicy: the console may load nothing but its own
//   files, connect to nothing but its origin, the API, the two buckets, STS and the identity provider,
//   and be framed by nobody; HSTS, nosniff, no referrer, DENY framing). Its standard logs, and the
//   bucket's access logs, go to a logs bucket of its own: CloudFront writes its logs with an ACL,
//   which the data stack's owner-enforced logs bucket refuses, and that bucket's policy would have to
//   name this stack's bucket, which the data stack, deployed first, cannot.
// - The files: two BucketDeployments (aws-s3-deployment: a custom resource whose function copies the
//   synthesised assets into the bucket), assets/ (content-hashed names: cached a year, immutable) and
//   the root (index.html, config.json: revalidated on every load, so a deployment shows at once,
//   no invalidation needed).
//
// In the China regions (cn-north-1, cn-northwest-1) CloudFront is operated apart from the global one:
// it serves no *.cloudfront.cn domain (domainName, with its ICP filing, is the only address), takes
// no ACM certificate (iamCertificateId: the config check refuses anything else there), has no
// Lambda@Edge, and has offered its features later than the global service (origin access control
// and the cache and response headers policies this stack uses are among them): check them in the
// partition before the first deployment there.
//
// It deploys after the data stack (the buckets), the API stack (the API) and the principals stack (the
// roles and the identity provider the sign-in needs); nothing depends on it.
import { Annotations, CfnOutput, Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import type { StackProps } from 'aws-cdk-lib';
import type { RestApi } from 'aws-cdk-lib/aws-apigateway';
import {
  AllowedMethods,
  CachePolicy,
  Distribution,
  HeadersFrameOption,
  HeadersReferrerPolicy,
  ResponseHeadersPolicy,
  SecurityPolicyProtocol,
  SSLMethod,
  ViewerProtocolPolicy,
} from 'aws-cdk-lib/aws-cloudfront';
import type { CfnDistribution } from 'aws-cdk-lib/aws-cloudfront';
import { S3BucketOrigin } from 'aws-cdk-lib/aws-cloudfront-origins';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { BlockPublicAccess, Bucket, BucketEncryption, ObjectOwnership } from 'aws-cdk-lib/aws-s3';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { BucketDeployment, CacheControl, Source } from 'aws-cdk-lib/aws-s3-deployment';
import type { Construct } from 'constructs';
import { join } from 'node:path';
import type { ConsoleSettings } from '../../shared/contracts/console-settings.ts';
import { CONSOLE_PRINCIPAL_PLACEHOLDER } from '../../shared/contracts/console-settings.ts';
import type { TongbanConfig } from '../config.ts';
import { principalRoleName } from '../config.ts';
import type { ConsoleConfig } from '../console-config.ts';
import { PRINCIPAL_TAG, SAML_ATTRIBUTES, SOURCE_IDENTITY_CLAIM, TAGS_CLAIM, consoleOrigin, consoleUrl, samlAudience } from '../console-config.ts';
import { consoleDistSync } from '../console-build.ts';
import { acknowledgeBucketDeployment } from '../constructs/nag-packs.ts';
import { PRINCIPAL_SESSION } from '../constructs/principal-roles.ts';
import { signInProviderArn } from '../constructs/sign-in-provider.ts';
import { roleArnNamed } from '../role-arns.ts';
import { INCOMPLETE_MULTIPART_UPLOAD_ABORT_DAYS } from '../constructs/operations-trail.ts';
import { MIN_TLS_VERSION, accessLogsBucket } from './data-stack.ts';

/** The key prefix of the console bucket's server access logs in the console's logs bucket. */
export const CONSOLE_SITE_ACCESS_LOGS_PREFIX = 'site/';
/** The key prefix of the distribution's standard logs in the console's logs bucket. */
export const CONSOLE_CDN_LOGS_PREFIX = 'cloudfront/';
/** Where the console's content-hashed files are: cached a year, immutable. */
export const CONSOLE_ASSETS_PREFIX = 'assets/';
/** The file beside index.html that the console reads at start. */
export const CONSOLE_SETTINGS_FILE = 'config.json';
/** The Cache-Control of index.html and config.json, and of the assets. */
export const CONSOLE_CACHE_CONTROL = { root: 'no-cache', assets: 'public, max-age=31536000, immutable' } as const;
/** Days an overwritten or deleted file of the console bucket is kept (a deployment prunes old assets). */
const NONCURRENT_VERSION_DAYS = 30;
/** HSTS: two years, subdomains included. */
const HSTS_MAX_AGE = Duration.days(730);

export interface ConsoleStackProps extends StackProps {
  config: TongbanConfig;
  /** config.console: the console's domain, certificate and sign-in. */
  settings: ConsoleConfig;
  api: RestApi;
  materialsBucket: IBucket;
  archiveBucket: IBucket;
}

export class ConsoleStack extends Stack {
  /** The console's files and config.json. */
  readonly bucket: Bucket;
  /** The distribution serving them at https://<domainName>/. */
  readonly distribution: Distribution;
  /** The security headers of every answer, the Content-Security-Policy among them. */
  readonly responseHeadersPolicy: ResponseHeadersPolicy;
  /** The Content-Security-Policy of every answer (with references to the API and the buckets). */
  readonly contentSecurityPolicy: string;
  /** What config.json says (with references, resolved at deployment). */
  readonly consoleSettings: ConsoleSettings;

  constructor(scope: Construct, id: string, props: ConsoleStackProps) {
    super(scope, id, props);
    const { config, settings } = props;
    const stage = config.stage;
    if (settings.signIn.kind === 'saml') {
      // The roles trust the SAML provider (principal-roles.ts), so officers can take them with SAML tools of their own
      // (and the CLI); the console itself has no receiver for a SAML response yet and says so on its sign-in page.
      Annotations.of(this).addWarningV2(
        'tongban:console-saml-sign-in',
        `the console cannot sign officers in with SAML yet: nothing receives the provider's response at ${samlAudience(settings, settings.signIn)}. The principals' roles trust the SAML provider, so officers can use SAML credentials with the CLI; for the console, configure an OpenID Connect sign-in ("kind": "oidc")`,
      );
    }
    const logs = accessLogsBucket(this, 'LogsBucket', config.logRetentionDays, { cloudFrontLogs: true });

    this.bucket = new Bucket(this, 'SiteBucket', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      minimumTLSVersion: MIN_TLS_VERSION,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: logs as IBucket,
      serverAccessLogsPrefix: CONSOLE_SITE_ACCESS_LOGS_PREFIX,
      lifecycleRules: [
        { id: 'expire-replaced-files', noncurrentVersionExpiration: Duration.days(NONCURRENT_VERSION_DAYS) },
        { id: 'remove-expired-file-markers', expiredObjectDeleteMarker: true },
        { id: 'abort-incomplete-multipart-uploads', abortIncompleteMultipartUploadAfter: Duration.days(INCOMPLETE_MULTIPART_UPLOAD_ABORT_DAYS) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // aws-cdk-lib's classes read their optional members as `T | undefined`: the bucket as the interface it implements.
    const site = this.bucket as IBucket;
    Validations.of(this.bucket.node.defaultChild!).acknowledge(
      {
        id: 'NIST.800.53.R5-S3DefaultEncryptionKMS',
        reason:
          "The console's static files (its HTML, scripts and styles, and config.json naming the API, the buckets and the sign-in) are the same for every visitor and public by nature: the browser downloads them before anyone signs in. They hold no personal or case data. SSE-S3 encrypts them at rest; a KMS key would protect nothing more and would have to name the distribution in its policy for origin access control to read it.",
      },
      {
        id: 'NIST.800.53.R5-S3BucketReplicationEnabled',
        reason:
          "The console's files are built from the repository on every deployment (infra/console-build.ts): a second-region copy would restore nothing a redeployment does not. The records the console shows are in the data stack's replicated buckets and backed-up tables.",
      },
    );

    const api = props.api;
    const region = this.region;
    const s3Endpoint = (bucket: IBucket) => `https://${bucket.bucketRegionalDomainName}`;
    const apiOrigin = `https://${api.restApiId}.execute-api.${region}.${this.urlSuffix}`;
    const stsEndpoint = `https://sts.${region}.${this.urlSuffix}`;
    const { signIn } = settings;
    const idpOrigins = signIn.kind === 'oidc' ? unique([signIn.issuer, signIn.tokenEndpoint].flatMap((u) => (u === undefined ? [] : [new URL(u).origin]))) : [];
    const signInOrigins =
      signIn.kind === 'oidc'
        ? unique([signIn.issuer, signIn.authorizationEndpoint].flatMap((u) => (u === undefined ? [] : [new URL(u).origin])))
        : [new URL(signIn.signInUrl).origin];
    this.contentSecurityPolicy = contentSecurityPolicy({
      connect: [apiOrigin, s3Endpoint(props.materialsBucket), s3Endpoint(props.archiveBucket), stsEndpoint, ...idpOrigins],
      formAction: signInOrigins,
    });
    this.responseHeadersPolicy = new ResponseHeadersPolicy(this, 'SecurityHeaders', {
      responseHeadersPolicyName: `tongban-${stage}-console`,
      comment: `Tongban ${stage}: the console's security headers`,
      securityHeadersBehavior: {
        contentSecurityPolicy: { contentSecurityPolicy: this.contentSecurityPolicy, override: true },
        strictTransportSecurity: { accessControlMaxAge: HSTS_MAX_AGE, includeSubdomains: true, override: true },
        contentTypeOptions: { override: true },
        frameOptions: { frameOption: HeadersFrameOption.DENY, override: true },
        referrerPolicy: { referrerPolicy: HeadersReferrerPolicy.NO_REFERRER, override: true },
      },
      customHeadersBehavior: {
        customHeaders: [
          { header: 'Permissions-Policy', value: 'camera=(), microphone=(), geolocation=(), payment=(), usb=()', override: true },
          { header: 'Cross-Origin-Opener-Policy', value: 'same-origin', override: true },
        ],
      },
    });

    this.distribution = new Distribution(this, 'Distribution', {
      comment: `Tongban ${stage}: the console, https://${settings.domainName}/`,
      defaultRootObject: 'index.html',
      defaultBehavior: {
        origin: S3BucketOrigin.withOriginAccessControl(site),
        viewerProtocolPolicy: ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
        allowedMethods: AllowedMethods.ALLOW_GET_HEAD,
        cachePolicy: CachePolicy.CACHING_OPTIMIZED,
        responseHeadersPolicy: this.responseHeadersPolicy,
        compress: true,
      },
      enableLogging: true,
      logBucket: logs as IBucket,
      logFilePrefix: CONSOLE_CDN_LOGS_PREFIX,
    });
    // The domain and its certificate, ACM's or IAM's (the L2 construct takes ACM certificates alone).
    const cfnDistribution = this.distribution.node.defaultChild as CfnDistribution;
    cfnDistribution.distributionConfig = {
      ...(cfnDistribution.distributionConfig as CfnDistribution.DistributionConfigProperty),
      aliases: [settings.domainName],
      viewerCertificate: {
        ...(settings.certificateArn !== undefined ? { acmCertificateArn: settings.certificateArn } : { iamCertificateId: settings.iamCertificateId! }),
        minimumProtocolVersion: SecurityPolicyProtocol.TLS_V1_2_2021,
        sslSupportMethod: SSLMethod.SNI,
      },
    };
    Validations.of(cfnDistribution).acknowledge(
      {
        id: 'AwsSolutions-CFR1',
        reason:
          "The console serves the officers of a city's departments, reviewers and auditors wherever they work; what they may do is the sign-in's and IAM's decision, not their country's. The files themselves are public by nature (no data), and the API they call has its own WAF.",
      },
      {
        id: 'AwsSolutions-CFR2',
        reason:
          "The distribution serves static files only (the console's code, config.json): no request reaches anything but the bucket, read-only, GET and HEAD. A web ACL for CloudFront must be created in us-east-1, which this environment-agnostic stack cannot name, and the China regions offer WAF for regional resources only. Every call with data goes to the API, which sits behind its own WAF (rate limits, AWS managed rules).",
      },
    );

    this.consoleSettings = {
      apiEndpoint: api.url,
      region,
      materialsBucket: props.materialsBucket.bucketName,
      archive: { bucket: props.archiveBucket.bucketName, endpoint: s3Endpoint(props.archiveBucket) },
      signIn: consoleSignIn(this, config, settings, stsEndpoint),
    };

    // The function that copies the files logs into a group of its own, kept the log retention.
    const deploymentLogs = new LogGroup(this, 'DeploymentLogs', { retention: config.logRetentionDays as RetentionDays, removalPolicy: RemovalPolicy.RETAIN });
    const dist = consoleDistSync();
    const assets = new BucketDeployment(this, 'DeployAssets', {
      sources: [Source.asset(join(dist, CONSOLE_ASSETS_PREFIX))],
      destinationBucket: site,
      destinationKeyPrefix: CONSOLE_ASSETS_PREFIX,
      cacheControl: [CacheControl.fromString(CONSOLE_CACHE_CONTROL.assets)],
      logGroup: deploymentLogs,
    });
    const root = new BucketDeployment(this, 'DeployRoot', {
      sources: [Source.asset(dist, { exclude: [CONSOLE_ASSETS_PREFIX.replace(/\/$/, '')] }), Source.jsonData(CONSOLE_SETTINGS_FILE, this.consoleSettings)],
      destinationBucket: site,
      // The assets are the other deployment's: neither copied nor pruned by this one.
      exclude: [`${CONSOLE_ASSETS_PREFIX}*`],
      cacheControl: [CacheControl.fromString(CONSOLE_CACHE_CONTROL.root)],
      logGroup: deploymentLogs,
    });
    // The new index.html only once the assets it names are there.
    root.node.addDependency(assets);
    acknowledgeBucketDeployment(this, site);

    new CfnOutput(this, 'ConsoleUrl', { value: consoleUrl(settings), description: 'The console' });
    new CfnOutput(this, 'DistributionDomainName', {
      value: this.distribution.distributionDomainName,
      description: `Point ${settings.domainName} at it (CNAME)`,
    });
    new CfnOutput(this, 'DistributionId', { value: this.distribution.distributionId });
    new CfnOutput(this, 'ConsoleBucketName', { value: this.bucket.bucketName, description: "The console's files and config.json" });
    new CfnOutput(this, 'ConsoleOrigin', { value: consoleOrigin(settings), description: 'The origin the API and the buckets answer with CORS' });
  }
}

/**
 * The console's Content-Security-Policy: its own files alone (scripts, styles — inline styles allowed,
 * which its charts set — fonts, images, with the blob: and data: images it makes), connections to its
 * origin and `connect`, frames only of blob: documents it makes (a material's preview), forms to its
 * origin and `formAction` (the identity provider's sign-in), no plugins, and no one may frame it.
 */
export function contentSecurityPolicy(sources: { connect: readonly string[]; formAction: readonly string[] }): string {
  return [
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' blob: data:",
    "font-src 'self'",
    `connect-src 'self' ${sources.connect.join(' ')}`,
    'frame-src blob:',
    "object-src 'none'",
    "base-uri 'self'",
    `form-action 'self'${sources.formAction.map((s) => ` ${s}`).join('')}`,
    "frame-ancestors 'none'",
    'upgrade-insecure-requests',
  ].join('; ');
}

/** config.json's `signIn`: what the browser needs to sign in and take a principal's role. */
function consoleSignIn(scope: Stack, config: TongbanConfig, settings: ConsoleConfig, stsEndpoint: string): ConsoleSettings['signIn'] {
  const { signIn } = settings;
  const common = {
    roleArnPattern: roleArnNamed(scope, principalRoleName(config.stage, CONSOLE_PRINCIPAL_PLACEHOLDER)),
    principalPlaceholder: CONSOLE_PRINCIPAL_PLACEHOLDER,
    providerArn: signInProviderArn(scope, config.stage, signIn),
    stsEndpoint,
    sessionSeconds: PRINCIPAL_SESSION.toSeconds(),
  } as const;
  if (signIn.kind === 'oidc') {
    return {
      kind: 'oidc',
      issuer: signIn.issuer,
      clientId: signIn.clientIds[0]!,
      redirectUri: consoleUrl(settings),
      scope: signIn.scope,
      ...(signIn.authorizationEndpoint !== undefined ? { authorizationEndpoint: signIn.authorizationEndpoint } : {}),
      ...(signIn.tokenEndpoint !== undefined ? { tokenEndpoint: signIn.tokenEndpoint } : {}),
      sourceIdentityClaim: SOURCE_IDENTITY_CLAIM,
      tagsClaim: TAGS_CLAIM,
      principalTag: PRINCIPAL_TAG,
      ...common,
    };
  }
  return { kind: 'saml', signInUrl: signIn.signInUrl, audience: samlAudience(settings, signIn), attributes: { ...SAML_ATTRIBUTES }, ...common };
}

function unique(values: readonly string[]): string[] {
  return [...new Set(values)];
}
