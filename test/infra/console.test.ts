// The web console on AWS (config `console`): its stack exists only with a `console` block — a private,
// TLS-only, SSE-S3 bucket read by CloudFront alone through origin access control, the distribution on
// the configured domain and certificate, the security headers (a strict Content-Security-Policy naming
// exactly the API, the buckets, STS and the identity provider), the files and config.json; the API
// answers the CORS preflight for the console's origin alone (OPTIONS without authorisation, every other
// method unchanged), so do its refusals and its functions; the buckets' CORS rules; the identity
// provider and the named roles' federated trust (audience, source identity = session name, the
// principal's tag or the SAML audience), none for channels; the configuration's checks (the China
// regions); cdk-nag; the same templates on every synthesis.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NAMED_ROLES } from '../../shared/contracts/directory.ts';
import { ConsoleSettingsSchema } from '../../shared/contracts/console-settings.ts';
import { CONSOLE_ORIGIN_VARIABLE, corsRequestHeaders, methodsOfPath } from '../../shared/contracts/cors.ts';
import { ROUTES } from '../../shared/contracts/routes.ts';
import { FEDERATED_TRUST_ACTIONS, NAMED_TRUST_ACTIONS } from '../../infra/constructs/principal-roles.ts';
import { CONSOLE_CACHE_CONTROL } from '../../infra/stacks/console-stack.ts';
import { MANIFESTS } from '../../functions/manifests.ts';
import type { CfnJson, CfnResource, CfnStatement } from '../support/cfn-values.ts';
import { apiResourcePaths, flatten, flattenDeep } from '../support/cfn-values.ts';
import { cityConfig } from './city-config.ts';
import { configProblem, removeSynthOutputs, stackNames, stacksOf, synthApp, tempDir } from '../support/synth-app.ts';

const DOMAIN = 'console.example.gov.cn';
const ORIGIN = `https://${DOMAIN}`;
const ISSUER = 'https://sso.example.gov.cn/realms/tongban';
const OIDC = { kind: 'oidc', issuer: ISSUER, clientIds: ['tongban-console', 'tongban-cli'] };
const CONSOLE = { domainName: DOMAIN, iamCertificateId: 'ASCACKCEVSQ6C2EXAMPLE', signIn: OIDC };

/** A small city (test/infra/city-config.ts): a reviewer, an auditor, a portal, a service hall's window and two departments, each with its role. */
const { console: _cityConsole, ...CITY } = cityConfig({ departments: 2, channels: 1, reviewers: 1, auditors: 1 }, 'test');
const HALL_WINDOW = { id: 'city-hall-window', name: '示例市政务服务中心窗口', kind: 'service-hall-window' };
const BASE = {
  ...CITY,
  channels: [...CITY.channels, HALL_WINDOW],
  principals: [...CITY.principals, { name: 'hall-window', role: 'channel', channelId: HALL_WINDOW.id, trustedAccount: 'self' }],
};
const NAMED_PRINCIPALS = ['reviewer-1', 'auditor-1', 'department-1', 'department-2'];
const CHANNEL_PRINCIPAL = 'channel-1';
const NAMED_CONDITIONS = { Null: { 'sts:SourceIdentity': 'false' }, StringEquals: { 'sts:RoleSessionName': '${sts:SourceIdentity}' } };

afterAll(removeSynthOutputs);

function resources(template: Template, type: string): [string, CfnResource][] {
  return Object.entries((template.toJSON() as { Resources: Record<string, CfnResource> }).Resources).filter(([, r]) => r.Type === type);
}
function props(r: CfnResource | undefined): CfnJson {
  return r?.Properties ?? {};
}
function one(template: Template, type: string): CfnJson {
  const found = resources(template, type);
  expect(found, type).toHaveLength(1);
  return props(found[0]![1]);
}
/** A principal role's trust statements, by principal name. */
function trustOf(principals: Template, name: string): CfnStatement[] {
  const role = resources(principals, 'AWS::IAM::Role').find(([, r]) => props(r).RoleName === `tongban-test-${name}`);
  expect(role, name).toBeDefined();
  return (props(role![1]).AssumeRolePolicyDocument as { Statement: CfnStatement[] }).Statement;
}
/** A flattened CloudFormation text with sample values for its references, so URL checks can parse it. */
function sample(text: string): string {
  const pseudo: Record<string, string> = { 'AWS::Region': 'cn-north-1', 'AWS::URLSuffix': 'amazonaws.com.cn', 'AWS::Partition': 'aws-cn', 'AWS::AccountId': '210987654321' };
  return text.replace(/<([^<>]+)>/g, (m, ref: string) =>
    m === '<name>'
      ? m
      : (pseudo[ref] ??
        `ref${ref
          .replace(/[^a-zA-Z0-9]/g, '')
          .toLowerCase()
          .slice(-20)}`),
  );
}
function flattenSample(node: unknown): unknown {
  const flat = flattenDeep(node);
  return JSON.parse(JSON.stringify(flat), (_k, v: unknown) => (typeof v === 'string' ? sample(v) : v));
}
/** The nag findings and errors of a stack, as the app's checks reported them on synthesis. */
function findings(stack: Parameters<typeof Annotations.fromStack>[0]) {
  const annotations = Annotations.fromStack(stack);
  return [...annotations.findError('*', Match.anyValue()), ...annotations.findWarning('*', Match.stringLikeRegexp('(AwsSolutions|NIST|Serverless)-.*'))];
}

describe('without a console block', () => {
  let built: ReturnType<typeof synthApp>;
  beforeAll(() => {
    built = synthApp(BASE);
  });

  it('makes no console stack, no preflight, no CORS header, no federated trust', () => {
    expect(built.console).toBeUndefined();
    expect(built.assembly.stacks.map((s) => s.stackName).sort()).toEqual(stackNames('test'));
    const api = Template.fromStack(built.api);
    expect(resources(api, 'AWS::ApiGateway::Method').filter(([, m]) => props(m).HttpMethod === 'OPTIONS')).toEqual([]);
    for (const [, r] of resources(api, 'AWS::ApiGateway::GatewayResponse'))
      expect(Object.keys(props(r).ResponseParameters as CfnJson)).not.toContain('gatewayresponse.header.access-control-allow-origin');
    for (const [, fn] of resources(api, 'AWS::Lambda::Function'))
      expect(Object.keys((props(fn).Environment as { Variables?: CfnJson } | undefined)?.Variables ?? {})).not.toContain(CONSOLE_ORIGIN_VARIABLE);
    const data = Template.fromStack(built.data);
    for (const [, bucket] of resources(data, 'AWS::S3::Bucket')) expect(props(bucket).CorsConfiguration).toBeUndefined();
    const principals = Template.fromStack(built.principals);
    expect(resources(principals, 'AWS::IAM::OIDCProvider')).toEqual([]);
    for (const name of NAMED_PRINCIPALS) expect(trustOf(principals, name)).toHaveLength(1);
  });
});

describe('with an OpenID Connect sign-in, in the China regions', () => {
  let built: ReturnType<typeof synthApp>;
  let site: Template;
  let api: Template;
  let principals: Template;
  let data: Template;
  beforeAll(() => {
    built = synthApp({ ...BASE, console: CONSOLE });
    site = Template.fromStack(built.console!);
    api = Template.fromStack(built.api);
    principals = Template.fromStack(built.principals);
    data = Template.fromStack(built.data);
  });

  it('adds the stack Tongban-<stage>-Console, deployed after the data, API and principals stacks, cdk-nag clean like every other', () => {
    expect(built.assembly.stacks.map((s) => s.stackName).sort()).toEqual(stackNames('test', { console: true }));
    expect(built.console!.dependencies.map((s) => s.stackName).sort()).toEqual(['Tongban-test-Api', 'Tongban-test-Data', 'Tongban-test-Principals']);
    for (const stack of stacksOf(built)) expect(findings(stack), stack.stackName).toEqual([]);
  });

  describe('the bucket of the console', () => {
    const siteBucket = () => resources(site, 'AWS::S3::Bucket').find(([id]) => id.startsWith('SiteBucket'))!;

    it("is private, SSE-S3, versioned, logged to the console's own logs bucket, retained", () => {
      const [, bucket] = siteBucket();
      expect(props(bucket).PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
      expect(props(bucket).BucketEncryption).toEqual({ ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] });
      expect(props(bucket).VersioningConfiguration).toEqual({ Status: 'Enabled' });
      expect(props(bucket).OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
      expect(flattenDeep(props(bucket).LoggingConfiguration)).toEqual({ DestinationBucketName: expect.stringMatching(/^<LogsBucket/), LogFilePrefix: 'site/' });
      expect(bucket.DeletionPolicy).toBe('Retain');
    });

    it('is TLS 1.2+ only, and readable by this distribution alone (origin access control): no other principal, no public read', () => {
      const [id] = siteBucket();
      const policy = resources(site, 'AWS::S3::BucketPolicy').find(([, p]) => flatten(props(p).Bucket) === `<${id}>`)!;
      const statements = (props(policy[1]).PolicyDocument as { Statement: CfnStatement[] }).Statement;
      const denies = statements.filter((s) => s.Effect === 'Deny');
      expect(denies.map((s) => s.Condition)).toEqual([{ Bool: { 'aws:SecureTransport': 'false' } }, { NumericLessThan: { 's3:TlsVersion': 1.2 } }]);
      const allows = statements.filter((s) => s.Effect === 'Allow');
      const byCloudFront = allows.filter((s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: 'cloudfront.amazonaws.com' }));
      expect(byCloudFront).toHaveLength(1);
      expect(byCloudFront[0]!.Action).toBe('s3:GetObject');
      expect(flatten(byCloudFront[0]!.Resource)).toBe(`<${id}.Arn>/*`);
      expect(flattenDeep(byCloudFront[0]!.Condition)).toEqual({
        StringEquals: { 'AWS:SourceArn': expect.stringMatching(/^arn:<AWS::Partition>:cloudfront::<AWS::AccountId>:distribution\/<Distribution[0-9A-F]+>$/) },
      });
      // The other allowance is the deployment function's role (aws-s3-deployment), by its ARN: nothing public.
      for (const s of allows.filter((x) => x !== byCloudFront[0])) expect(JSON.stringify(s.Principal)).toMatch(/CDKBucketDeployment/);
      // The only statements naming everyone deny.
      for (const s of statements.filter((x) => JSON.stringify(x.Principal) === JSON.stringify({ AWS: '*' }))) expect(s.Effect).toBe('Deny');
    });
  });

  describe('the distribution', () => {
    it('serves the bucket through origin access control (no OAI) at the configured domain, with its IAM certificate, TLS 1.2+, HTTPS only, index.html at the root, GET and HEAD only, logged', () => {
      const oac = one(site, 'AWS::CloudFront::OriginAccessControl');
      expect(oac.OriginAccessControlConfig).toMatchObject({ OriginAccessControlOriginType: 's3', SigningBehavior: 'always', SigningProtocol: 'sigv4' });
      const config = one(site, 'AWS::CloudFront::Distribution').DistributionConfig as CfnJson;
      const origins = config.Origins as CfnJson[];
      expect(origins).toHaveLength(1);
      expect(flattenDeep(origins[0])).toMatchObject({
        DomainName: expect.stringMatching(/^<SiteBucket[0-9A-F]+\.RegionalDomainName>$/),
        S3OriginConfig: { OriginAccessIdentity: '' },
      });
      expect(flatten(origins[0]!.OriginAccessControlId)).toMatch(/OriginAccessControl[0-9A-F]+\.Id>$/);
      expect(config.Aliases).toEqual([DOMAIN]);
      expect(config.ViewerCertificate).toEqual({ IamCertificateId: CONSOLE.iamCertificateId, MinimumProtocolVersion: 'TLSv1.2_2021', SslSupportMethod: 'sni-only' });
      expect(config.DefaultRootObject).toBe('index.html');
      const behavior = config.DefaultCacheBehavior as CfnJson;
      expect(behavior).toMatchObject({ ViewerProtocolPolicy: 'redirect-to-https', AllowedMethods: ['GET', 'HEAD'], Compress: true });
      expect(config.CacheBehaviors).toBeUndefined();
      expect(flattenDeep(behavior.ResponseHeadersPolicyId)).toMatch(/^<SecurityHeaders/);
      expect(flattenDeep(config.Logging)).toEqual({ Bucket: expect.stringMatching(/^<LogsBucket[0-9A-F]+\.RegionalDomainName>$/), Prefix: 'cloudfront/' });
      // CloudFront writes its logs with an ACL: the logs bucket takes them (owner preferred), private, SSE-S3.
      const logs = resources(site, 'AWS::S3::Bucket').find(([id]) => id.startsWith('LogsBucket'))!;
      expect(props(logs[1]).OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerPreferred' }] });
      expect((props(logs[1]).PublicAccessBlockConfiguration as CfnJson).RestrictPublicBuckets).toBe(true);
    });

    it('sends the security headers: a strict Content-Security-Policy naming exactly the API, the two buckets, STS and the identity provider; HSTS, nosniff, DENY framing, no referrer', () => {
      const policy = one(site, 'AWS::CloudFront::ResponseHeadersPolicy').ResponseHeadersPolicyConfig as CfnJson;
      expect(policy.Name).toBe('tongban-test-console');
      const headers = policy.SecurityHeadersConfig as CfnJson;
      const csp = flatten((headers.ContentSecurityPolicy as CfnJson).ContentSecurityPolicy);
      const directives = Object.fromEntries(csp.split('; ').map((d) => [d.split(' ')[0], d.split(' ').slice(1)]));
      expect(directives).toEqual({
        'default-src': ["'self'"],
        'script-src': ["'self'"],
        'style-src': ["'self'", "'unsafe-inline'"],
        'img-src': ["'self'", 'blob:', 'data:'],
        'font-src': ["'self'"],
        'connect-src': [
          "'self'",
          expect.stringMatching(/^https:\/\/<Tongban-test-Api\.[^>]*RefApi[0-9A-F]+[^>]*>\.execute-api\.<AWS::Region>\.<AWS::URLSuffix>$/),
          expect.stringMatching(/^https:\/\/<Tongban-test-Data\.[^>]*MaterialsBucket[^>]*>$/),
          expect.stringMatching(/^https:\/\/<Tongban-test-Data\.[^>]*ArchiveBucket[^>]*>$/),
          'https://sts.<AWS::Region>.<AWS::URLSuffix>',
          'https://sso.example.gov.cn',
        ],
        'frame-src': ['blob:'],
        'object-src': ["'none'"],
        'base-uri': ["'self'"],
        'form-action': ["'self'", 'https://sso.example.gov.cn'],
        'frame-ancestors': ["'none'"],
        'upgrade-insecure-requests': [],
      });
      expect(headers.StrictTransportSecurity).toEqual({ AccessControlMaxAgeSec: 730 * 86400, IncludeSubdomains: true, Override: true });
      expect(headers.ContentTypeOptions).toEqual({ Override: true });
      expect(headers.FrameOptions).toEqual({ FrameOption: 'DENY', Override: true });
      expect(headers.ReferrerPolicy).toEqual({ ReferrerPolicy: 'no-referrer', Override: true });
    });
  });

  describe('the files and config.json', () => {
    it('deploys the assets (cached a year) and the root (revalidated), config.json beside index.html, once the assets are there', () => {
      const deployments = resources(site, 'Custom::CDKBucketDeployment');
      expect(deployments).toHaveLength(2);
      const assets = deployments.find(([, d]) => props(d).DestinationBucketKeyPrefix === 'assets/')!;
      const root = deployments.find(([, d]) => props(d).DestinationBucketKeyPrefix === undefined)!;
      expect(props(assets[1]).SourceObjectKeys).toHaveLength(1);
      expect(props(assets[1]).SystemMetadata).toEqual({ 'cache-control': CONSOLE_CACHE_CONTROL.assets });
      expect(props(root[1]).SourceObjectKeys).toHaveLength(2);
      expect(props(root[1]).Exclude).toEqual(['assets/*']);
      expect(props(root[1]).SystemMetadata).toEqual({ 'cache-control': CONSOLE_CACHE_CONTROL.root });
      expect([root[1].DependsOn].flat()).toContain(assets[0]);
      // config.json's values that only the deployment knows travel as markers, resolved by the function.
      const markers = Object.values((props(root[1]).SourceMarkers as CfnJson[])[1]!).map(flatten);
      expect(markers).toEqual(
        expect.arrayContaining([expect.stringMatching(/^<Tongban-test-Api\..*RefApi[0-9A-F]+/), expect.stringMatching(/^<Tongban-test-Data\..*MaterialsBucket/)]),
      );
    });

    it("tells the console the API, the region, the buckets and the OIDC sign-in: client, redirect, claims, tag, the roles' ARN pattern, the provider, STS", () => {
      const settings = flattenDeep(built.console!.resolve(built.console!.consoleSettings)) as Record<string, unknown>;
      expect(settings).toEqual({
        apiEndpoint: expect.stringMatching(/^https:\/\/<.*>\.execute-api\.<AWS::Region>\.<AWS::URLSuffix>\/<.*>\/$|^<.*>$/),
        region: '<AWS::Region>',
        materialsBucket: expect.stringMatching(/MaterialsBucket/),
        archive: { bucket: expect.stringMatching(/ArchiveBucket/), endpoint: expect.stringMatching(/^https:\/\/<.*ArchiveBucket.*>$/) },
        signIn: {
          kind: 'oidc',
          issuer: ISSUER,
          clientId: 'tongban-console',
          redirectUri: `${ORIGIN}/`,
          scope: 'openid',
          sourceIdentityClaim: 'https://aws.amazon.com/source_identity',
          tagsClaim: 'https://aws.amazon.com/tags',
          principalTag: 'tongban-principal',
          roleArnPattern: 'arn:<AWS::Partition>:iam::<AWS::AccountId>:role/tongban-test-<name>',
          principalPlaceholder: '<name>',
          providerArn: 'arn:<AWS::Partition>:iam::<AWS::AccountId>:oidc-provider/sso.example.gov.cn/realms/tongban',
          stsEndpoint: 'https://sts.<AWS::Region>.<AWS::URLSuffix>',
          sessionSeconds: 3600,
        },
      });
      // The shape the console parses (with sample values for what the deployment resolves).
      expect(ConsoleSettingsSchema.safeParse(flattenSample(built.console!.resolve(built.console!.consoleSettings))).error).toBeUndefined();
    });
  });

  describe('the API', () => {
    it("answers the preflight of every resource with a route for the console's origin alone: OPTIONS, no authorisation, a mock integration with its methods and the headers a signed call carries", () => {
      const paths = apiResourcePaths(api);
      const options = resources(api, 'AWS::ApiGateway::Method').filter(([, m]) => props(m).HttpMethod === 'OPTIONS');
      const routePaths = [...new Set(ROUTES.map((r) => r.path))];
      expect(options.map(([, m]) => paths.get((props(m).ResourceId as CfnJson).Ref as string)).sort()).toEqual([...routePaths].sort());
      for (const [, m] of options) {
        const path = paths.get((props(m).ResourceId as CfnJson).Ref as string)!;
        expect(props(m).AuthorizationType, path).toBe('NONE');
        const integration = props(m).Integration as { Type: string; IntegrationResponses: { ResponseParameters: Record<string, string> }[] };
        expect(integration.Type).toBe('MOCK');
        const headers = integration.IntegrationResponses[0]!.ResponseParameters;
        expect(headers['method.response.header.Access-Control-Allow-Origin']).toBe(`'${ORIGIN}'`);
        expect(headers['method.response.header.Vary']).toBe("'Origin'");
        expect(headers['method.response.header.Access-Control-Allow-Methods'], path).toBe(`'${methodsOfPath(path).join(',')}'`);
        expect(headers['method.response.header.Access-Control-Allow-Headers']).toBe(`'${corsRequestHeaders().join(',')}'`);
        expect(headers['method.response.header.Access-Control-Allow-Credentials']).toBeUndefined();
      }
      expect(corsRequestHeaders()).toEqual(['Authorization', 'X-Amz-Date', 'X-Amz-Security-Token', 'X-Amz-Content-Sha256', 'Content-Type', 'Idempotency-Key']);
    });

    it('keeps every route IAM-authorised but the public ones', () => {
      const paths = apiResourcePaths(api);
      const methods = resources(api, 'AWS::ApiGateway::Method').filter(([, m]) => props(m).HttpMethod !== 'OPTIONS');
      expect(methods).toHaveLength(ROUTES.length);
      for (const [, m] of methods) {
        const key = `${props(m).HttpMethod as string} ${paths.get((props(m).ResourceId as CfnJson).Ref as string) ?? '/'}`;
        const route = ROUTES.find((r) => `${r.method} ${r.path}` === key)!;
        expect(props(m).AuthorizationType, key).toBe(route.auth === 'public' ? 'NONE' : 'AWS_IAM');
      }
    });

    it("lets the console read API Gateway's own refusals and the functions' answers: Access-Control-Allow-Origin on every gateway response, CONSOLE_ORIGIN on the API functions alone", () => {
      const responses = resources(api, 'AWS::ApiGateway::GatewayResponse');
      expect(responses.length).toBeGreaterThan(0);
      for (const [, r] of responses) {
        expect(props(r).ResponseParameters).toMatchObject({ 'gatewayresponse.header.access-control-allow-origin': `'${ORIGIN}'`, 'gatewayresponse.header.vary': "'Origin'" });
      }
      for (const name of Object.keys(MANIFESTS) as (keyof typeof MANIFESTS)[]) {
        const fn = built.api.lambda(name);
        const variables = (
          props(resources(api, 'AWS::Lambda::Function').find(([id]) => id === built.api.getLogicalId(fn.node.defaultChild as never))?.[1]).Environment as {
            Variables: CfnJson;
          }
        ).Variables;
        expect(variables[CONSOLE_ORIGIN_VARIABLE], name).toBe(MANIFESTS[name].trigger.kind === 'api' ? ORIGIN : undefined);
      }
    });

    it("lets each API function be invoked by the API's stage alone: one permission per function, not one per method", () => {
      const permissions = resources(api, 'AWS::Lambda::Permission').filter(([, p]) => props(p).Principal === 'apigateway.amazonaws.com');
      const apiFunctions = new Set(ROUTES.map((r) => r.function));
      expect(permissions).toHaveLength(apiFunctions.size);
      const apiId = flatten(built.api.resolve(built.api.api.restApiId));
      for (const [, p] of permissions) expect(flatten(props(p).SourceArn)).toBe(`arn:<AWS::Partition>:execute-api:<AWS::Region>:<AWS::AccountId>:${apiId}/test/*/*`);
    });
  });

  it('lets the console PUT and GET presigned materials and the auditors GET, HEAD and list the archive and ask for a restore (POST ?restore), from its origin alone', () => {
    const cors = (id: string) =>
      (props(resources(data, 'AWS::S3::Bucket').find(([logical]) => logical.startsWith(id))![1]).CorsConfiguration as { CorsRules: CfnJson[] }).CorsRules;
    expect(cors('MaterialsBucket')).toEqual([
      expect.objectContaining({ AllowedOrigins: [ORIGIN], AllowedMethods: ['GET', 'PUT'], AllowedHeaders: ['content-type', 'x-amz-checksum-sha256', 'range'] }),
    ]);
    expect(cors('ArchiveBucket')).toEqual([
      expect.objectContaining({
        AllowedOrigins: [ORIGIN],
        AllowedMethods: ['GET', 'HEAD', 'POST'],
        AllowedHeaders: ['authorization', 'x-amz-date', 'x-amz-security-token', 'x-amz-content-sha256', 'range', 'x-amz-checksum-mode', 'x-amz-object-attributes', 'content-type'],
        ExposedHeaders: expect.arrayContaining(['x-amz-storage-class', 'x-amz-restore']),
      }),
    ]);
    // No browser writes to the archive: CORS aside, the auditors' grants say what a POST may do (s3:RestoreObject on bundles/ alone).
    expect(JSON.stringify(cors('ArchiveBucket'))).not.toMatch(/PUT|DELETE/);
  });

  describe('the sign-in', () => {
    it('creates the IAM OIDC provider for the issuer and its client ids', () => {
      const provider = one(principals, 'AWS::IAM::OIDCProvider');
      expect(provider.Url).toBe(ISSUER);
      expect(provider.ClientIdList).toEqual(OIDC.clientIds);
      expect(provider.ThumbprintList).toBeUndefined();
    });

    it("lets each named principal's role be taken through it only with the console's audience, as a named officer (source identity = session name), and tagged with its own name", () => {
      for (const name of NAMED_PRINCIPALS) {
        const statements = trustOf(principals, name);
        expect(statements, name).toHaveLength(2);
        expect(statements[0]!.Action).toEqual([...NAMED_TRUST_ACTIONS]);
        const federated = statements[1]!;
        expect(flattenDeep(federated.Principal)).toEqual({ Federated: '<SignInProvider.Arn>' });
        expect(federated.Action).toEqual([...FEDERATED_TRUST_ACTIONS.oidc]);
        expect(federated.Condition).toEqual({
          Null: NAMED_CONDITIONS.Null,
          StringEquals: {
            ...NAMED_CONDITIONS.StringEquals,
            'sso.example.gov.cn/realms/tongban:aud': OIDC.clientIds,
            'aws:RequestTag/tongban-principal': name,
          },
          'ForAllValues:StringEquals': { 'aws:TagKeys': ['tongban-principal'] },
        });
      }
    });

    it("gives a portal's role no federated trust: portals are machines, nobody signs in as one", () => {
      const statements = trustOf(principals, CHANNEL_PRINCIPAL);
      expect(statements).toHaveLength(1);
      expect(JSON.stringify(statements)).not.toMatch(/Federated|WithWebIdentity|WithSAML/);
      expect(NAMED_ROLES).not.toContain('channel');
    });

    it("lets the clerks of a service hall's window take its role through the sign-in, named (source identity = session name) and tagged with its name", () => {
      const statements = trustOf(principals, 'hall-window');
      expect(statements).toHaveLength(2);
      expect(JSON.stringify(statements[0])).not.toMatch(/SourceIdentity/);
      expect(flattenDeep(statements[1]!.Principal)).toEqual({ Federated: '<SignInProvider.Arn>' });
      expect(statements[1]!.Condition).toMatchObject({
        Null: NAMED_CONDITIONS.Null,
        StringEquals: { ...NAMED_CONDITIONS.StringEquals, 'aws:RequestTag/tongban-principal': 'hall-window' },
      });
    });
  });

  it('synthesises the same templates every time (the console build is cached by its sources)', () => {
    const again = synthApp({ ...BASE, console: CONSOLE });
    const texts = (b: ReturnType<typeof synthApp>) =>
      b.assembly.stacks.map((s) => [s.stackName, readFileSync(join(b.assembly.directory, s.templateFile), 'utf8')] as const).sort(([a], [c]) => a.localeCompare(c));
    expect(texts(again)).toEqual(texts(built));
  });
});

describe('with a SAML sign-in', () => {
  let built: ReturnType<typeof synthApp>;
  const metadata = () => {
    const file = join(tempDir('tongban-saml-'), 'idp-metadata.xml');
    writeFileSync(
      file,
      `<?xml version="1.0"?>\n<md:EntityDescriptor xmlns:md="urn:oasis:names:tc:SAML:2.0:metadata" entityID="https://sso.example.gov.cn/saml">\n${"  <!-- padding to IAM's 1,000 characters -->\n".repeat(30)}  <md:IDPSSODescriptor protocolSupportEnumeration="urn:oasis:names:tc:SAML:2.0:protocol"/>\n</md:EntityDescriptor>\n`,
    );
    return file;
  };
  const SAML = () => ({ kind: 'saml', metadataFile: metadata(), signInUrl: 'https://sso.example.gov.cn/saml/sso/tongban' });
  let signIn: ReturnType<typeof SAML>;
  beforeAll(() => {
    signIn = SAML();
    built = synthApp({ ...BASE, console: { ...CONSOLE, signIn } });
  });

  it('creates the SAML provider tongban-<stage>-sign-in from the metadata document', () => {
    const provider = one(Template.fromStack(built.principals), 'AWS::IAM::SAMLProvider');
    expect(provider.Name).toBe('tongban-test-sign-in');
    expect(provider.SamlMetadataDocument).toBe(readFileSync(signIn.metadataFile, 'utf8'));
  });

  it("lets each named principal's role be taken with an assertion for the console's audience, as a named officer; the assertion's Role attribute chooses the role", () => {
    const principals = Template.fromStack(built.principals);
    for (const name of NAMED_PRINCIPALS) {
      const federated = trustOf(principals, name)[1]!;
      expect(flattenDeep(federated.Principal)).toEqual({ Federated: '<SignInProvider.Arn>' });
      expect(federated.Action).toEqual([...FEDERATED_TRUST_ACTIONS.saml]);
      expect(federated.Condition).toEqual({ Null: NAMED_CONDITIONS.Null, StringEquals: { ...NAMED_CONDITIONS.StringEquals, 'SAML:aud': `${ORIGIN}/saml/acs` } });
    }
    expect(trustOf(principals, CHANNEL_PRINCIPAL)).toHaveLength(1);
  });

  it('tells the console where to sign in, the audience, the attributes and the provider; the form may post to the provider', () => {
    const settings = flattenDeep(built.console!.resolve(built.console!.consoleSettings)) as { signIn: unknown };
    expect(settings.signIn).toEqual({
      kind: 'saml',
      signInUrl: signIn.signInUrl,
      audience: `${ORIGIN}/saml/acs`,
      attributes: {
        role: 'https://aws.amazon.com/SAML/Attributes/Role',
        sourceIdentity: 'https://aws.amazon.com/SAML/Attributes/SourceIdentity',
        roleSessionName: 'https://aws.amazon.com/SAML/Attributes/RoleSessionName',
      },
      roleArnPattern: 'arn:<AWS::Partition>:iam::<AWS::AccountId>:role/tongban-test-<name>',
      principalPlaceholder: '<name>',
      providerArn: 'arn:<AWS::Partition>:iam::<AWS::AccountId>:saml-provider/tongban-test-sign-in',
      stsEndpoint: 'https://sts.<AWS::Region>.<AWS::URLSuffix>',
      sessionSeconds: 3600,
    });
    expect(ConsoleSettingsSchema.safeParse(flattenSample(built.console!.resolve(built.console!.consoleSettings))).error).toBeUndefined();
    expect(built.console!.contentSecurityPolicy).toContain("form-action 'self' https://sso.example.gov.cn;");
    expect(findings(built.console!)).toEqual([]);
  });

  it('warns at synthesis that the console cannot receive a SAML response yet (officers sign in to it with OpenID Connect)', () => {
    const warnings = Annotations.fromStack(built.console!).findWarning('*', Match.stringLikeRegexp('cannot sign officers in with SAML'));
    expect(warnings).toHaveLength(1);
    expect(JSON.stringify(warnings[0]!.entry.data)).toContain(`${ORIGIN}/saml/acs`);
  });
});

describe('the console configuration', () => {
  const withConsole = (console: unknown, base: object = BASE) => configProblem({ ...base, console });
  const GLOBAL = { ...BASE, replicaRegion: 'eu-central-1' };

  it('takes an ACM certificate of us-east-1 outside the China regions, an IAM certificate anywhere', () => {
    const acm = { ...CONSOLE, iamCertificateId: undefined, certificateArn: 'arn:aws:acm:us-east-1:210987654321:certificate/0b1e8f3c-4a5d-4e6f-8a9b-0c1d2e3f4a5b' };
    expect(withConsole(acm, GLOBAL)).toBeUndefined();
    expect(withConsole(CONSOLE, GLOBAL)).toBeUndefined();
    expect(withConsole(CONSOLE)).toBeUndefined();
  });

  it('refuses, in the China regions, a console without an IAM certificate: CloudFront there takes no ACM certificate and serves no default domain', () => {
    const acm = { ...CONSOLE, iamCertificateId: undefined, certificateArn: 'arn:aws:acm:us-east-1:210987654321:certificate/0b1e8f3c-4a5d-4e6f-8a9b-0c1d2e3f4a5b' };
    expect(withConsole(acm)).toContain('CloudFront in the China regions (cn-north-1, cn-northwest-1) takes no ACM certificate and serves no default *.cloudfront.cn domain');
    expect(withConsole(acm)).toContain('ICP');
  });

  it('refuses a console without its domain, without a certificate or with two, an ACM certificate of another region', () => {
    const { domainName: _domain, ...noDomain } = CONSOLE;
    expect(withConsole(noDomain)).toContain('console.domainName is required');
    expect(withConsole({ ...CONSOLE, domainName: 'https://console.example.gov.cn' })).toContain('console.domainName must be a lower-case host name');
    const { iamCertificateId: _id, ...noCertificate } = CONSOLE;
    expect(withConsole(noCertificate, GLOBAL)).toContain('give exactly one certificate for console.domainName');
    expect(withConsole({ ...CONSOLE, certificateArn: 'arn:aws:acm:us-east-1:210987654321:certificate/0b1e8f3c-4a5d-4e6f-8a9b-0c1d2e3f4a5b' }, GLOBAL)).toContain(
      'give exactly one certificate',
    );
    expect(withConsole({ ...noCertificate, certificateArn: 'arn:aws:acm:eu-central-1:210987654321:certificate/0b1e8f3c-4a5d-4e6f-8a9b-0c1d2e3f4a5b' }, GLOBAL)).toContain(
      'an ACM certificate in us-east-1',
    );
  });

  it('refuses a sign-in it cannot make a provider of: an issuer that is not https (or ends in a slash), no client id, an unknown kind, SAML metadata that is not there', () => {
    expect(withConsole({ ...CONSOLE, signIn: { ...OIDC, issuer: 'http://sso.example.gov.cn' } })).toContain('console.signIn.issuer must be an https URL');
    expect(withConsole({ ...CONSOLE, signIn: { ...OIDC, issuer: 'https://sso.example.gov.cn/' } })).toContain('without a trailing slash');
    expect(withConsole({ ...CONSOLE, signIn: { ...OIDC, clientIds: [] } })).toContain("console.signIn.clientIds must list at least the console's client id");
    expect(withConsole({ ...CONSOLE, signIn: { ...OIDC, scope: 'profile' } })).toContain('must include openid');
    expect(withConsole({ ...CONSOLE, signIn: { kind: 'ldap' } })).toContain('console.signIn.kind must be one of oidc, saml');
    expect(withConsole({ ...CONSOLE, signIn: { kind: 'saml', metadataFile: 'no/such/metadata.xml', signInUrl: 'https://sso.example.gov.cn/saml' } })).toContain(
      'console.signIn.metadataFile: no/such/metadata.xml is not a file',
    );
  });
});
