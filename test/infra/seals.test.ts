// Seals as CloudFormation: one asymmetric KMS key per department seal (ECC_NIST_P256, or SM2 in
// China), retained, whose policy lets nobody but the sealing function's role sign (nobody at all
// once the seal is retired) and nobody but the seals and archive functions' roles read the public key; the roles'
// own grants; who may invoke the sealing function; the seal registry in the directory record; the
// public JWKS route's acknowledgement; and the seal configuration's checks.
import { App, Stack } from 'aws-cdk-lib';
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CONFIG_CONTEXT_KEY,
  DEFAULT_SEAL_KEY_SPEC,
  SEAL_KEY_PUBLISHERS,
  SEAL_STACKS,
  configuredSeals,
  functionRoleName,
  loadConfig,
  sealStackName,
  sealStackOf,
} from '../../infra/config.ts';
import type { LambdaName } from '../../functions/manifests.ts';
import { LAMBDA_NAMES } from '../../functions/manifests.ts';
import { CHANNELS, DEPARTMENTS } from '../support/directory-fixtures.ts';
import { FUNCTION_NAMES, PUBLIC_ROUTE_DATA, SCHEDULED_FUNCTION_NAMES, SEALING_INVOKERS, SEAL_KEY_ACCESS, TABLE_ACCESS } from '../../infra/function-access.ts';
import { MANIFESTS } from '../../functions/manifests.ts';
import type { SealsStack } from '../../infra/stacks/seals-stack.ts';
import { SealKeys } from '../../infra/constructs/seal-keys.ts';
import { KEY_GUARD_SID } from '../../infra/constructs/key-policy.ts';
import { DirectorySchema } from '../../shared/contracts/directory.ts';
import { ROUTES } from '../../shared/contracts/routes.ts';
import { FEATURE_FLAGS, removeSynthOutputs, synthApp } from '../support/synth-app.ts';
import { actionMatches, holdersOf } from '../support/iam-patterns.ts';
import type { CfnJson, CfnResource, CfnStatement } from '../support/cfn-values.ts';
import { flatten } from '../support/cfn-values.ts';

// Facts of the manifests (functions/<name>/manifest.ts) the assertions below name.
const SEALING_FUNCTION_TIMEOUT_SECONDS = MANIFESTS.sealing.limits.timeoutSeconds;

type Json = CfnJson;
type Resource = CfnResource;
type Statement = CfnStatement;

/** The departments' seal keys as the grants name them: the keys of the account and region, by their aliases. */
const SEAL_KEYS = 'arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*';
const BY_SEAL_ALIAS = { 'ForAnyValue:StringLike': { 'kms:ResourceAliases': 'alias/tongban-test-seal-*' } };

const MARKET = DEPARTMENTS.market.id;
const HOUSING = DEPARTMENTS.housing.id;
const RETIRED_AT = '2027-01-01T00:00:00Z';

/** The market's seal-1 rotated to seal-2; housing keeps its default seal-1. */
const CONFIG = {
  stage: 'test',
  logRetentionDays: 365,
  alarmEmails: ['tongban-oncall@example.gov.cn'],
  replicaRegion: 'cn-northwest-1',
  departments: [DEPARTMENTS.market, DEPARTMENTS.housing],
  channels: [CHANNELS.portal],
  principals: [{ name: 'reviewer', role: 'platform', trustedAccount: 'self' }],
  seals: [
    { department: MARKET, seal: 'seal-1', retiredAt: RETIRED_AT },
    { department: MARKET, seal: 'seal-2' },
  ],
};

/** The ARN `aws:PrincipalArn` has for a session of the role `roleName`, as the key policies write it. */
const roleArn = (roleName: string) => `arn:<AWS::Partition>:iam::<AWS::AccountId>:role/${roleName}`;

/**
 * Whether a key policy's Deny statements refuse `action` to a caller whose aws:PrincipalArn is
 * `principalArn`, as KMS evaluates them; fails on a condition it does not know.
 */
function keyPolicyDenies(statements: readonly Statement[], action: string, principalArn: string): boolean {
  return statements.some((st) => {
    if (st.Effect !== 'Deny' || ![st.Action].flat().some((a) => actionMatches(a, action))) return false;
    expect(st.Principal).toEqual({ AWS: '*' });
    if (st.Condition === undefined) return true;
    expect(Object.keys(st.Condition)).toEqual(['ArnNotEquals']);
    expect(Object.keys(st.Condition.ArnNotEquals!)).toEqual(['aws:PrincipalArn']);
    // ArnNotEquals with several values: denied when the caller matches none.
    return ![st.Condition.ArnNotEquals!['aws:PrincipalArn']].flat().map(flatten).includes(principalArn);
  });
}

/** What a synthesised app tells about its seals: keys, key policies, IAM grants across the stacks. */
function inspect(built: ReturnType<typeof synthApp>) {
  const dataJson = Template.fromStack(built.data).toJSON() as { Resources: Record<string, Resource>; Outputs: Record<string, { Value: unknown }> };
  const apiJson = Template.fromStack(built.api).toJSON() as { Resources: Record<string, Resource> };
  const dataId = (c: { node: { defaultChild?: unknown } }) => built.data.getLogicalId(c.node.defaultChild as CfnElement);
  const apiId = (c: { node: { defaultChild?: unknown } }) => built.api.getLogicalId(c.node.defaultChild as CfnElement);
  /** A value of the API template with each data stack output replaced by that output's value. */
  const acrossStacks = (node: unknown): string =>
    flatten(node).replace(new RegExp(`<${built.data.stackName}\\.([A-Za-z0-9]+)>`, 'g'), (_, name: string) => flatten(dataJson.Outputs[name]!.Value));
  /** The seal-key stack holding a department's seals, its template, and a key's logical id there. */
  const sealStackOf = (department: string) => {
    const stack = built.seals.find((s) => s.sealKeys.keys.some((k) => k.seal.department === department));
    if (stack === undefined) throw new Error(`no seal-key stack holds the seals of ${department}`);
    return stack;
  };
  const sealJson = (stack: SealsStack) => Template.fromStack(stack).toJSON() as { Resources: Record<string, Resource> };
  const keyOf = (department: string, seal: string) => sealStackOf(department).sealKeys.keyOf(department, seal);
  const keyId = (department: string, seal: string) => sealStackOf(department).getLogicalId(keyOf(department, seal).node.defaultChild as CfnElement);
  const keyArn = (department: string, seal: string) => `<${keyId(department, seal)}.Arn>`;
  const keyResource = (department: string, seal: string) => sealJson(sealStackOf(department)).Resources[keyId(department, seal)]!;
  const keyPolicy = (department: string, seal: string) => (keyResource(department, seal).Properties!.KeyPolicy as { Statement: Statement[] }).Statement;
  /** The seal registry as the seal-key stacks write it: each part's seals, parts in order. */
  const registry = (): unknown[] =>
    built.seals.flatMap((stack) => {
      const writes = Object.values(sealJson(stack).Resources).filter((r) => r.Type === 'Custom::TongbanDirectory');
      expect(writes).toHaveLength(1);
      const call = JSON.parse(flatten(writes[0]!.Properties!.Create)) as { parameters: { Item: { pk: { S: string }; doc: { S: string } } } };
      expect(call.parameters.Item.pk.S).toBe(`seals#${stack.stackName.split('-').pop()}`);
      return JSON.parse(call.parameters.Item.doc.S) as unknown[];
    });
  const roleId = (fn: LambdaName) => apiId(built.api.lambda(fn).role!);
  /** The archive seal key's ARN (test/infra/archive.test.ts tests its own grants). */
  const archiveSealKeyArn = `<${dataId(built.data.archiveSealKey)}.Arn>`;
  /** Every IAM statement of both stacks, with the roles it applies to. */
  const statements = (): { roles: string[]; statement: Statement }[] =>
    [dataJson, apiJson].flatMap((t) =>
      Object.entries(t.Resources).flatMap(([logicalId, r]) => {
        const p = r.Properties ?? {};
        const docs: { roles: string[]; doc: unknown }[] =
          r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy'
            ? [{ roles: ((p.Roles as { Ref: string }[] | undefined) ?? []).map((x) => x.Ref), doc: p.PolicyDocument }]
            : r.Type === 'AWS::IAM::Role'
              ? ((p.Policies as { PolicyDocument: unknown }[] | undefined) ?? []).map((x) => ({ roles: [logicalId], doc: x.PolicyDocument }))
              : [];
        return docs.flatMap(({ roles, doc }) => (doc as { Statement: Statement[] }).Statement.map((statement) => ({ roles, statement })));
      }),
    );
  /** The Allow statements granting `action` (by name or wildcard): roles, resources as text, condition. */
  const holders = (action: string) =>
    statements()
      .filter(({ statement }) => statement.Effect === 'Allow' && [statement.Action].flat().some((a) => actionMatches(a, action)))
      .map(({ roles, statement }) => ({ roles, resources: [statement.Resource].flat().map(acrossStacks).sort(), condition: statement.Condition }));
  /** `action resource` of every grant of a function's role. */
  const grantsOf = (fn: Parameters<typeof roleId>[0]) =>
    statements()
      .filter(({ roles }) => roles.includes(roleId(fn)))
      .flatMap(({ statement }) => [statement.Action].flat().flatMap((a) => [statement.Resource].flat().map((r) => `${a} ${acrossStacks(r)}`)));
  const environmentOf = (fn: LambdaName) => {
    const f = built.api.lambda(fn);
    const variables = (apiJson.Resources[apiId(f)]!.Properties!.Environment as { Variables: Json }).Variables;
    return Object.fromEntries(Object.entries(variables).map(([k, v]) => [k, acrossStacks(v)]));
  };
  // The departments' seal keys: the asymmetric keys but the archive seal key (test/infra/archive.test.ts).
  const sealKeys = () =>
    built.seals.flatMap((stack) => Object.entries(sealJson(stack).Resources).filter(([, r]) => r.Type === 'AWS::KMS::Key' && r.Properties?.KeySpec !== undefined));
  /** Every seal key alias, in every seal-key stack. */
  const sealAliases = () => built.seals.flatMap((stack) => Object.values(sealJson(stack).Resources).filter((r) => r.Type === 'AWS::KMS::Alias'));
  return {
    dataJson,
    apiJson,
    dataId,
    apiId,
    acrossStacks,
    sealStackOf,
    keyArn,
    keyResource,
    archiveSealKeyArn,
    keyPolicy,
    registry,
    roleId,
    holders,
    grantsOf,
    environmentOf,
    sealKeys,
    sealAliases,
  };
}

const POWERTOOLS = ['POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME'];

afterAll(removeSynthOutputs);

describe('seals (test configuration: the market rotated seal-1 to seal-2, housing has its default seal-1)', () => {
  let built: ReturnType<typeof synthApp>;
  let t: ReturnType<typeof inspect>;

  beforeAll(() => {
    built = synthApp(CONFIG);
    t = inspect(built);
  });

  describe('seal keys', () => {
    it("are one asymmetric SIGN_VERIFY ECC_NIST_P256 key per department seal, in the seal-key stack of the department's credit code, never rotated by KMS, retained", () => {
      // Arrange: every seal of the configuration, the default one included.
      const seals = configuredSeals(loadConfig(new App({ context: { [CONFIG_CONTEXT_KEY]: CONFIG } })));
      // Act
      const keys = t.sealKeys();
      // Assess
      expect(seals.map((s) => `${s.department}/${s.seal}`)).toEqual([`${MARKET}/seal-1`, `${MARKET}/seal-2`, `${HOUSING}/seal-1`]);
      expect(keys.map(([id]) => `<${id}.Arn>`).sort()).toEqual([t.keyArn(MARKET, 'seal-1'), t.keyArn(MARKET, 'seal-2'), t.keyArn(HOUSING, 'seal-1')].sort());
      for (const [id, key] of keys) {
        expect(key.Properties, id).toMatchObject({ KeySpec: 'ECC_NIST_P256', KeyUsage: 'SIGN_VERIFY' });
        expect(key.Properties?.EnableKeyRotation, id).toBeUndefined();
        expect(key.DeletionPolicy, id).toBe('Retain');
        expect(key.UpdateReplacePolicy, id).toBe('Retain');
      }
      expect(Object.values(t.apiJson.Resources).filter((r) => r.Type === 'AWS::KMS::Key' && r.Properties?.KeySpec !== undefined)).toEqual([]);
      expect(Object.values(t.dataJson.Resources).filter((r) => r.Type === 'AWS::KMS::Key' && r.Properties?.KeySpec !== undefined)).toHaveLength(1); // the archive seal key alone
      expect(DEFAULT_SEAL_KEY_SPEC).toBe('ECC_NIST_P256');
      // Every seal-key stack is there, each department's seals in the one its credit code hashes to.
      expect(built.seals.map((s) => s.stackName)).toEqual(Array.from({ length: SEAL_STACKS }, (_, i) => sealStackName('test', i + 1)));
      for (const department of [MARKET, HOUSING]) expect(t.sealStackOf(department).stackName).toBe(sealStackName('test', sealStackOf(department)));
    });

    it('are aliased alias/tongban-<stage>-seal-<credit code in lower case>-<seal> and described by department and seal', () => {
      // Arrange
      const aliases = t.sealAliases();
      // Act
      const byKey = Object.fromEntries(aliases.map((a) => [flatten(a.Properties!.TargetKeyId), a.Properties!.AliasName]));
      // Assess
      expect(byKey).toEqual({
        [t.keyArn(MARKET, 'seal-1')]: `alias/tongban-test-seal-${MARKET.toLowerCase()}-seal-1`,
        [t.keyArn(MARKET, 'seal-2')]: `alias/tongban-test-seal-${MARKET.toLowerCase()}-seal-2`,
        [t.keyArn(HOUSING, 'seal-1')]: `alias/tongban-test-seal-${HOUSING.toLowerCase()}-seal-1`,
      });
      const description = (department: string, seal: string) => t.keyResource(department, seal).Properties!.Description as string;
      expect(description(MARKET, 'seal-2')).toContain(`e-seal seal-2 of ${DEPARTMENTS.market.name} (${MARKET})`);
      expect(description(MARKET, 'seal-1')).toContain(`retired ${RETIRED_AT}, signs nothing`);
    });

    it("keep the account's administration of each key and deny kms:Sign to any principal but the sealing function's role, kms:GetPublicKey to any but the seals and archive functions' roles, kms:Verify to all", () => {
      // Arrange: the roles as the API stack creates them, and some other identity of the account.
      const roleName = (fn: 'sealing' | 'seals' | 'archive') => t.apiJson.Resources[t.roleId(fn)]!.Properties!.RoleName;
      expect(roleName('sealing')).toBe(functionRoleName('test', 'sealing'));
      expect(roleName('seals')).toBe(functionRoleName('test', 'seals'));
      expect(roleName('archive')).toBe(functionRoleName('test', 'archive'));
      const sealing = roleArn('tongban-test-sealing-function');
      const seals = roleArn('tongban-test-seals-function');
      const archive = roleArn('tongban-test-archive-function');
      const others = [roleArn('Admin'), roleArn('tongban-test-reviewer'), 'arn:<AWS::Partition>:iam::<AWS::AccountId>:root', roleArn('tongban-test-sealing-function-2')];
      for (const [department, seal] of [
        [MARKET, 'seal-2'],
        [HOUSING, 'seal-1'],
      ] as const) {
        // Act
        const policy = t.keyPolicy(department, seal);
        // Assess
        expect(policy.filter((st) => st.Effect === 'Allow')).toEqual([
          {
            Effect: 'Allow',
            Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':root']] } },
            Action: 'kms:*',
            Resource: '*',
          },
        ]);
        expect(policy.filter((st) => st.Effect === 'Deny').map((st) => st.Sid)).toEqual([
          'OnlyTheSealingFunctionSigns',
          'OnlyTheSealsAndArchiveFunctionsReadThePublicKey',
          'SealsAreVerifiedOffline',
          // The key guard every key carries (test/infra/backup.test.ts).
          KEY_GUARD_SID,
        ]);
        expect(keyPolicyDenies(policy, 'kms:Sign', sealing), seal).toBe(false);
        expect(keyPolicyDenies(policy, 'kms:GetPublicKey', seals), seal).toBe(false);
        expect(keyPolicyDenies(policy, 'kms:GetPublicKey', archive), seal).toBe(false);
        for (const other of [seals, archive, ...others]) expect(keyPolicyDenies(policy, 'kms:Sign', other), other).toBe(true);
        for (const other of [sealing, ...others]) expect(keyPolicyDenies(policy, 'kms:GetPublicKey', other), other).toBe(true);
        for (const anyone of [sealing, seals, ...others]) expect(keyPolicyDenies(policy, 'kms:Verify', anyone), anyone).toBe(true);
        // Administration stays with the account (it is no seal operation).
        expect(keyPolicyDenies(policy, 'kms:PutKeyPolicy', others[0]!)).toBe(false);
      }
    });

    it("deny kms:Sign with a retired seal's key to everyone, the sealing function included; its public key stays readable by the seals function", () => {
      // Arrange
      const policy = t.keyPolicy(MARKET, 'seal-1');
      // Act
      const signs = [roleArn('tongban-test-sealing-function'), roleArn('tongban-test-seals-function'), roleArn('Admin')].filter((p) => !keyPolicyDenies(policy, 'kms:Sign', p));
      // Assess
      expect(signs).toEqual([]);
      expect(policy.find((st) => st.Sid === 'RetiredSealSignsNothing')).toEqual({
        Sid: 'RetiredSealSignsNothing',
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: 'kms:Sign',
        Resource: '*',
      });
      expect(policy.find((st) => st.Sid === 'OnlyTheSealingFunctionSigns')).toBeUndefined();
      expect(keyPolicyDenies(policy, 'kms:GetPublicKey', roleArn('tongban-test-seals-function'))).toBe(false);
    });
  });

  describe('grants', () => {
    it('let the sealing function alone sign, with the active keys only and ECDSA_SHA_256 only; nobody may verify', () => {
      // Act: the seal keys (the archive, anchoring and publication functions sign with the archive seal key alone: archive.test.ts).
      const sign = t.holders('kms:Sign').filter((h) => !h.resources.includes(t.archiveSealKeyArn));
      // Assess
      expect(sign).toEqual([
        {
          roles: [t.roleId('sealing')],
          resources: [SEAL_KEYS],
          condition: { ...BY_SEAL_ALIAS, StringEquals: { 'kms:SigningAlgorithm': 'ECDSA_SHA_256' } },
        },
      ]);
      expect(t.holders('kms:Verify')).toEqual([]);
      const byRole = (a: { roles: string[] }, b: { roles: string[] }) => (a.roles[0]! < b.roles[0]! ? -1 : 1);
      expect(
        t
          .holders('kms:Sign')
          .filter((h) => h.resources.includes(t.archiveSealKeyArn))
          .sort(byRole),
      ).toEqual(
        (['archive', 'anchoring', 'publication'] as const)
          .map((fn) => ({ roles: [t.roleId(fn)], resources: [t.archiveSealKeyArn], condition: { StringEquals: { 'kms:SigningAlgorithm': 'ECDSA_SHA_256' } } }))
          .sort(byRole),
      );
      expect(holdersOf(SEAL_KEY_ACCESS)).toEqual({ sealing: ['kms:Sign'], seals: ['kms:GetPublicKey'], archive: ['kms:GetPublicKey'] });
    });

    it('let the seals function (it publishes them) and the archive function (it puts them into each bundle) alone read the public keys, of every seal key, retired ones included, and of the archive seal key', () => {
      // Act
      const read = t.holders('kms:GetPublicKey');
      // Assess
      const byRole = (x: { roles: string[]; resources: string[] }, y: { roles: string[]; resources: string[] }) =>
        `${x.roles[0]} ${x.resources[0]}` < `${y.roles[0]} ${y.resources[0]}` ? -1 : 1;
      expect([...read].sort(byRole)).toEqual(
        (['archive', 'seals'] as const)
          .flatMap((fn) => [
            { roles: [t.roleId(fn)], resources: [SEAL_KEYS], condition: BY_SEAL_ALIAS },
            { roles: [t.roleId(fn)], resources: [t.archiveSealKeyArn], condition: undefined },
          ])
          .sort(byRole),
      );
      expect(SEAL_KEY_PUBLISHERS).toEqual(['seals', 'archive']);
    });

    it('name the seal keys (or any key by a wildcard) in no other grant', () => {
      // Act
      const naming = LAMBDA_NAMES.flatMap((fn) =>
        t
          .grantsOf(fn)
          .filter((g) => g.includes(':key/'))
          .map((g) => `${fn}: ${g}`),
      );
      // Assess
      expect(naming.sort()).toEqual([`archive: kms:GetPublicKey ${SEAL_KEYS}`, `sealing: kms:Sign ${SEAL_KEYS}`, `seals: kms:GetPublicKey ${SEAL_KEYS}`]);
    });

    it('let the cases function and the sweep alone invoke the sealing function, that one function, and give them its name', () => {
      // Arrange
      const sealingId = t.apiId(built.api.sealing);
      // Act: the statements naming it (the cases function's and the sweep's also name the archive function: archive.test.ts).
      const invoke = t.holders('lambda:InvokeFunction').filter((h) => h.resources.some((r) => r.includes(sealingId)));
      // Assess
      expect(invoke.map((h) => ({ roles: h.roles, condition: h.condition }))).toEqual([
        { roles: [t.roleId('cases')], condition: undefined },
        { roles: [t.roleId('sweep')], condition: undefined },
      ]);
      for (const h of invoke) expect(h.resources.filter((r) => r.includes(sealingId))).toEqual([`<${sealingId}.Arn>`]);
      expect(SEALING_INVOKERS).toEqual(['cases', 'sweep']);
      for (const fn of ['cases', 'sweep'] as const) expect(t.environmentOf(fn).SEALING_FUNCTION_NAME, fn).toBe(`<${sealingId}>`);
      for (const fn of ['catalogue', 'platform', 'seals', 'joint', 'sealing', 'archive'] as const) expect(t.environmentOf(fn).SEALING_FUNCTION_NAME, fn).toBeUndefined();
      // No resource policy lets anyone else in, and no route reaches it.
      expect(Object.values(t.apiJson.Resources).filter((r) => r.Type === 'AWS::Lambda::Permission' && JSON.stringify(r.Properties).includes(sealingId))).toEqual([]);
      expect(Object.values(t.apiJson.Resources).filter((r) => r.Type === 'AWS::ApiGateway::Method' && JSON.stringify(r.Properties).includes(sealingId))).toEqual([]);
      // Nobody may invoke any function by a wildcard.
      expect(t.holders('lambda:InvokeFunction').filter((h) => h.resources.some((r) => r.includes('*')) && !h.roles.includes(t.apiId(built.api.joint.stateMachine.role)))).toEqual(
        [],
      );
    });
  });

  describe('the sealing function', () => {
    it('runs functions/sealing/handler.ts on Node 22 arm64, traced, 20 s, with the cases, items and directory tables and nothing else', () => {
      // Arrange
      const fn = t.apiJson.Resources[t.apiId(built.api.sealing)]!.Properties!;
      // Act
      const variables = t.environmentOf('sealing');
      // Assess
      expect(SCHEDULED_FUNCTION_NAMES).toContain('sealing');
      expect(FUNCTION_NAMES as readonly string[]).not.toContain('sealing');
      expect(fn).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        Timeout: SEALING_FUNCTION_TIMEOUT_SECONDS,
      });
      expect(SEALING_FUNCTION_TIMEOUT_SECONDS).toBe(20);
      expect(Object.keys(variables).sort()).toEqual(['CASES_TABLE', 'DIRECTORY_TABLE', 'ITEMS_TABLE', ...POWERTOOLS].sort());
    });

    it('may get, put and query the cases table (no index), get and query items, get the directory, sign; no update, delete or scan', () => {
      // Arrange
      const table = (t2: 'items' | 'directory' | 'cases') =>
        `<${built.data.getLogicalId({ items: built.data.itemsTable, directory: built.data.directoryTable, cases: built.data.casesTable }[t2].node.defaultChild as CfnElement)}.Arn>`;
      // Act
      const dynamo = t.grantsOf('sealing').filter((g) => g.startsWith('dynamodb:'));
      const actions = new Set(t.grantsOf('sealing').map((g) => g.split(' ')[0]));
      // Assess
      expect(dynamo.sort()).toEqual(
        [
          `dynamodb:GetItem ${table('cases')}`,
          `dynamodb:PutItem ${table('cases')}`,
          `dynamodb:Query ${table('cases')}`,
          `dynamodb:GetItem ${table('items')}`,
          `dynamodb:Query ${table('items')}`,
          // Also the calendar partition (test/infra/stacks.test.ts checks its LeadingKeys condition).
          `dynamodb:Query ${table('items')}`,
          `dynamodb:GetItem ${table('directory')}`,
        ].sort(),
      );
      expect(TABLE_ACCESS.sealing).toEqual({
        cases: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'] },
        items: { actions: ['dynamodb:GetItem', 'dynamodb:Query'] },
        directory: { actions: ['dynamodb:GetItem'] },
      });
      expect(actions).toEqual(
        new Set([
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'xray:PutTraceSegments',
          'xray:PutTelemetryRecords',
          'dynamodb:GetItem',
          'dynamodb:PutItem',
          'dynamodb:Query',
          'kms:Sign',
          // The data key, for the tables (DynamoDB with the customer-managed key).
          'kms:Decrypt',
          'kms:DescribeKey',
          'kms:Encrypt',
          'kms:GenerateDataKey',
          'kms:GenerateDataKeyWithoutPlaintext',
          'kms:ReEncryptFrom',
          'kms:ReEncryptTo',
        ]),
      );
    });
  });

  describe('the seals function', () => {
    it('serves the seal verification (IAM) and the published keys (public), reading the directory and licences only', () => {
      // Arrange
      const routes = ROUTES.filter((r) => r.function === 'seals').map((r) => `${r.method} ${r.path} ${r.auth}`);
      // Act
      const dynamo = t.grantsOf('seals').filter((g) => g.startsWith('dynamodb:'));
      // Assess
      expect(routes).toEqual(['POST /v1/seals/verify iam', 'GET /v1/.well-known/jwks.json public']);
      expect(dynamo.map((g) => g.replace(/<(DirectoryTable|CasesTable)[A-Za-z0-9]*\.Arn>/, '$1')).sort()).toEqual([
        'dynamodb:GetItem CasesTable',
        'dynamodb:GetItem DirectoryTable',
      ]);
      expect(Object.keys(t.environmentOf('seals')).sort()).toEqual(['CASES_TABLE', 'DIRECTORY_TABLE', ...POWERTOOLS].sort());
      expect(new Set(t.grantsOf('seals').map((g) => g.split(' ')[0]))).toEqual(
        new Set([
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'xray:PutTraceSegments',
          'xray:PutTelemetryRecords',
          'dynamodb:GetItem',
          'kms:GetPublicKey',
          'kms:Decrypt',
          'kms:DescribeKey',
        ]),
      );
    });

    it('acknowledges the public JWKS route as publishing public keys only, and every public route with what it reads', () => {
      // Arrange
      const methods = Object.values(t.apiJson.Resources).filter((r) => r.Type === 'AWS::ApiGateway::Method' && r.Properties?.AuthorizationType === 'NONE');
      // Act
      const reasons = methods.map((m) => m.Metadata?.cdk_nag?.rules_to_suppress.find((a) => a.id === 'AwsSolutions-APIG4')?.reason ?? '');
      // Assess
      expect(Object.keys(PUBLIC_ROUTE_DATA).sort()).toEqual(
        ROUTES.filter((r) => r.auth === 'public')
          .map((r) => r.operationId)
          .sort(),
      );
      expect(reasons).toHaveLength(5);
      const jwks = reasons.find((r) => r.startsWith('GET /v1/.well-known/jwks.json (sealKeys) is public by design'));
      expect(jwks).toContain("reads the directory's seal registry and the seal keys' public keys");
      expect(jwks).toContain('no personal or case data');
      expect(jwks).not.toContain('reads no table');
      const health = reasons.find((r) => r.startsWith('GET /health (health) is public by design'));
      expect(health).toContain("reads the official holiday arrangements (the items table's CALENDAR partition");
      expect(health).toContain('no personal or case data');
      const statistics = reasons.filter((r) => r.startsWith('GET /v1/public/statistics'));
      expect(statistics).toHaveLength(2);
      for (const r of statistics) expect(r).toContain('no personal data');
      for (const other of reasons.filter((r) => r !== jwks && r !== health && !statistics.includes(r)))
        expect(other).toContain('It reads no table and returns no personal or case data');
    });
  });

  describe('seal registry', () => {
    it("lists every seal with its key's ARN, its algorithm and, retired, its retiredAt, in the part of its seal-key stack; the directory record lists none; DirectorySchema accepts them together", () => {
      // Arrange
      const [record] = Object.values(t.dataJson.Resources).filter((r) => r.Type === 'Custom::TongbanDirectory');
      const main = JSON.parse((JSON.parse(flatten(record!.Properties!.Create)) as { parameters: { Item: { doc: { S: string } } } }).parameters.Item.doc.S) as Json;
      // Act
      const seals = t.registry();
      // Assess
      expect(main.seals).toBeUndefined();
      // Each reference as a stand-in ARN of its own (the roles' must be IAM ARNs).
      const standIn = (json: string) =>
        JSON.parse(
          json.replaceAll('arn:<AWS::Partition>:iam::<AWS::AccountId>:', 'arn:aws:iam::999999999999:').replace(/<([^>]+)>/g, 'arn:aws:iam::999999999999:role/$1'),
        ) as unknown;
      expect(DirectorySchema.safeParse(standIn(JSON.stringify({ ...main, seals }))).error).toBeUndefined();
      expect(seals).toEqual(
        expect.arrayContaining([
          { department: MARKET, seal: 'seal-1', keyId: t.keyArn(MARKET, 'seal-1'), alg: 'ES256', retiredAt: RETIRED_AT },
          { department: MARKET, seal: 'seal-2', keyId: t.keyArn(MARKET, 'seal-2'), alg: 'ES256' },
          { department: HOUSING, seal: 'seal-1', keyId: t.keyArn(HOUSING, 'seal-1'), alg: 'ES256' },
        ]),
      );
      expect(seals).toHaveLength(3);
      expect(t.sealStackOf(MARKET).sealKeys.entries.map((e) => `${e.department}/${e.seal}/${e.alg}`)).toEqual([`${MARKET}/seal-1/ES256`, `${MARKET}/seal-2/ES256`]);
    });

    it("changes the digest of the market's part alone when its seal is rotated, and keeps the keys that were there", () => {
      // Arrange
      const digests = (b: ReturnType<typeof synthApp>) =>
        b.seals.map((stack) => /digest[^0-9a-f]+([0-9a-f]{64})/.exec(JSON.stringify(Template.fromStack(stack).findResources('Custom::TongbanDirectory')))![1]);
      // Act
      const rotated = synthApp({
        ...CONFIG,
        seals: [...CONFIG.seals.slice(0, 1), { department: MARKET, seal: 'seal-2', retiredAt: '2028-01-01T00:00:00Z' }, { department: MARKET, seal: 'seal-3' }],
      });
      // Assess
      const part = sealStackOf(MARKET) - 1;
      expect(digests(rotated).filter((d, i) => d !== digests(built)[i])).toEqual([digests(rotated)[part]]);
      const market = rotated.seals[part]!;
      expect(Template.fromStack(market).findResources('AWS::KMS::Alias', { Properties: { AliasName: `alias/tongban-test-seal-${MARKET.toLowerCase()}-seal-3` } })).not.toEqual({});
      // The keys that were there stay the same resources.
      expect(`<${market.getLogicalId(market.sealKeys.keyOf(MARKET, 'seal-2').node.defaultChild as CfnElement)}.Arn>`).toBe(t.keyArn(MARKET, 'seal-2'));
    });

    it('refuses a configuration whose seals would overfill a seal-key stack', () => {
      // Arrange: one department rotated past what its stack holds.
      const seals = Array.from({ length: 241 }, (_, i) => ({ department: MARKET, seal: `seal-${i + 1}`, ...(i < 240 ? { retiredAt: RETIRED_AT } : {}) }));
      // Act / Assess
      expect(() => loadConfig(new App({ context: { [CONFIG_CONTEXT_KEY]: { ...CONFIG, seals } } }))).toThrow(
        `the seal-key stack ${sealStackName('test', sealStackOf(MARKET))} would hold 241 seals, more than the 240 a stack can`,
      );
    });
  });

  describe('cdk-nag', () => {
    it("has no unacknowledged AwsSolutions finding, and acknowledges nothing on the keys, on the sealing and seals roles X-Ray's Resource * and the seal keys named by their aliases", () => {
      for (const stack of [built.data, ...built.seals, built.api, built.principals])
        expect(new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack).violations, stack.stackName).toEqual([]);
      for (const [id, key] of t.sealKeys()) expect(key.Metadata?.cdk_nag, id).toBeUndefined();
      for (const fn of [built.api.sealing, built.api.functions.seals]) {
        const policy = t.apiJson.Resources[t.apiId(fn.role!.node.findChild('DefaultPolicy'))]!;
        const acks = policy.Metadata?.cdk_nag?.rules_to_suppress ?? [];
        expect(acks.map((a) => a.id).sort()).toEqual(['AwsSolutions-IAM5[Resource::*]', `AwsSolutions-IAM5[Resource::${SEAL_KEYS}]`]);
        expect(acks.find((a) => a.id.endsWith(':key/*]'))?.reason).toContain("Each key's own policy keeps the use to this role alone");
      }
    });
  });
});

describe('SM2 seals', () => {
  let built: ReturnType<typeof synthApp>;
  let t: ReturnType<typeof inspect>;

  beforeAll(() => {
    // Moving to SM2: the market's retired ECC seal and its still active ECC seal-2 keep their spec.
    built = synthApp({
      ...CONFIG,
      sealKeySpec: 'SM2',
      seals: [
        { department: MARKET, seal: 'seal-1', keySpec: 'ECC_NIST_P256', retiredAt: RETIRED_AT },
        { department: MARKET, seal: 'seal-2', keySpec: 'ECC_NIST_P256' },
      ],
    });
    t = inspect(built);
  });

  it('makes SM2 keys with sealKeySpec SM2, keeping the spec a seal names', () => {
    const specs = Object.fromEntries(t.sealKeys().map(([id, k]) => [`<${id}.Arn>`, k.Properties!.KeySpec]));
    expect(specs).toEqual({ [t.keyArn(MARKET, 'seal-1')]: 'ECC_NIST_P256', [t.keyArn(MARKET, 'seal-2')]: 'ECC_NIST_P256', [t.keyArn(HOUSING, 'seal-1')]: 'SM2' });
    for (const [, k] of t.sealKeys()) expect(k.Properties!.KeyUsage).toBe('SIGN_VERIFY');
  });

  it("lets the sealing function sign with the active keys' algorithms only (KMS takes SM2DSA for an SM2 key alone, ECDSA_SHA_256 for a P-256 key); the archive, anchoring and publication functions with the (SM2) archive seal key by SM2DSA", () => {
    const held = t.holders('kms:Sign');
    expect(held.filter((h) => !h.resources.includes(t.archiveSealKeyArn))).toEqual([
      { roles: [t.roleId('sealing')], resources: [SEAL_KEYS], condition: { ...BY_SEAL_ALIAS, StringEquals: { 'kms:SigningAlgorithm': ['ECDSA_SHA_256', 'SM2DSA'] } } },
    ]);
    expect(held.filter((h) => h.resources.includes(t.archiveSealKeyArn))).toEqual(
      expect.arrayContaining(
        (['archive', 'anchoring', 'publication'] as const).map((fn) => ({
          roles: [t.roleId(fn)],
          resources: [t.archiveSealKeyArn],
          condition: { StringEquals: { 'kms:SigningAlgorithm': 'SM2DSA' } },
        })),
      ),
    );
    expect(held.filter((h) => h.resources.includes(t.archiveSealKeyArn))).toHaveLength(3);
  });

  it('writes SM2-SM3 into the seal registry for the SM2 keys and into the directory record for the (SM2) archive key', () => {
    const [cr] = Object.values(t.dataJson.Resources).filter((r) => r.Type === 'Custom::TongbanDirectory');
    const doc = JSON.parse((JSON.parse(flatten(cr!.Properties!.Create)) as { parameters: { Item: { doc: { S: string } } } }).parameters.Item.doc.S) as {
      archiveKey: { keyId: string; alg: string };
    };
    const seals = t.registry() as { seal: string; department: string; alg: string }[];
    expect(seals.map((s) => `${s.department}/${s.seal} ${s.alg}`).sort()).toEqual([`${MARKET}/seal-1 ES256`, `${MARKET}/seal-2 ES256`, `${HOUSING}/seal-1 SM2-SM3`].sort());
    expect(doc.archiveKey).toEqual({ keyId: t.archiveSealKeyArn, alg: 'SM2-SM3' });
  });

  it("fails synth when the stack's region is known and not a China region; synthesises in cn-north-1 or without a region", () => {
    // Arrange
    const dataStack = (region: string | undefined, keySpec: 'SM2' | 'ECC_NIST_P256') => () =>
      new SealKeys(new Stack(new App({ context: FEATURE_FLAGS }), 'Seals', region !== undefined ? { env: { region } } : {}), 'SealKeys', {
        stage: 'test',
        departments: [DEPARTMENTS.market],
        seals: [{ department: MARKET, seal: 'seal-1', keySpec }],
        signerRoleArn: roleArn('tongban-test-sealing-function'),
        publisherRoleArns: [roleArn('tongban-test-seals-function'), roleArn('tongban-test-archive-function')],
      });
    // Act / Assess
    expect(dataStack('eu-west-1', 'SM2')).toThrow(
      `seal key spec SM2 (${MARKET}/seal-1): KMS offers SM2 keys in the China regions only (cn-north-1, cn-northwest-1), and this stack deploys to eu-west-1; use sealKeySpec "ECC_NIST_P256" there`,
    );
    expect(dataStack('us-east-1', 'SM2')).toThrow(/China regions only/);
    expect(dataStack('cn-north-1', 'SM2')).not.toThrow();
    expect(dataStack('cn-northwest-1', 'SM2')).not.toThrow();
    expect(dataStack(undefined, 'SM2')).not.toThrow();
    expect(dataStack('eu-west-1', 'ECC_NIST_P256')).not.toThrow();
  });

  it('has no unacknowledged AwsSolutions finding', () => {
    for (const stack of [built.data, ...built.seals, built.api, built.principals])
      expect(new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack).violations, stack.stackName).toEqual([]);
  });
});

describe('seal configuration', () => {
  const problem = (tongban: unknown) => {
    try {
      loadConfig(new App({ context: { [CONFIG_CONTEXT_KEY]: tongban } }));
      return undefined;
    } catch (e) {
      return (e as Error).message;
    }
  };
  const withSeals = (seals: unknown, extra: Record<string, unknown> = {}) => problem({ ...CONFIG, seals, ...extra });

  it('gives each department no entry names one active seal-1 of sealKeySpec (ECC_NIST_P256 unless set)', () => {
    const config = loadConfig(new App({ context: { [CONFIG_CONTEXT_KEY]: { ...CONFIG, seals: undefined } } }));
    expect(config.sealKeySpec).toBe('ECC_NIST_P256');
    expect(configuredSeals(config)).toEqual([
      { department: MARKET, seal: 'seal-1', keySpec: 'ECC_NIST_P256' },
      { department: HOUSING, seal: 'seal-1', keySpec: 'ECC_NIST_P256' },
    ]);
    expect(configuredSeals(loadConfig(new App({ context: { [CONFIG_CONTEXT_KEY]: { ...CONFIG, sealKeySpec: 'SM2' } } }))).map((s) => s.keySpec)).toEqual(['SM2', 'SM2', 'SM2']);
  });

  it('refuses two active seals of one department, naming the entry', () => {
    expect(
      withSeals([
        { department: MARKET, seal: 'seal-1' },
        { department: MARKET, seal: 'seal-2' },
      ]),
    ).toMatch(new RegExp(`department ${MARKET} has two active seals: retire all but one\\n\\s+→ at seals\\[1\\]\\.retiredAt`));
  });

  it('refuses a seal of a department the configuration does not have', () => {
    expect(withSeals([{ department: DEPARTMENTS.police.id, seal: 'seal-1' }])).toMatch(
      new RegExp(`unknown department ${DEPARTMENTS.police.id}\\n\\s+→ at seals\\[0\\]\\.department`),
    );
  });

  it('refuses a (department, seal) pair listed twice', () => {
    expect(
      withSeals([
        { department: MARKET, seal: 'seal-1', retiredAt: RETIRED_AT },
        { department: MARKET, seal: 'seal-1' },
      ]),
    ).toMatch(new RegExp(`seal seal-1 of ${MARKET} \\(or its key\\) is listed twice\\n\\s+→ at seals\\[1\\]\\.seal`));
  });

  it("says what is wrong with a seal's name, retiredAt, key spec or fields, once", () => {
    for (const bad of ['Seal-1', '-seal', 'seal_1', 'x'.repeat(41), '']) {
      const message = withSeals([{ department: MARKET, seal: bad }]);
      expect(message, bad).toMatch(/seal must be 1-40 characters of a-z, 0-9 and "-", not starting with "-" \(seal-1, seal-2…\)\n\s+→ at seals\[0\]\.seal/);
      expect(message!.match(/✖/g), bad).toHaveLength(1);
    }
    for (const bad of ['2027-01-01', '2027-01-01T00:00:00+08:00', 'soon'])
      expect(withSeals([{ department: MARKET, seal: 'seal-1', retiredAt: bad }]), bad).toMatch(/retiredAt must be an ISO 8601 date-time in UTC/);
    expect(withSeals([{ department: MARKET, seal: 'seal-1', keySpec: 'RSA_2048' }])).toMatch(/the seal key spec must be one of ECC_NIST_P256, SM2/);
    expect(problem({ ...CONFIG, sealKeySpec: 'ECC_SECG_P256K1' })).toMatch(
      /the seal key spec must be one of ECC_NIST_P256, SM2 \(SM2 in the China regions only\)\n\s+→ at sealKeySpec/,
    );
    expect(withSeals([{ department: MARKET, seal: 'seal-1', alg: 'ES256' }])).toMatch(/Unrecognized key: "alg"/);
    expect(withSeals([{ department: MARKET, seal: 'seal-1', retiredAt: RETIRED_AT }])).toBeUndefined();
  });

  it("keeps the names of the sealing and seals functions' roles from the principals", () => {
    for (const name of ['sealing-function', 'seals-function'])
      expect(problem({ ...CONFIG, principals: [{ name, role: 'auditor', trustedAccount: 'self' }] }), name).toMatch(
        new RegExp(`the role name tongban-test-${name} is the one of a platform function`),
      );
    expect(problem({ ...CONFIG, principals: [{ name: 'sealing-function', role: 'auditor', arn: 'arn:aws:iam::210987654321:role/x' }] })).toBeUndefined();
  });
});
