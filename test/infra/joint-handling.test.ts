// Joint handling as CloudFormation: the Standard state machine (logged, traced, encrypted with the
// data key), its definition as the contract (shared/contracts/joint-workflow.ts) draws it, who may
// start it and who may answer its tasks, what its role may do, its alarm, the joint function's grants,
// cdk-nag; and that the definition the embedded platform runs is the deployed one.
import type { CfnElement } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definitionFromTemplate, embeddedJointDefinition } from '../../infra/constructs/joint-definition.ts';
import type { StateMachineDefinitionJson } from '../../infra/constructs/joint-definition.ts';
import { JOINT_FAILED_CAUSE, JOINT_RETRY } from '../../infra/constructs/joint-handling.ts';
import { KEY_GUARD_SID } from '../../infra/constructs/key-policy.ts';
import { CHANNELS, DEPARTMENTS } from '../support/directory-fixtures.ts';
import { FUNCTION_NAMES, JOINT_ACCESS, MATERIALS_ACCESS, SCHEDULED_FUNCTION_NAMES, TABLE_ACCESS } from '../../infra/function-access.ts';
import { JOINT_INVOKE_WILDCARD_REASON, JOINT_ROLE_STAR_REASON } from '../../infra/constructs/case-functions.ts';
import {
  CHECK_RESULT_PATH,
  JOINT_FUNCTION_TIMEOUT_SECONDS,
  JOINT_STATES,
  JOINT_STEP_TIMEOUT_SECONDS,
  JOINT_TASK_ENDED,
  WAIT_SECONDS_PATH,
} from '../../shared/contracts/joint-workflow.ts';
import { removeSynthOutputs, stacksOf, synthApp } from '../support/synth-app.ts';
import { actionMatches, holdersOf } from '../support/iam-patterns.ts';
import { flatten } from '../support/cfn-values.ts';

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties?: Json;
  Metadata?: { cdk_nag?: { rules_to_suppress: { id: string; reason: string }[] } };
  DeletionPolicy?: string;
}
interface Statement {
  Effect: string;
  Action: string | string[];
  Resource: unknown;
  Condition?: unknown;
}

const CONFIG = {
  stage: 'test',
  logRetentionDays: 365,
  alarmEmails: ['tongban-oncall@example.gov.cn'],
  replicaRegion: 'cn-northwest-1',
  departments: [DEPARTMENTS.market, DEPARTMENTS.housing],
  channels: [CHANNELS.portal],
  principals: [{ name: 'reviewer', role: 'platform', trustedAccount: 'self' }],
};
const LOCAL_ARN = 'arn:aws:lambda:cn-north-1:000000000000:function:tongban-local-joint';

describe('joint handling (test configuration)', () => {
  let built: ReturnType<typeof synthApp>;
  let api: Template;
  let apiJson: { Resources: Record<string, Resource> };
  let definition: StateMachineDefinitionJson;
  const id = (c: { node: { defaultChild?: unknown } }) => built.api.getLogicalId(c.node.defaultChild as CfnElement);
  const resource = (logicalId: string) => apiJson.Resources[logicalId]!;
  /** A reference to a data stack output, as the output's own value (`<CasesTable….Arn>`). */
  const acrossStacks = (node: unknown): string => {
    const outputs = Template.fromStack(built.data).toJSON().Outputs as Record<string, { Value: unknown }>;
    return flatten(node).replace(/<Tongban-test-Data\.([A-Za-z0-9]+)>/g, (_, name: string) => flatten(outputs[name]!.Value));
  };
  /** Every IAM statement of the API stack, with the roles it applies to (policies, inline role policies, managed policies). */
  const statements = (): { roles: string[]; statement: Statement }[] =>
    Object.entries(apiJson.Resources).flatMap(([logicalId, r]) => {
      const p = r.Properties ?? {};
      const docs: { roles: string[]; doc: unknown }[] =
        r.Type === 'AWS::IAM::Policy' || r.Type === 'AWS::IAM::ManagedPolicy'
          ? [{ roles: ((p.Roles as { Ref: string }[] | undefined) ?? []).map((x) => x.Ref), doc: p.PolicyDocument }]
          : r.Type === 'AWS::IAM::Role'
            ? ((p.Policies as { PolicyDocument: unknown }[] | undefined) ?? []).map((x) => ({ roles: [logicalId], doc: x.PolicyDocument }))
            : [];
      return docs.flatMap(({ roles, doc }) => (doc as { Statement: Statement[] }).Statement.map((statement) => ({ roles, statement })));
    });
  const actions = (s: Statement) => [s.Action].flat();
  const resources = (s: Statement) => [s.Resource].flat();
  /** The roles allowed `action` (by name or by a wildcard), with the resources. */
  const holders = (action: string) =>
    statements()
      .filter(({ statement }) => statement.Effect === 'Allow' && actions(statement).some((a) => actionMatches(a, action)))
      .map(({ roles, statement }) => ({ roles, resources: resources(statement) }));
  const roleOf = (fn: 'cases' | 'sweep' | 'joint') => id((fn === 'sweep' ? built.api.sweep.function : fn === 'joint' ? built.api.joint.function : built.api.functions[fn]).role!);
  const machineId = () => id(built.api.joint.stateMachine);
  const machineRoleId = () => id(built.api.joint.stateMachine.role);
  const states = () => definition.States;
  const branch = () => (states()[JOINT_STATES.opinions]!.ItemProcessor as { StartAt: string; States: Record<string, Json> }).States;

  beforeAll(() => {
    built = synthApp(CONFIG);
    api = Template.fromStack(built.api);
    apiJson = api.toJSON() as typeof apiJson;
    definition = definitionFromTemplate(apiJson, LOCAL_ARN);
  });
  afterAll(removeSynthOutputs);

  describe('state machine', () => {
    it('is one STANDARD state machine named after the stage, logging every event without execution data, traced, encrypted with a key of its own', () => {
      api.resourceCountIs('AWS::StepFunctions::StateMachine', 1);
      const groups = Object.entries(apiJson.Resources).filter(
        ([, r]) => r.Type === 'AWS::Logs::LogGroup' && r.Properties?.LogGroupName === '/aws/vendedlogs/states/tongban-test-joint-handling',
      );
      expect(groups).toHaveLength(1);
      const [groupId, group] = groups[0]!;
      expect(group.Properties?.RetentionInDays).toBe(CONFIG.logRetentionDays);
      expect(group.DeletionPolicy).toBe('Retain');
      const keyId = built.api.getLogicalId(built.api.joint.key.node.defaultChild as CfnElement);
      const machine = resource(machineId()).Properties!;
      expect(machine).toMatchObject({
        StateMachineName: 'tongban-test-joint-handling',
        StateMachineType: 'STANDARD',
        LoggingConfiguration: { Level: 'ALL', IncludeExecutionData: false, Destinations: [{ CloudWatchLogsLogGroup: { LogGroupArn: { 'Fn::GetAtt': [groupId, 'Arn'] } } }] },
        TracingConfiguration: { Enabled: true },
        EncryptionConfiguration: { Type: 'CUSTOMER_MANAGED_KMS_KEY' },
        RoleArn: { 'Fn::GetAtt': [machineRoleId(), 'Arn'] },
      });
      expect(acrossStacks((machine.EncryptionConfiguration as Json).KmsKeyId)).toBe(`<${keyId}.Arn>`);
      expect(machine.Definition).toBeUndefined();
    });

    it('has the states of the contract, starting at Dispatch, in JSONPath; a branch starts at NextStep with the answer Dispatch gave it', () => {
      expect(definition.StartAt).toBe(JOINT_STATES.dispatch);
      expect(definition.QueryLanguage).toBeUndefined();
      const names = [...Object.keys(states()), ...Object.keys(branch())];
      expect(names.sort()).toEqual(Object.values(JOINT_STATES).sort());
      expect((states()[JOINT_STATES.opinions]!.ItemProcessor as { StartAt: string }).StartAt).toBe(JOINT_STATES.nextStep);
    });

    it('dispatches with the case number, keeps the branches under $.dispatch and runs them all at once, each item as its branch input', () => {
      expect(states()[JOINT_STATES.dispatch]).toMatchObject({
        Type: 'Task',
        Resource: 'arn:aws:states:::lambda:invoke',
        Parameters: { FunctionName: LOCAL_ARN, Payload: { step: 'dispatch', 'caseNo.$': '$.caseNo' } },
        ResultSelector: { 'branches.$': '$.Payload.branches' },
        ResultPath: '$.dispatch',
        TimeoutSeconds: JOINT_STEP_TIMEOUT_SECONDS,
        Next: JOINT_STATES.opinions,
      });
      const opinions = states()[JOINT_STATES.opinions]!;
      // The Map ends the execution: no state after it to count.
      expect(opinions).toMatchObject({ Type: 'Map', ItemsPath: '$.dispatch.branches', MaxConcurrency: 0, ResultPath: null, End: true });
      expect(opinions.Next).toBeUndefined();
      expect(opinions.ItemSelector).toBeUndefined();
      expect(opinions.Parameters).toBeUndefined();
      expect(opinions.Iterator).toBeUndefined();
    });

    it('checks the task, and goes on as CheckTask says: wait, escalate, record the opinion missing, or done', () => {
      expect(branch()[JOINT_STATES.checkTask]).toMatchObject({
        Parameters: { FunctionName: LOCAL_ARN, Payload: { step: 'check', 'caseNo.$': '$.caseNo', 'departmentId.$': '$.departmentId' } },
        ResultSelector: { 'next.$': '$.Payload.next', 'waitSeconds.$': '$.Payload.waitSeconds' },
        ResultPath: CHECK_RESULT_PATH,
        Next: JOINT_STATES.nextStep,
      });
      expect(branch()[JOINT_STATES.nextStep]).toEqual({
        Type: 'Choice',
        Choices: [
          { Variable: '$.Payload.next', StringEquals: 'wait', Next: JOINT_STATES.awaitOpinion },
          { Variable: '$.Payload.next', StringEquals: 'escalate', Next: JOINT_STATES.escalate },
          { Variable: '$.Payload.next', StringEquals: 'record-missing', Next: JOINT_STATES.recordMissing },
        ],
        Default: JOINT_STATES.branchDone,
      });
      expect(branch()[JOINT_STATES.escalate]).toMatchObject({ Parameters: { Payload: { step: 'escalate' } }, ResultPath: null, Next: JOINT_STATES.checkTask });
      expect(branch()[JOINT_STATES.recordMissing]).toMatchObject({ Parameters: { Payload: { step: 'record-missing' } }, ResultPath: null, Next: JOINT_STATES.branchDone });
      expect(branch()[JOINT_STATES.branchDone]).toEqual({ Type: 'Succeed' });
    });

    it('waits for the opinion with a task token, at most waitSeconds, and ends the branch when it comes: a timeout checks again, an ended task ends the branch, never retried', () => {
      const wait = branch()[JOINT_STATES.awaitOpinion]!;
      expect(wait.Resource).toMatch(/lambda:invoke\.waitForTaskToken$/);
      expect(wait).toMatchObject({
        Parameters: {
          FunctionName: LOCAL_ARN,
          Payload: { step: 'await', 'caseNo.$': '$.caseNo', 'departmentId.$': '$.departmentId', 'taskToken.$': '$$.Task.Token', 'waitSeconds.$': WAIT_SECONDS_PATH },
        },
        TimeoutSecondsPath: WAIT_SECONDS_PATH,
        ResultPath: null,
        // The opinion resumed it: the branch ends with it.
        End: true,
      });
      expect(wait.Next).toBeUndefined();
      expect(wait.TimeoutSeconds).toBeUndefined();
      expect(wait.HeartbeatSeconds).toBeUndefined();
      expect(wait.Catch).toEqual([
        { ErrorEquals: ['States.Timeout'], ResultPath: null, Next: JOINT_STATES.checkTask },
        { ErrorEquals: [JOINT_TASK_ENDED], ResultPath: null, Next: JOINT_STATES.branchDone },
      ]);
      expect((wait.Retry as Json[])[0]).toEqual({ ErrorEquals: [JOINT_TASK_ENDED], MaxAttempts: 0 });
      expect(wait.Retry as Json[]).toHaveLength(2);
    });

    it('retries every Lambda step on transient failures with full-jitter backoff, and times out the non-callback ones', () => {
      const tasks = { ...states(), ...branch() };
      const lambdaSteps = Object.entries(tasks).filter(([, s]) => s.Type === 'Task');
      expect(lambdaSteps.map(([name]) => name).sort()).toEqual(
        [JOINT_STATES.dispatch, JOINT_STATES.checkTask, JOINT_STATES.awaitOpinion, JOINT_STATES.escalate, JOINT_STATES.recordMissing, JOINT_STATES.recordFailure].sort(),
      );
      const common = {
        ErrorEquals: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException', 'States.TaskFailed'],
        IntervalSeconds: 2,
        MaxAttempts: 4,
        BackoffRate: 2,
        JitterStrategy: 'FULL',
      };
      expect([...JOINT_RETRY.errors]).toEqual(common.ErrorEquals);
      for (const [name, step] of lambdaSteps) {
        expect(step.Resource, name).toMatch(/^arn:aws:states:::lambda:invoke(\.waitForTaskToken)?$/);
        expect((step.Parameters as Json).FunctionName, name).toBe(LOCAL_ARN);
        // The whole invocation result (payloadResponseOnly false), and only our retries (no CDK default).
        expect((step.Retry as Json[]).at(-1), name).toEqual(common);
        if (name !== JOINT_STATES.awaitOpinion) {
          expect(step.Retry, name).toHaveLength(1);
          expect(step.TimeoutSeconds, name).toBe(JOINT_STEP_TIMEOUT_SECONDS);
        }
      }
    });

    it('records a failure of Dispatch or Opinions (any error left after the retries), then fails', () => {
      for (const name of [JOINT_STATES.dispatch, JOINT_STATES.opinions]) {
        expect(states()[name]!.Catch, name).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.failure', Next: JOINT_STATES.recordFailure }]);
      }
      expect(states()[JOINT_STATES.recordFailure]).toMatchObject({
        Parameters: { FunctionName: LOCAL_ARN, Payload: { step: 'fail', 'caseNo.$': '$.caseNo', 'failure.$': '$.failure' } },
        ResultPath: null,
        Next: JOINT_STATES.failed,
      });
      expect(states()[JOINT_STATES.failed]).toEqual({ Type: 'Fail', Error: 'JointHandlingFailed', Cause: JOINT_FAILED_CAUSE });
      expect(JOINT_FAILED_CAUSE).toBe("joint handling of the case failed; see the execution history and the case's jointFailure");
    });

    it('alarms when an execution failed, timed out or was aborted', () => {
      api.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: 'tongban-test-joint-handling-failed',
        AlarmDescription: Match.stringLikeRegexp('a joint handling execution failed, timed out or was aborted: see the execution history'),
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        EvaluationPeriods: 1,
        TreatMissingData: 'notBreaching',
        Metrics: Match.arrayWith([
          Match.objectLike({ Expression: 'failed + timedOut + aborted', ReturnData: true }),
          ...['ExecutionsFailed', 'ExecutionsTimedOut', 'ExecutionsAborted'].map((metricName) =>
            Match.objectLike({
              ReturnData: false,
              MetricStat: {
                Metric: { Namespace: 'AWS/States', MetricName: metricName, Dimensions: [{ Name: 'StateMachineArn', Value: { Ref: machineId() } }] },
                Period: 300,
                Stat: 'Sum',
              },
            }),
          ),
        ]),
      });
      expect(built.api.joint.alarm.alarmName).toBeDefined();
    });
  });

  describe('permissions', () => {
    it('lets the cases function alone send task success, on the state machine only; nobody fails, heartbeats or stops an execution', () => {
      const success = holders('states:SendTaskSuccess');
      expect(success).toEqual([{ roles: [roleOf('cases')], resources: [{ Ref: machineId() }] }]);
      for (const action of ['states:SendTaskFailure', 'states:SendTaskHeartbeat', 'states:StopExecution', 'states:RedriveExecution', 'states:UpdateStateMachine']) {
        expect(holders(action), action).toEqual([]);
      }
      expect(holdersOf(JOINT_ACCESS)).toEqual({ cases: ['states:StartExecution', 'states:SendTaskSuccess'], sweep: ['states:StartExecution'] });
    });

    it('lets the cases function and the sweep start executions, of this state machine only, and gives them its ARN', () => {
      const start = holders('states:StartExecution');
      expect(start.flatMap((h) => h.roles).sort()).toEqual([roleOf('cases'), roleOf('sweep')].sort());
      for (const h of start) expect(h.resources).toEqual([{ Ref: machineId() }]);
      // No other states: action anywhere.
      const states = statements().flatMap(({ roles, statement }) =>
        actions(statement)
          .filter((a) => a.startsWith('states:'))
          .map((a) => `${roles.join(',')} ${a}`),
      );
      expect(states.sort()).toEqual([`${roleOf('cases')} states:StartExecution`, `${roleOf('cases')} states:SendTaskSuccess`, `${roleOf('sweep')} states:StartExecution`].sort());
      for (const fn of [built.api.functions.cases, built.api.sweep.function]) {
        expect((resource(id(fn)).Properties!.Environment as { Variables: Json }).Variables.JOINT_STATE_MACHINE_ARN).toEqual({ Ref: machineId() });
      }
      for (const fn of [built.api.functions.catalogue, built.api.functions.platform, built.api.joint.function]) {
        expect((resource(id(fn)).Properties!.Environment as { Variables: Json }).Variables.JOINT_STATE_MACHINE_ARN).toBeUndefined();
      }
    });

    it("gives the starters the workflow key for the encrypted executions (kms:GenerateDataKey, kms:Decrypt), besides the data key for their tables (the archive key is the anchoring function's, not the sweep's)", () => {
      const workflowKey = `<${built.api.getLogicalId(built.api.joint.key.node.defaultChild as CfnElement)}.Arn>`;
      const dataKey = `<${built.data.getLogicalId(built.data.dataKey.node.defaultChild as CfnElement)}.Arn>`;
      for (const fn of ['cases', 'sweep'] as const) {
        for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
          const granted = holders(action).filter((h) => h.roles.includes(roleOf(fn)));
          expect(granted.flatMap((h) => h.resources.map(acrossStacks)).sort(), `${fn} ${action}`).toEqual([dataKey, workflowKey].sort());
        }
      }
      // Nobody else may use the workflow key but the state machine role.
      const users = statements()
        .filter(({ statement }) => resources(statement).map(acrossStacks).includes(workflowKey))
        .flatMap(({ roles }) => roles);
      expect(new Set(users)).toEqual(new Set([roleOf('cases'), roleOf('sweep'), machineRoleId()]));
    });

    it('keeps the data key policy to the account and the case event bus (the log-delivery decrypt statement goes on the workflow key, which rotates and is retained)', () => {
      const dataKey = Object.values(Template.fromStack(built.data).toJSON().Resources as Record<string, Resource>).find((r) => r.Type === 'AWS::KMS::Key')!;
      const principals = (k: Resource) =>
        (k.Properties!.KeyPolicy as { Statement: (Statement & { Principal: { AWS?: unknown; Service?: unknown } })[] }).Statement.map((st) => ({
          ...st,
          Principal: flatten(st.Principal.AWS ?? st.Principal.Service),
        }));
      // The account's, and EventBridge's for the case event bus alone (its events, and its archive's, encrypted with it).
      const [account, bus, archive, describeKey, ...more] = principals(dataKey);
      // Besides them, the key guard every key carries (test/infra/backup.test.ts).
      expect(more.map((st) => (st as { Sid?: string }).Sid)).toEqual([KEY_GUARD_SID]);
      expect(archive).toMatchObject({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey', 'kms:ReEncrypt*'], Principal: 'events.amazonaws.com', Resource: '*' });
      expect(flatten((archive!.Condition as { StringEquals: Record<string, unknown> }).StringEquals['kms:EncryptionContext:aws:events:event-bus:arn'])).toBe(
        'arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:event-bus/tongban-test-cases',
      );
      expect(describeKey).toMatchObject({ Effect: 'Allow', Action: 'kms:DescribeKey', Principal: 'events.amazonaws.com', Resource: '*' });
      expect(account).toEqual({ Effect: 'Allow', Action: 'kms:*', Principal: 'arn:<AWS::Partition>:iam::<AWS::AccountId>:root', Resource: '*' });
      const { Condition, ...busGrant } = bus!;
      expect(busGrant).toEqual({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:DescribeKey', 'kms:GenerateDataKey'], Principal: 'events.amazonaws.com', Resource: '*' });
      const busArn = 'arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:event-bus/tongban-test-cases';
      expect(Object.fromEntries(Object.entries((Condition as { StringEquals: Record<string, unknown> }).StringEquals).map(([k, v]) => [k, flatten(v)]))).toEqual({
        'aws:SourceAccount': '<AWS::AccountId>',
        'aws:SourceArn': busArn,
        'kms:EncryptionContext:aws:events:event-bus:arn': busArn,
      });
      const workflowKey = resource(built.api.getLogicalId(built.api.joint.key.node.defaultChild as CfnElement));
      expect(workflowKey).toMatchObject({ DeletionPolicy: 'Retain', Properties: { EnableKeyRotation: true } });
      expect(principals(workflowKey)).toEqual([
        { Effect: 'Allow', Action: 'kms:*', Principal: 'arn:<AWS::Partition>:iam::<AWS::AccountId>:root', Resource: '*' },
        { Effect: 'Allow', Action: 'kms:Decrypt*', Principal: 'delivery.logs.amazonaws.com', Resource: '*' },
      ]);
    });

    it('lets the state machine role invoke the joint function (and its versions) and nothing else; write its logs and traces; use the key for its own executions', () => {
      const own = statements().filter(({ roles }) => roles.includes(machineRoleId()));
      expect(own.every(({ roles }) => roles.length === 1)).toBe(true);
      const fnId = id(built.api.joint.function);
      const invoke = own.filter(({ statement }) => actions(statement).some((a) => a.startsWith('lambda:')));
      expect(invoke.map(({ statement }) => actions(statement))).toEqual([['lambda:InvokeFunction']]);
      expect(resources(invoke[0]!.statement).map(flatten)).toEqual([`<${fnId}.Arn>`, `<${fnId}.Arn>:*`]);
      // No other role may invoke the joint function, and no resource policy lets anything else.
      expect(
        holders('lambda:InvokeFunction')
          .filter((h) => h.resources.some((r) => flatten(r).includes(fnId)))
          .map((h) => h.roles),
      ).toEqual([[machineRoleId()]]);
      expect(Object.values(apiJson.Resources).filter((r) => r.Type === 'AWS::Lambda::Permission' && JSON.stringify(r.Properties).includes(fnId))).toEqual([]);
      expect(Object.values(apiJson.Resources).filter((r) => r.Type === 'AWS::ApiGateway::Method' && JSON.stringify(r.Properties).includes(fnId))).toEqual([]);
      // Resource "*": log delivery and X-Ray only.
      const star = own.filter(({ statement }) => resources(statement).includes('*')).flatMap(({ statement }) => actions(statement));
      expect(
        star.every((a) =>
          /^(logs:(CreateLogDelivery|GetLogDelivery|UpdateLogDelivery|DeleteLogDelivery|ListLogDeliveries|PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)|xray:(PutTraceSegments|PutTelemetryRecords|GetSamplingRules|GetSamplingTargets))$/.test(
            a,
          ),
        ),
        star.join(),
      ).toBe(true);
      // The key: only with the encryption context of this state machine, or of log delivery.
      const kms = own.filter(({ statement }) => actions(statement).some((a) => a.startsWith('kms:')));
      expect(kms.length).toBeGreaterThan(0);
      for (const { statement } of kms) expect(JSON.stringify(statement.Condition)).toMatch(/kms:EncryptionContext:(aws:states:stateMachineArn|SourceArn)/);
      expect(new Set(own.flatMap(({ statement }) => actions(statement)).map((a) => a.split(':')[0]))).toEqual(new Set(['lambda', 'kms', 'logs', 'xray']));
    });

    it('runs the joint function on Node 22 arm64, traced, 60 s, with the cases table (GetItem, PutItem and Query, no index) and the calendar partition of items (Query)', () => {
      expect(SCHEDULED_FUNCTION_NAMES).toContain('joint');
      expect(FUNCTION_NAMES as readonly string[]).not.toContain('joint');
      const fn = resource(id(built.api.joint.function)).Properties!;
      expect(fn).toMatchObject({
        Runtime: 'nodejs22.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
        TracingConfig: { Mode: 'Active' },
        Timeout: JOINT_FUNCTION_TIMEOUT_SECONDS,
      });
      // A slow invocation fails as a function error (retried), before the step's own timeout (not retried).
      expect(JOINT_FUNCTION_TIMEOUT_SECONDS * 2).toBeLessThan(JOINT_STEP_TIMEOUT_SECONDS);
      const variables = (fn.Environment as { Variables: Json }).Variables;
      expect(Object.keys(variables).sort()).toEqual(['CASES_TABLE', 'ITEMS_TABLE', 'POWERTOOLS_LOG_LEVEL', 'POWERTOOLS_METRICS_NAMESPACE', 'POWERTOOLS_SERVICE_NAME']);
      expect(TABLE_ACCESS.joint).toEqual({ cases: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'] } });
      expect(MATERIALS_ACCESS.joint).toEqual({});
      const casesArn = `<${built.data.getLogicalId(built.data.casesTable.node.defaultChild as CfnElement)}.Arn>`;
      const grants = statements()
        .filter(({ roles }) => roles.includes(roleOf('joint')))
        .flatMap(({ statement }) => actions(statement).flatMap((a) => resources(statement).map((r) => `${a} ${acrossStacks(r)}`)));
      const itemsArn = `<${built.data.getLogicalId(built.data.itemsTable.node.defaultChild as CfnElement)}.Arn>`;
      expect(grants.filter((g) => g.startsWith('dynamodb:')).sort()).toEqual(
        [`dynamodb:GetItem ${casesArn}`, `dynamodb:PutItem ${casesArn}`, `dynamodb:Query ${casesArn}`, `dynamodb:Query ${itemsArn}`].sort(),
      );
      // The items table only through the calendar partition (dynamodb:LeadingKeys).
      const onItems = statements()
        .filter(({ roles }) => roles.includes(roleOf('joint')))
        .filter(({ statement }) => resources(statement).some((r) => acrossStacks(r) === itemsArn));
      expect(onItems.map(({ statement }) => (statement as { Condition?: unknown }).Condition)).toEqual([{ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['CALENDAR'] } }]);
      expect(new Set(grants.map((g) => g.split(':')[0]))).toEqual(new Set(['logs', 'xray', 'dynamodb', 'kms']));
      expect(grants.filter((g) => g.startsWith('states:') || g.startsWith('s3:') || g.includes('/index/'))).toEqual([]);
    });
  });

  describe('cdk-nag', () => {
    it('has no unacknowledged AwsSolutions finding; SF1 and SF2 pass by configuration', () => {
      for (const stack of stacksOf(built)) {
        expect(Annotations.fromStack(stack).findError('*', Match.stringLikeRegexp('AwsSolutions-.*')), stack.stackName).toEqual([]);
        expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')), stack.stackName).toEqual([]);
        expect(new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack).violations, stack.stackName).toEqual([]);
      }
      const acknowledged = Object.values(apiJson.Resources).flatMap((r) => r.Metadata?.cdk_nag?.rules_to_suppress ?? []);
      expect(acknowledged.filter((a) => a.id.startsWith('AwsSolutions-SF'))).toEqual([]);
    });

    it('acknowledges on the state machine role only Resource * (log delivery, X-Ray) and the versions of the joint function', () => {
      const policy = id(built.api.joint.stateMachine.role.node.findChild('DefaultPolicy'));
      const fnId = id(built.api.joint.function);
      expect(resource(policy).Metadata?.cdk_nag?.rules_to_suppress).toEqual([
        { id: 'AwsSolutions-IAM5[Resource::*]', reason: JOINT_ROLE_STAR_REASON },
        { id: `AwsSolutions-IAM5[Resource::<${fnId}.Arn>:*]`, reason: JOINT_INVOKE_WILDCARD_REASON },
      ]);
      expect(resource(machineId()).Metadata?.cdk_nag).toBeUndefined();
    });
  });

  describe('the embedded definition', () => {
    it('is the deployed one', () => {
      expect(embeddedJointDefinition(LOCAL_ARN)).toEqual(definitionFromTemplate(apiJson, LOCAL_ARN));
    });

    it('is resolved from the template with the function ARN and the partition, and nothing else', () => {
      const fnId = id(built.api.joint.function);
      expect(JSON.stringify(definitionFromTemplate(apiJson, 'arn:aws-cn:lambda:cn-north-1:210987654321:function:tongban-prod-joint', 'aws-cn'))).toContain(
        '"Resource":"arn:aws-cn:states:::lambda:invoke","Parameters":{"FunctionName":"arn:aws-cn:lambda:cn-north-1:210987654321:function:tongban-prod-joint"',
      );
      const machine = (definitionString: unknown, extra: Record<string, Resource> = {}) => ({
        Resources: {
          Fn: { Type: 'AWS::Lambda::Function' },
          Other: { Type: 'AWS::SQS::Queue' },
          M: { Type: 'AWS::StepFunctions::StateMachine', Properties: { DefinitionString: definitionString } },
          ...extra,
        },
      });
      const join = (...parts: unknown[]) => ({ 'Fn::Join': ['', parts] });
      const ok = join(
        '{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"',
        { 'Fn::GetAtt': ['Fn', 'Arn'] },
        '","Comment":"',
        { Ref: 'AWS::Region' },
        ' ',
        { Ref: 'AWS::AccountId' },
        '"}}}',
      );
      expect(definitionFromTemplate(machine(ok), LOCAL_ARN).States.A).toEqual({ Type: 'Task', Resource: LOCAL_ARN, Comment: 'cn-north-1 000000000000' });
      expect(() => definitionFromTemplate(machine(join('{"StartAt":"', { Ref: 'Other' }, '"}')), LOCAL_ARN)).toThrow(/cannot resolve/);
      expect(() => definitionFromTemplate(machine(join('{"StartAt":"', { 'Fn::GetAtt': ['Other', 'Arn'] }, '"}')), LOCAL_ARN)).toThrow(/cannot resolve/);
      expect(() => definitionFromTemplate(machine(join('{"StartAt":"', { 'Fn::ImportValue': 'x' }, '"}')), LOCAL_ARN)).toThrow(/cannot resolve/);
      expect(() => definitionFromTemplate(machine(ok, { Fn2: { Type: 'AWS::Lambda::Function' }, M2: { Type: 'AWS::StepFunctions::StateMachine' } }), LOCAL_ARN)).toThrow(/found 2/);
      expect(() => definitionFromTemplate(machine(ok), 'arn:aws:sqs:cn-north-1:000000000000:q')).toThrow(/not a Lambda function ARN/);
      expect(fnId).toMatch(/^JointFunction/);
    });
  });
});
