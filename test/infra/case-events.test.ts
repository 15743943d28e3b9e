// The platform's events as CloudFormation: the cases and feedback tables' streams (NEW_IMAGE: each new
// history entry with its event, the outbox), the platform's own bus encrypted with the data key and its
// archive (for a replay), and the two relays — each its event source mapping on its table's stream
// (only entry inserts, in order, a batch at a time, the first failed record handed over again, failing
// batches split and then recorded in its dead-letter queue), the queue (encrypted, TLS only), its alarm,
// and PutEvents on the bus held by the relays alone; the deliveries function fed every event, the
// statistics and the watch the case events alone. One synthesis of the test configuration serves every test.
import type { CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CASE_EVENT_ARCHIVE_DAYS } from '../../infra/stacks/data-stack.ts';
import { MANIFESTS } from '../../functions/manifests.ts';
import { ENTRY_PREFIX } from '../../shared/adapters/case-items.ts';
import { CHAINED_ENTRY_PREFIX } from '../../shared/adapters/dynamo-chained-records.ts';
import { CASE_EVENT_BUS_SOURCE } from '../../shared/contracts/case-events.ts';
import { FEEDBACK_EVENT_BUS_SOURCE } from '../../shared/contracts/feedback-events.ts';
import { CHANNELS, DEPARTMENTS } from '../support/directory-fixtures.ts';
import { flatten } from '../support/cfn-values.ts';
import { actionMatches } from '../support/iam-patterns.ts';
import { removeSynthOutputs, synthApp } from '../support/synth-app.ts';

type Json = Record<string, unknown>;
interface Resource {
  Type: string;
  Properties?: Json;
  DeletionPolicy?: string;
}

const CONFIG = {
  stage: 'test',
  logRetentionDays: 365,
  alarmEmails: ['tongban-oncall@example.gov.cn'],
  replicaRegion: 'cn-northwest-1',
  departments: [DEPARTMENTS.market],
  channels: [CHANNELS.portal],
  principals: [{ name: 'reviewer', role: 'platform', trustedAccount: 'self' }],
};

describe('case events (test configuration)', () => {
  let built: ReturnType<typeof synthApp>;
  let api: Record<string, Resource>;
  let data: Record<string, Resource>;
  const apiId = (c: { node: { defaultChild?: unknown } }) => built.api.getLogicalId(c.node.defaultChild as CfnElement);
  const dataId = (c: { node: { defaultChild?: unknown } }) => built.data.getLogicalId(c.node.defaultChild as CfnElement);
  const ofType = (resources: Record<string, Resource>, type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

  beforeAll(() => {
    built = synthApp(CONFIG);
    api = (Template.fromStack(built.api).toJSON() as { Resources: Record<string, Resource> }).Resources;
    data = (Template.fromStack(built.data).toJSON() as { Resources: Record<string, Resource> }).Resources;
  });
  afterAll(removeSynthOutputs);

  it("streams the cases and feedback tables' new items (NEW_IMAGE), and no other table", () => {
    const tables = ofType(data, 'AWS::DynamoDB::Table');
    const streamed = tables.filter(([, t]) => t.Properties!.StreamSpecification !== undefined);
    expect(streamed.map(([id]) => id).sort()).toEqual([dataId(built.data.casesTable), dataId(built.data.feedbackTable)].sort());
    for (const [, t] of streamed) expect(t.Properties!.StreamSpecification).toEqual({ StreamViewType: 'NEW_IMAGE' });
  });

  it('has a bus of its own, encrypted with the data key and retained, whose archive keeps every case, evaluation and ticket event for a year', () => {
    const [bus, ...moreBuses] = ofType(data, 'AWS::Events::EventBus');
    expect(moreBuses).toEqual([]);
    expect(bus![1]).toMatchObject({ DeletionPolicy: 'Retain', Properties: { Name: 'tongban-test-cases' } });
    expect(flatten(bus![1].Properties!.KmsKeyIdentifier)).toBe(`<${dataId(built.data.dataKey)}.Arn>`);
    const [archive, ...moreArchives] = ofType(data, 'AWS::Events::Archive');
    expect(moreArchives).toEqual([]);
    expect(archive![1].Properties).toMatchObject({
      ArchiveName: 'tongban-test-case-events',
      EventPattern: { source: [CASE_EVENT_BUS_SOURCE, FEEDBACK_EVENT_BUS_SOURCE] },
      RetentionDays: CASE_EVENT_ARCHIVE_DAYS,
    });
    expect(flatten(archive![1].Properties!.SourceArn)).toBe('arn:<AWS::Partition>:events:<AWS::Region>:<AWS::AccountId>:event-bus/tongban-test-cases');
    expect(flatten(archive![1].Properties!.KmsKeyIdentifier)).toBe(`<${dataId(built.data.dataKey)}.Arn>`);
    expect(CASE_EVENT_ARCHIVE_DAYS).toBe(365);
  });

  const relays = [
    { name: 'relay', table: () => built.data.casesTable, prefix: ENTRY_PREFIX, relay: () => built.api.relay },
    { name: 'feedback-relay', table: () => built.data.feedbackTable, prefix: CHAINED_ENTRY_PREFIX, relay: () => built.api.feedbackRelay },
  ] as const;

  it.each(relays)(
    "hands the $name its table's inserted history entries alone, in order, a batch at a time; the first failed record again; a failing batch split, then recorded in its queue",
    ({ name, table, prefix, relay }) => {
      const relayId = apiId(relay().function);
      const [mapping, ...more] = ofType(api, 'AWS::Lambda::EventSourceMapping').filter(([, m]) => flatten(m.Properties!.FunctionName) === `<${relayId}>`);
      expect(more).toEqual([]);
      const p = mapping![1].Properties!;
      expect(flatten(p.EventSourceArn)).toContain(`${dataId(table())}StreamArn`);
      expect(p).toMatchObject({
        StartingPosition: 'TRIM_HORIZON',
        BatchSize: 100,
        ParallelizationFactor: 1,
        BisectBatchOnFunctionError: true,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        MaximumRetryAttempts: MANIFESTS[name].limits.retryAttempts,
        MaximumRecordAgeInSeconds: MANIFESTS[name].limits.maxEventAgeHours * 3600,
      });
      expect((p.FilterCriteria as { Filters: { Pattern: string }[] }).Filters.map((f) => JSON.parse(f.Pattern) as unknown)).toEqual([
        { eventName: ['INSERT'], dynamodb: { Keys: { sk: { S: [{ prefix }] } } } },
        // The cases table's heads: each transition's one write carries its entry
        ...(name === 'relay' ? [{ eventName: ['INSERT', 'MODIFY'], dynamodb: { Keys: { sk: { S: ['HEAD'] } } } }] : []),
      ]);
      const queueId = apiId(relay().deadLetters);
      expect(flatten((p.DestinationConfig as { OnFailure: { Destination: unknown } }).OnFailure.Destination)).toBe(`<${queueId}.Arn>`);
      expect(api[queueId]!.Properties).toMatchObject({ SqsManagedSseEnabled: true, MessageRetentionPeriod: 14 * 24 * 3600 });
      const policies = ofType(api, 'AWS::SQS::QueuePolicy').filter(([, q]) => JSON.stringify(q.Properties!.Queues).includes(queueId));
      expect(JSON.stringify(policies.map(([, q]) => q.Properties!.PolicyDocument))).toContain('"aws:SecureTransport":"false"');
    },
  );

  it.each(relays)('alarms when the $name gives a batch up (a message in its queue)', ({ name, relay }) => {
    const alarm = ofType(api, 'AWS::CloudWatch::Alarm').find(([, a]) => a.Properties!.AlarmName === `tongban-test-${name}-dead-letters`);
    expect(alarm![1].Properties).toMatchObject({
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Namespace: 'AWS/SQS',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
    expect(JSON.stringify(alarm![1].Properties!.Dimensions)).toContain(apiId(relay().deadLetters));
  });

  it('feeds the deliveries function from its queue: every case, evaluation and ticket event (a rule on the bus) and a tick a minute, each target retried a day then dead-lettered; 5 receives, then the dead letters', () => {
    const { queue, deadLetters } = built.api.lambdaQueues('deliveries');
    const queueId = apiId(queue);
    const dlqId = apiId(deadLetters);
    expect(api[queueId]!.Properties).toMatchObject({
      SqsManagedSseEnabled: true,
      VisibilityTimeout: MANIFESTS.deliveries.limits.timeoutSeconds * 6,
      RedrivePolicy: { maxReceiveCount: MANIFESTS.deliveries.trigger.maxReceives },
    });
    expect(flatten((api[queueId]!.Properties!.RedrivePolicy as { deadLetterTargetArn: unknown }).deadLetterTargetArn)).toBe(`<${dlqId}.Arn>`);
    const [mapping, ...more] = ofType(api, 'AWS::Lambda::EventSourceMapping').filter(
      ([, m]) => flatten(m.Properties!.FunctionName) === `<${apiId(built.api.lambda('deliveries'))}>`,
    );
    expect(more).toEqual([]);
    expect(mapping![1].Properties).toMatchObject({ BatchSize: 10, FunctionResponseTypes: ['ReportBatchItemFailures'] });
    expect(flatten(mapping![1].Properties!.EventSourceArn)).toBe(`<${queueId}.Arn>`);

    const rules = ofType(api, 'AWS::Events::Rule').filter(([, r]) => JSON.stringify(r.Properties!.Targets).includes(queueId));
    const feed = rules.find(([, r]) => r.Properties!.EventPattern !== undefined)![1].Properties!;
    const tick = rules.find(([, r]) => r.Properties!.ScheduleExpression !== undefined)![1].Properties!;
    expect(rules).toHaveLength(2);
    expect(feed.EventPattern).toEqual({ source: [CASE_EVENT_BUS_SOURCE, FEEDBACK_EVENT_BUS_SOURCE] });
    expect(flatten(feed.EventBusName)).toContain(dataId(built.data.caseEventBus));
    expect(tick.ScheduleExpression).toBe('rate(1 minute)');
    for (const rule of [feed, tick]) {
      const [target] = rule.Targets as { Arn: unknown; DeadLetterConfig: { Arn: unknown }; RetryPolicy: Json; Input?: string }[];
      expect(flatten(target!.Arn)).toBe(`<${queueId}.Arn>`);
      expect(flatten(target!.DeadLetterConfig.Arn)).toBe(`<${dlqId}.Arn>`);
      expect(target!.RetryPolicy).toEqual({ MaximumRetryAttempts: 185, MaximumEventAgeInSeconds: 86_400 });
    }
    expect(JSON.parse((tick.Targets as { Input: string }[])[0]!.Input)).toEqual({ tick: true });
    const alarms = ofType(api, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties!.AlarmName);
    expect(alarms).toEqual(expect.arrayContaining(['tongban-test-deliveries-dead-letters', 'tongban-test-deliveries-parked', 'tongban-test-deliveries-errors']));
  });

  it.each(['tally', 'watch'] as const)('feeds the %s function the case events alone: it counts cases', (name) => {
    const queueId = apiId(built.api.lambdaQueues(name).queue);
    const [feed, ...more] = ofType(api, 'AWS::Events::Rule').filter(([, r]) => JSON.stringify(r.Properties!.Targets).includes(queueId) && r.Properties!.EventPattern !== undefined);
    expect(more).toEqual([]);
    expect(feed![1].Properties!.EventPattern).toEqual({ source: [CASE_EVENT_BUS_SOURCE] });
  });

  it("lets the deliveries function read the feedback table's entries (Query) for the outbox, and nothing else of it", () => {
    const policy = api[apiId(built.api.lambda('deliveries').role!.node.findChild('DefaultPolicy'))]!;
    const statements = (policy.Properties!.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement;
    // (CDK merges statements of one action: the feedback table's ARN sits beside the cases table's in the Query statement.)
    const onFeedback = statements.flatMap((st) =>
      [st.Resource]
        .flat()
        .map(flatten)
        .filter((r) => r.includes(dataId(built.data.feedbackTable)))
        .map((resource) => ({ actions: [st.Action].flat(), resource })),
    );
    expect(onFeedback).toEqual([{ actions: ['dynamodb:Query'], resource: expect.stringMatching(/Arn\w*>$/) }]);
  });

  it('lets the relays alone put events on the bus, and only on it', () => {
    const holders: string[] = [];
    for (const [id, r] of ofType(api, 'AWS::IAM::Policy')) {
      for (const s of (r.Properties!.PolicyDocument as { Statement: { Action: string | string[]; Resource: unknown }[] }).Statement) {
        if (![s.Action].flat().some((a) => actionMatches(a, 'events:PutEvents'))) continue;
        holders.push(id);
        expect([s.Action].flat()).toEqual(['events:PutEvents']);
        expect([s.Resource].flat().map(flatten)).toEqual([expect.stringContaining(`${dataId(built.data.caseEventBus)}Arn`)]);
      }
    }
    const policyOf = (r: { function: { role?: { node: { findChild(id: string): unknown } } } }) => apiId(r.function.role!.node.findChild('DefaultPolicy') as never);
    expect(holders.sort()).toEqual([policyOf(built.api.relay), policyOf(built.api.feedbackRelay)].sort());
  });
});
