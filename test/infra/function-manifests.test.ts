// Each function's manifest (functions/<name>/manifest.ts) against what the synthesised template
// gives it: its role holds exactly the grants the manifest declares (and the KMS actions they bring
// with them), its environment names exactly what the grants and triggers give it, and its limits are
// the manifest's. Read from the template as deployed, with every resource named by what it is
// (`cases/index/departmentQueue`, `materials/uploads/*`, `function:sealing`).
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FunctionManifest, ReferenceData } from '../../functions/manifest.ts';
import { CASE_EVENT_BUS_VARIABLE } from '../../functions/manifest.ts';
import type { LambdaName } from '../../functions/manifests.ts';
import { FUNCTION_MANIFESTS, LAMBDA_NAMES, MANIFESTS, manifestsTriggeredBy } from '../../functions/manifests.ts';
import { buildOrder } from '../../infra/constructs/case-functions.ts';
import { CHANNELS, DEPARTMENTS } from '../support/directory-fixtures.ts';
import { ITEMS_TABLE } from '../../shared/adapters/table-layout.ts';
import { ROUTES } from '../../shared/contracts/routes.ts';
import { removeSynthOutputs, synthApp } from '../support/synth-app.ts';
import { flatten } from '../support/cfn-values.ts';

type Json = Record<string, unknown>;
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: Json;
}

const CONFIG = {
  stage: 'test',
  logRetentionDays: 365,
  alarmEmails: ['tongban-oncall@example.gov.cn'],
  replicaRegion: 'cn-northwest-1',
  departments: [DEPARTMENTS.market, DEPARTMENTS.housing],
  channels: [CHANNELS.portal],
  principals: [{ name: 'reviewer', role: 'platform', trustedAccount: 'self' }],
  deemedAcceptanceDays: 3,
};

/** The departments' seal keys as a grant names them: by their aliases. */
const SEAL_KEYS = 'arn:<AWS::Partition>:kms:<AWS::Region>:<AWS::AccountId>:key/*[ForAnyValue:StringLike kms:ResourceAliases=alias/tongban-test-seal-*]';

/** The condition of a KMS call S3 makes on the function's behalf, in the stack's region and partition. */
const VIA_S3 = '[StringEquals kms:ViaService=s3.<AWS::Region>.<AWS::URLSuffix>]';

describe('function manifests', () => {
  let built: ReturnType<typeof synthApp>;
  let api: { Resources: Record<string, { Type: string; Properties?: Json }> };
  /** `<logical id or export>` → what it is. */
  let names: Map<string, string>;
  const apiId = (c: { node: { defaultChild?: unknown } }) => built.api.getLogicalId(c.node.defaultChild as CfnElement);
  const dataId = (c: { node: { defaultChild?: unknown } }) => built.data.getLogicalId(c.node.defaultChild as CfnElement);

  /** A resource of a statement as what it is: `<CasesTable….Arn>/index/x` → `cases/index/x`. */
  const named = (resource: unknown): string =>
    flatten(resource).replace(/<([^<>]+)>/g, (whole, ref: string) => {
      const direct = names.get(ref.split('.')[0]!);
      if (direct !== undefined) return direct;
      // A reference across stacks: the export names the data stack's resource (…Fn<Id><Attr>…).
      for (const [id, name] of names) if (ref.includes(id)) return name;
      return whole;
    });

  /** A statement's condition as text: `[operator key=value,value]` for each, values named as resources are. */
  const conditionText = (condition: Json | undefined): string =>
    Object.entries(condition ?? {})
      .flatMap(([operator, keys]) => Object.entries(keys as Json).map(([key, values]) => `[${operator} ${key}=${[values].flat().map(named).join(',')}]`))
      .sort()
      .join('');

  /**
   * The grants of a function's role, one `action resource[condition]` each (its log group and X-Ray
   * apart): from every policy attached to it — policies and managed policies naming the role, its inline
   * policies — and none from AWS managed policies.
   */
  const grantsOf = (name: LambdaName): { grants: string[]; other: string[] } => {
    const roleId = apiId(built.api.lambda(name).role!);
    const role = api.Resources[roleId]!.Properties!;
    expect(role.ManagedPolicyArns ?? []).toEqual([]);
    const attached = Object.values(api.Resources)
      .filter((r) => (r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy') && ((r.Properties!.Roles as { Ref: string }[]) ?? []).some((x) => x.Ref === roleId))
      .map((r) => r.Properties!.PolicyDocument);
    const inline = ((role.Policies as { PolicyDocument: unknown }[] | undefined) ?? []).map((p) => p.PolicyDocument);
    const statements = [...attached, ...inline].flatMap((doc) => (doc as { Statement: Statement[] }).Statement);
    const grants: string[] = [];
    const other: string[] = [];
    for (const s of statements) {
      expect(s.Effect).toBe('Allow');
      for (const action of [s.Action].flat()) {
        for (const resource of [s.Resource].flat()) {
          const what = named(resource);
          const atom = `${action} ${what}${conditionText(s.Condition)}`;
          (what === '*' || what.startsWith('logs:') ? other : grants).push(atom);
        }
      }
    }
    return { grants: grants.sort(), other: other.sort() };
  };

  /** The items table's partition each kind of operated reference data is granted on (the layout's, not the construct's map). */
  const PARTITIONS: Record<ReferenceData, string> = { calendar: ITEMS_TABLE.calendarPartition, supervisionRules: ITEMS_TABLE.supervisionRulesPartition };

  /** What the manifest says the role holds, in the same words — written from the manifest's declarations alone. */
  const declared = (m: FunctionManifest): string[] => {
    const out: string[] = [];
    const key = new Set<string>();
    for (const [table, grant] of Object.entries(m.tables ?? {})) {
      for (const a of grant.actions) out.push(`${a} ${table}`);
      for (const ix of grant.indexes ?? []) out.push(`dynamodb:Query ${table}/index/${ix}`);
      ['kms:Decrypt', 'kms:DescribeKey'].forEach((a) => key.add(a));
      if (grant.actions.includes('dynamodb:PutItem'))
        ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'].forEach((a) => key.add(a));
    }
    // Operated reference data (the calendar, the supervision rules): its own partition of the items table alone.
    for (const [reference, partition] of Object.entries(PARTITIONS) as [ReferenceData, string][]) {
      for (const a of m[reference] ?? []) {
        out.push(`${a} items[ForAllValues:StringEquals dynamodb:LeadingKeys=${partition}]`);
        ['kms:Decrypt', 'kms:DescribeKey'].forEach((k) => key.add(k));
        if (a === 'dynamodb:PutItem')
          ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'].forEach((k) => key.add(k));
      }
    }
    const listed: string[] = [];
    for (const [area, grant] of Object.entries(m.materials?.areas ?? {})) {
      for (const a of grant.actions.filter((x) => x !== 's3:ListBucket')) out.push(`${a} materials/${area}/*`);
      if (grant.actions.includes('s3:ListBucket')) listed.push(`${area}/*`);
      if (grant.actions.includes('s3:GetObject')) key.add('kms:Decrypt');
      if (grant.actions.includes('s3:PutObject')) key.add('kms:GenerateDataKey');
    }
    if (listed.length > 0) out.push(`s3:ListBucket materials${m.materials?.listAnywhere ? '' : `[StringLike s3:prefix=${listed.join(',')}]`}`);
    if (m.archive) {
      for (const a of m.archive.bucket) out.push(`${a} archive`);
      for (const [area, grant] of Object.entries(m.archive.areas)) for (const a of grant.actions) out.push(`${a} archive/${area}/*`);
      for (const a of m.archive.key) out.push(`${a} archive-key${VIA_S3}`);
    }
    for (const a of m.joint ?? []) out.push(`${a} joint`);
    if ((m.joint ?? []).length > 0) out.push('kms:GenerateDataKey joint-key', 'kms:Decrypt joint-key');
    // A signer signs with its key's own algorithm alone (the test configuration's keys: ECC_NIST_P256).
    const signing = (a: string) => (a === 'kms:Sign' ? '[StringEquals kms:SigningAlgorithm=ECDSA_SHA_256]' : '');
    // The seal keys (the seal-key stacks'), by their aliases: the keys of the account and region whose alias is a seal's.
    for (const a of m.sealKeys ?? []) out.push(`${a} ${SEAL_KEYS}${signing(a)}`);
    for (const a of m.archiveSealKey ?? []) out.push(`${a} archive-seal-key${signing(a)}`);
    for (const target of m.invokes ?? []) out.push(`lambda:InvokeFunction function:${target}`);
    for (const a of m.bus ?? []) out.push(`${a} case-event-bus`);
    // A stream's reader: its records (the stream is the table's, encrypted with the data key), and its
    // batches given up, recorded in its own queue.
    if (m.trigger.kind === 'stream') {
      for (const a of ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator']) out.push(`${a} ${m.trigger.table}`);
      ['kms:Decrypt', 'kms:DescribeKey'].forEach((a) => key.add(a));
      for (const a of ['sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:SendMessage']) out.push(`${a} dead-letters:${m.name}`);
    }
    // A queue's consumer: its records (SSE-SQS: no key of ours).
    if (m.trigger.kind === 'queue') {
      for (const a of ['sqs:ChangeMessageVisibility', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:GetQueueUrl', 'sqs:ReceiveMessage']) out.push(`${a} queue:${m.name}`);
    }
    for (const a of key) out.push(`${a} data-key`);
    // The events of failed runs of a scheduled or asynchronously invoked function go to its own queue.
    if (m.trigger.kind === 'schedule' || (m.trigger.kind === 'invoked' && m.trigger.invocation === 'Event')) out.push(`sqs:SendMessage dead-letters:${m.name}`);
    return out.sort();
  };

  /** The environment the manifest says the function gets, beside Powertools' and Node's. */
  const declaredEnvironment = (m: FunctionManifest): string[] => {
    const variables = new Set<string>(['POWERTOOLS_SERVICE_NAME', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_LOG_LEVEL']);
    const tableVariable = {
      items: 'ITEMS_TABLE',
      directory: 'DIRECTORY_TABLE',
      cases: 'CASES_TABLE',
      events: 'EVENTS_TABLE',
      supervision: 'SUPERVISION_TABLE',
      statistics: 'STATISTICS_TABLE',
      feedback: 'FEEDBACK_TABLE',
    } as const;
    for (const table of Object.keys(m.tables ?? {}) as (keyof typeof tableVariable)[]) variables.add(tableVariable[table]);
    if ((Object.keys(PARTITIONS) as ReferenceData[]).some((reference) => (m[reference] ?? []).length > 0)) variables.add('ITEMS_TABLE');
    if (Object.keys(m.materials?.areas ?? {}).length > 0) variables.add('MATERIALS_BUCKET');
    if (m.materials?.presignsUploads) variables.add('MATERIALS_MAX_BYTES');
    if (m.archive) variables.add('ARCHIVE_BUCKET');
    if ((m.joint ?? []).length > 0) variables.add('JOINT_STATE_MACHINE_ARN');
    for (const target of m.invokes ?? []) {
      const trigger = FUNCTION_MANIFESTS[target as LambdaName].trigger;
      if (trigger.kind === 'invoked') variables.add(trigger.variable);
    }
    if ((m.bus ?? []).length > 0) variables.add(CASE_EVENT_BUS_VARIABLE);
    for (const variable of Object.keys(m.environment?.(CONFIG) ?? {})) variables.add(variable);
    return [...variables].sort();
  };

  beforeAll(() => {
    built = synthApp(CONFIG);
    api = Template.fromStack(built.api).toJSON() as typeof api;
    const { data } = built;
    names = new Map<string, string>([
      [dataId(data.itemsTable), 'items'],
      [dataId(data.directoryTable), 'directory'],
      [dataId(data.casesTable), 'cases'],
      [dataId(data.eventsTable), 'events'],
      [dataId(data.supervisionTable), 'supervision'],
      [dataId(data.statisticsTable), 'statistics'],
      [dataId(data.feedbackTable), 'feedback'],
      [dataId(data.dataKey), 'data-key'],
      [dataId(data.materialsBucket), 'materials'],
      [dataId(data.archiveBucket), 'archive'],
      [dataId(data.archiveKey), 'archive-key'],
      [dataId(data.archiveSealKey), 'archive-seal-key'],
      [apiId(built.api.joint.stateMachine), 'joint'],
      [apiId(built.api.joint.key), 'joint-key'],
      ...manifestsTriggeredBy('schedule').map((m) => [apiId(built.api.failuresOf(m.name).deadLetters), `dead-letters:${m.name}`] as [string, string]),
      [apiId(built.api.archive.deadLetters), 'dead-letters:archive'],
      [apiId(built.api.relay.deadLetters), 'dead-letters:relay'],
      [apiId(built.api.feedbackRelay.deadLetters), 'dead-letters:feedback-relay'],
      ...manifestsTriggeredBy('queue').map((m) => [apiId(built.api.lambdaQueues(m.name).queue), `queue:${m.name}`] as [string, string]),
      [dataId(data.caseEventBus), 'case-event-bus'],
      ...LAMBDA_NAMES.map((n) => [apiId(built.api.lambda(n)), `function:${n}`] as [string, string]),
    ]);
    for (const [id, r] of Object.entries(api.Resources)) if (r.Type === 'AWS::Logs::LogGroup') names.set(id, `logs:${id}`);
  });
  afterAll(removeSynthOutputs);

  it('names every function of the platform once, each a folder with its handler, served routes only by API functions', () => {
    expect(LAMBDA_NAMES).toEqual(Object.keys(MANIFESTS));
    for (const name of LAMBDA_NAMES) expect(FUNCTION_MANIFESTS[name].name).toBe(name);
    const served = new Set(ROUTES.map((r) => r.function));
    for (const name of LAMBDA_NAMES) expect(served.has(name as never), name).toBe(FUNCTION_MANIFESTS[name].trigger.kind === 'api');
  });

  it('builds what a function invokes before it, and an invoked function lists each of its invokers', () => {
    const order = buildOrder();
    expect(new Set(order)).toEqual(new Set(LAMBDA_NAMES));
    for (const name of LAMBDA_NAMES) {
      for (const target of FUNCTION_MANIFESTS[name].invokes ?? []) {
        expect(order.indexOf(target as LambdaName)).toBeLessThan(order.indexOf(name));
        const trigger = FUNCTION_MANIFESTS[target as LambdaName].trigger;
        expect(trigger.kind === 'invoked' && trigger.invokers.includes(name), `${target} lists ${name} among its invokers`).toBe(true);
      }
      const trigger = FUNCTION_MANIFESTS[name].trigger;
      if (trigger.kind === 'invoked') for (const invoker of trigger.invokers) expect(FUNCTION_MANIFESTS[invoker as LambdaName].invokes ?? []).toContain(name);
    }
  });

  describe.each(LAMBDA_NAMES)('%s', (name) => {
    const manifest = FUNCTION_MANIFESTS[name];

    it("its role holds exactly the manifest's grants (and logs to its own log group, traces with X-Ray)", () => {
      const { grants, other } = grantsOf(name);
      expect(grants).toEqual(declared(manifest));
      const fn = api.Resources[apiId(built.api.lambda(name))]!.Properties!;
      const own = named((fn.LoggingConfig as { LogGroup: unknown }).LogGroup);
      // A stream's reader also lists the streams (no resource-level permission: the event source mapping needs it).
      const listStreams = manifest.trigger.kind === 'stream' ? ['dynamodb:ListStreams *'] : [];
      expect(other).toEqual([...listStreams, `logs:CreateLogStream ${own}`, `logs:PutLogEvents ${own}`, 'xray:PutTelemetryRecords *', 'xray:PutTraceSegments *']);
    });

    it("its environment is what its grants and triggers give it, and its limits are the manifest's", () => {
      const fn = api.Resources[apiId(built.api.lambda(name))]!.Properties!;
      const variables = (fn.Environment as { Variables: Json }).Variables;
      expect(Object.keys(variables).sort()).toEqual(declaredEnvironment(manifest));
      expect(fn.MemorySize).toBe(manifest.limits.memoryMb ?? 512);
      // A scheduled run never outlasts its interval (the test configuration's default: 5 minutes).
      expect(fn.Timeout).toBe(manifest.limits.timeoutSeconds);
      expect(fn.ReservedConcurrentExecutions).toBe(manifest.limits.reservedConcurrency);
      expect(String(fn.Description)).toMatch(/^Tongban test: /);
    });
  });
});
