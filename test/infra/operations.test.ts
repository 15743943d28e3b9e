// Operations as CloudFormation: the alarm topic (KMS-encrypted with a key CloudWatch and EventBridge may
// use, TLS only, the configured addresses subscribed), every alarm of every stack notifying it on ALARM
// and OK, the alarms on the API (5xx, p99 latency), on each function (errors, throttles), each
// dead-letter queue, each table's throttles and the account's KMS request rate, the key guard's rule,
// the dashboard, and the WAF's rules (rate per signing session, per IP, managed groups).
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { buildTongbanApp } from '../../infra/app.ts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAMBDA_NAMES } from '../../functions/manifests.ts';
import { KEY_GUARD_EVENT_NAMES } from '../../infra/constructs/key-guard.ts';
import { API_LATENCY_P99_MS } from '../../infra/constructs/platform-alarms.ts';
import { WAF_MANAGED_RULE_GROUPS, WAF_SESSION_KEY_HEADER } from '../../infra/constructs/tongban-api.ts';
import { CHANNELS, DEPARTMENTS } from '../support/directory-fixtures.ts';
import { configProblem, newApp, removeSynthOutputs, synthApp } from '../support/synth-app.ts';

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties?: Json;
}
interface StackTemplate {
  Resources: Record<string, Resource>;
  Outputs?: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
}

const EMAILS = ['tongban-oncall@example.gov.cn', 'platform-team@example.gov.cn'];
const CONFIG = {
  replicaRegion: 'cn-northwest-1',
  stage: 'test',
  logRetentionDays: 365,
  alarmEmails: EMAILS,
  departments: [DEPARTMENTS.market],
  channels: [CHANNELS.portal],
  principals: [{ name: 'reviewer', role: 'platform', trustedAccount: 'self' }],
};

describe('operations (test configuration)', () => {
  let built: ReturnType<typeof synthApp>;
  let templates: Record<string, StackTemplate>;
  let data: StackTemplate;
  let api: StackTemplate;
  let topicId: string;
  const ofType = (t: StackTemplate, type: string) => Object.entries(t.Resources).filter(([, r]) => r.Type === type);
  const alarmsOf = (t: StackTemplate) => Object.fromEntries(ofType(t, 'AWS::CloudWatch::Alarm').map(([, a]) => [a.Properties!.AlarmName as string, a.Properties!]));
  /** What a property stands for in the data stack: itself there, or the value of the data stack's output another stack reads (Fn::GetStackOutput, or an export's Fn::ImportValue). */
  const inData = (value: unknown): unknown => {
    const output = (value as { 'Fn::GetStackOutput'?: { StackName: string; OutputName: string } })['Fn::GetStackOutput'];
    if (output !== undefined) return output.StackName === built.data.stackName ? data.Outputs?.[output.OutputName]?.Value : undefined;
    const name = (value as { 'Fn::ImportValue'?: string })['Fn::ImportValue'];
    if (name === undefined) return value;
    return Object.values(data.Outputs ?? {}).find((o) => o.Export?.Name === name)?.Value;
  };

  beforeAll(() => {
    built = synthApp(CONFIG);
    templates = Object.fromEntries([built.data, built.api, built.principals].map((s) => [s.stackName, Template.fromStack(s).toJSON() as StackTemplate]));
    data = templates[built.data.stackName]!;
    api = templates[built.api.stackName]!;
    topicId = built.data.getLogicalId(built.data.alarmTopic.node.defaultChild as CfnElement);
  });
  afterAll(removeSynthOutputs);

  describe('the alarm topic', () => {
    it('is tongban-<stage>-alarms, encrypted with a key of its own that CloudWatch and EventBridge may use, TLS only', () => {
      const topic = data.Resources[topicId]!;
      expect(topic.Properties).toMatchObject({ TopicName: 'tongban-test-alarms' });
      const keyRef = topic.Properties!.KmsMasterKeyId as { 'Fn::GetAtt': [string, string] };
      const key = data.Resources[keyRef['Fn::GetAtt'][0]]!;
      expect(key.Properties).toMatchObject({ EnableKeyRotation: true });
      const statements = (key.Properties!.KeyPolicy as { Statement: Json[] }).Statement;
      const publishers = statements.find((s) => s.Sid === 'AlarmPublishersUseTheKey')!;
      expect(publishers).toMatchObject({ Effect: 'Allow', Resource: '*' });
      expect((publishers.Principal as { Service: string[] }).Service.sort()).toEqual(['cloudwatch.amazonaws.com', 'events.amazonaws.com']);
      expect([publishers.Action].flat().sort()).toEqual(['kms:Decrypt', 'kms:GenerateDataKey*']);
      // Nothing else of the data key: the data key's policy names neither service.
      const dataKey = data.Resources[built.data.getLogicalId(built.data.dataKey.node.defaultChild as CfnElement)]!;
      expect(JSON.stringify(dataKey.Properties!.KeyPolicy)).not.toContain('cloudwatch.amazonaws.com');

      const [, policy] = ofType(data, 'AWS::SNS::TopicPolicy').find(([, p]) => JSON.stringify(p.Properties!.Topics) === JSON.stringify([{ Ref: topicId }]))!;
      const topicStatements = (policy.Properties!.PolicyDocument as { Statement: Json[] }).Statement;
      expect(topicStatements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
      expect(topicStatements).toContainEqual(expect.objectContaining({ Sid: 'CloudWatchAlarmsPublish', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' } }));
      expect(topicStatements).toContainEqual(expect.objectContaining({ Effect: 'Allow', Action: 'sns:Publish', Principal: { Service: 'events.amazonaws.com' } }));
    });

    it('subscribes every configured address by e-mail, and nothing else', () => {
      const subscriptions = ofType(data, 'AWS::SNS::Subscription').map(([, s]) => s.Properties!);
      expect(subscriptions.map((s) => s.Endpoint).sort()).toEqual([...EMAILS].sort());
      for (const s of subscriptions) expect(s).toMatchObject({ Protocol: 'email', TopicArn: { Ref: topicId } });
    });

    it('is given to the API stack (DataResources.alarmTopic)', () => {
      expect(built.data.dataResources().alarmTopic).toBe(built.data.alarmTopic);
    });
  });

  it('gives every alarm of every stack the topic as its alarm action and its OK action', () => {
    let count = 0;
    for (const [name, template] of Object.entries(templates)) {
      for (const [id, alarm] of ofType(template, 'AWS::CloudWatch::Alarm')) {
        count += 1;
        expect((alarm.Properties!.AlarmActions as unknown[]).map(inData), `${name} ${id}`).toEqual([{ Ref: topicId }]);
        expect((alarm.Properties!.OKActions as unknown[]).map(inData), `${name} ${id}`).toEqual([{ Ref: topicId }]);
      }
    }
    expect(count).toBeGreaterThan(50);
  });

  it('fails synth on an alarm made as a bare CfnAlarm, which the topic would miss', () => {
    const app = newApp(CONFIG);
    const stacks = buildTongbanApp(app);
    new CfnAlarm(stacks.api, 'Bare', {
      comparisonOperator: 'GreaterThanThreshold',
      evaluationPeriods: 1,
      threshold: 0,
      metricName: 'Errors',
      namespace: 'AWS/Lambda',
      period: 60,
      statistic: 'Sum',
    });
    expect(() => app.synth()).toThrow(/AlarmNotifications gives only those the alarm topic/);
  });

  describe('the alarms', () => {
    it('watch the API: 5xx (count and rate) and p99 latency', () => {
      const alarms = alarmsOf(api);
      const serverErrors = alarms['tongban-test-api-5xx']!;
      const metrics = serverErrors.Metrics as { Id: string; Expression?: string; MetricStat?: { Metric: { MetricName: string } } }[];
      expect(metrics.find((m) => m.Expression !== undefined)!.Expression).toMatch(/errors >= 5.*100 \* errors \/ requests/);
      expect(metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric.MetricName] : [])).sort()).toEqual(['5XXError', 'Count']);
      expect(alarms['tongban-test-api-latency']).toMatchObject({
        MetricName: 'Latency',
        Namespace: 'AWS/ApiGateway',
        ExtendedStatistic: 'p99',
        Threshold: API_LATENCY_P99_MS,
        EvaluationPeriods: 5,
        DatapointsToAlarm: 3,
        Period: 60,
      });
    });

    it("watch every function's errors and throttles — the sealing function's included", () => {
      const alarms = alarmsOf(api);
      expect(alarms['tongban-test-sealing-errors']).toMatchObject({ MetricName: 'Errors', Namespace: 'AWS/Lambda', Threshold: 0 });
      expect(alarms['tongban-test-sealing-throttles']).toMatchObject({ MetricName: 'Throttles', Namespace: 'AWS/Lambda', Threshold: 0 });
      const sealingName = built.api.resolve(built.api.sealing.functionName);
      expect((alarms['tongban-test-sealing-throttles']!.Dimensions as Json[])[0]).toEqual({ Name: 'FunctionName', Value: sealingName });
      for (const name of LAMBDA_NAMES) {
        const fn = built.api.resolve(built.api.lambda(name).functionName);
        const watching = (metric: string) =>
          Object.values(alarms).filter((a) => a.MetricName === metric && JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'FunctionName', Value: fn }]));
        expect(watching('Errors'), `${name} errors`).toHaveLength(1);
        expect(watching('Throttles'), `${name} throttles`).toHaveLength(1);
      }
    });

    it('watch every dead-letter queue: a message visible sets them off', () => {
      const alarms = Object.values(alarmsOf(api));
      const queues = LAMBDA_NAMES.flatMap((name) => {
        const dlq = (built.api as unknown as { built: Record<string, { deadLetters?: { node: { defaultChild?: unknown } } }> }).built[name]!.deadLetters;
        return dlq ? [[name, built.api.getLogicalId(dlq.node.defaultChild as CfnElement)] as const] : [];
      });
      expect(queues.map(([name]) => name)).toEqual(expect.arrayContaining(['sweep', 'archive', 'relay', 'feedback-relay', 'deliveries', 'tally', 'watch']));
      for (const [name, queueId] of queues) {
        const watching = alarms.filter(
          (a) =>
            a.MetricName === 'ApproximateNumberOfMessagesVisible' &&
            JSON.stringify(a.Dimensions) === JSON.stringify([{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }]),
        );
        expect(watching, name).toHaveLength(1);
        expect(watching[0]).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
      }
    });

    it("watch each table's throttled requests, in the data stack", () => {
      const alarms = alarmsOf(data);
      for (const table of ['items', 'directory', 'cases', 'events', 'supervision', 'statistics', 'feedback']) {
        const alarm = alarms[`tongban-test-${table}-table-throttles`];
        expect(alarm, table).toBeDefined();
        const metrics = alarm!.Metrics as { MetricStat?: { Metric: { MetricName: string; Dimensions: { Name: string; Value: unknown }[] } } }[];
        const stats = metrics.flatMap((m) => (m.MetricStat ? [m.MetricStat.Metric] : []));
        expect(stats.length, table).toBe(10);
        for (const m of stats) expect(m.MetricName).toBe('ThrottledRequests');
        expect(new Set(stats.map((m) => m.Dimensions.find((d) => d.Name === 'Operation')!.Value))).toContain('Query');
      }
    });

    it("watch the account's KMS request rate against its quotas (AWS/Usage CallCount, SERVICE_QUOTA)", () => {
      const alarms = alarmsOf(data);
      for (const [name, resource] of [
        ['tongban-test-kms-symmetric-quota', 'CryptographicOperationsSymmetric'],
        ['tongban-test-kms-ecc-quota', 'CryptographicOperationsEcc'],
      ] as const) {
        const metrics = alarms[name]!.Metrics as { Expression?: string; MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: Json[] } } }[];
        expect(metrics.find((m) => m.Expression)!.Expression).toContain('SERVICE_QUOTA(calls)');
        const call = metrics.find((m) => m.MetricStat)!.MetricStat!.Metric;
        expect(call).toMatchObject({ Namespace: 'AWS/Usage', MetricName: 'CallCount' });
        expect(call.Dimensions).toEqual(
          expect.arrayContaining([
            { Name: 'Service', Value: 'KMS' },
            { Name: 'Resource', Value: resource },
          ]),
        );
      }
    });
  });

  it('sends any attempt to disable a KMS key or schedule its deletion to the topic (key guard)', () => {
    const rules = ofType(data, 'AWS::Events::Rule').filter(([, r]) => (r.Properties!.EventPattern as Json | undefined)?.source !== undefined);
    const [, guard] = rules.find(([, r]) => JSON.stringify(r.Properties!.EventPattern).includes('aws.kms'))!;
    expect(guard.Properties!.EventPattern).toEqual({
      source: ['aws.kms'],
      'detail-type': ['AWS API Call via CloudTrail'],
      detail: { eventSource: ['kms.amazonaws.com'], eventName: [...KEY_GUARD_EVENT_NAMES] },
    });
    expect(KEY_GUARD_EVENT_NAMES).toEqual(expect.arrayContaining(['ScheduleKeyDeletion', 'DisableKey']));
    expect((guard.Properties!.Targets as Json[]).map((t) => t.Arn)).toEqual([{ Ref: topicId }]);
  });

  it('has the dashboard tongban-<stage>: API, functions, dead letters, tables and the alarms', () => {
    const [[, dashboard]] = ofType(api, 'AWS::CloudWatch::Dashboard') as [[string, Resource]];
    expect(dashboard.Properties!.DashboardName).toBe('tongban-test');
    const body = JSON.stringify(dashboard.Properties!.DashboardBody);
    for (const title of [
      'API requests, 4xx, 5xx',
      'API latency',
      'Function errors',
      'Function throttles',
      'Function duration',
      'Dead-letter queues',
      'DynamoDB throttled requests',
      'Alarms',
    ])
      expect(body, title).toContain(title);
    expect(body).toContain('tongban-test-kms-ecc-quota');
    expect(body).toContain('tongban-test-cases-table-throttles');
  });

  describe('the WAF', () => {
    const rules = () => {
      const [[, acl]] = ofType(api, 'AWS::WAFv2::WebACL') as [[string, Resource]];
      return acl.Properties!.Rules as { Name: string; Priority: number; Statement: Json }[];
    };

    it('limits the rate per signing session (the x-amz-security-token), with a per-IP ceiling far higher', () => {
      const session = rules().find((r) => r.Name === 'rate-limit-per-session')!;
      const statement = session.Statement.RateBasedStatement as { AggregateKeyType: string; CustomKeys: Json[]; Limit: number };
      expect(statement.AggregateKeyType).toBe('CUSTOM_KEYS');
      expect(statement.CustomKeys).toEqual([{ Header: { Name: WAF_SESSION_KEY_HEADER, TextTransformations: [{ Priority: 0, Type: 'NONE' }] } }]);
      const ceiling = rules().find((r) => r.Name === 'rate-limit-per-ip')!.Statement.RateBasedStatement as { AggregateKeyType: string; Limit: number };
      expect(ceiling.AggregateKeyType).toBe('IP');
      expect(ceiling.Limit).toBeGreaterThanOrEqual(5 * statement.Limit);
      const unsigned = rules().find((r) => r.Name === 'rate-limit-unsigned-per-ip')!.Statement.RateBasedStatement as Json;
      expect(JSON.stringify(unsigned.ScopeDownStatement)).toContain('"authorization"');
    });

    it('uses the managed groups IP reputation, common rules and known bad inputs, within the capacity of a web ACL', () => {
      const managed = rules().flatMap((r) => {
        const group = r.Statement.ManagedRuleGroupStatement as { VendorName: string; Name: string } | undefined;
        return group ? [group.Name] : [];
      });
      expect(managed.sort()).toEqual([...WAF_MANAGED_RULE_GROUPS].sort());
      expect(managed).toEqual(expect.arrayContaining(['AWSManagedRulesKnownBadInputsRuleSet', 'AWSManagedRulesAmazonIpReputationList']));
      // WCU: the managed groups' published capacities, 2 per rate rule and 1 per scope-down statement.
      const capacity: Record<string, number> = { AWSManagedRulesCommonRuleSet: 700, AWSManagedRulesKnownBadInputsRuleSet: 200, AWSManagedRulesAmazonIpReputationList: 25 };
      const rate = rules().filter((r) => r.Statement.RateBasedStatement !== undefined);
      expect(managed.reduce((sum, name) => sum + capacity[name]!, 0) + rate.length * 2 + 1).toBeLessThan(1500);
      expect(new Set(rules().map((r) => r.Priority)).size).toBe(rules().length);
    });
  });
});

describe('alarmEmails (configuration)', () => {
  const problem = (alarmEmails: unknown) => configProblem({ ...CONFIG, alarmEmails });

  it('takes 1 to 10 distinct e-mail addresses, and is required', () => {
    expect(problem(EMAILS)).toBeUndefined();
    expect(problem(Array.from({ length: 10 }, (_, i) => `oncall-${i}@example.gov.cn`))).toBeUndefined();
    expect(problem(undefined)).toMatch(/alarmEmails must list the 1-10 e-mail addresses/);
    expect(problem([])).toMatch(/alarmEmails must list at least one e-mail address/);
    expect(problem(Array.from({ length: 11 }, (_, i) => `oncall-${i}@example.gov.cn`))).toMatch(/at most 10 addresses/);
    expect(problem(['not-an-address'])).toMatch(/each entry must be an e-mail address/);
    expect(problem(['oncall@example.gov.cn', 'OnCall@example.gov.cn'])).toMatch(/duplicate alarm e-mail address/);
  });
});
