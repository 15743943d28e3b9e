// Every Lambda function of the platform, built from the manifests (functions/manifests.ts) in the
// order their references need, with what its trigger brings:
// - `state-machine` (the joint function): first, with the joint-handling state machine that runs it
//   (infra/constructs/joint-handling.ts), whose ARN the functions that start or answer it are given;
// - `invoked` (sealing, archive): before their invokers, which are given their names; an `Event`
//   function is retried by Lambda and keeps the events of its failed runs in a dead-letter queue;
// - `api` (catalogue, platform, cases, seals): the API (infra/constructs/tongban-api.ts) integrates them;
// - `stream` (the relays: the cases table's, the feedback table's): an event source mapping on the table's stream hands it the records its
//   filter admits, in order per shard (one batch at a time: parallelisation 1), answering the first
//   record it could not handle (ReportBatchItemFailures); a failing batch is split and retried, then its
//   place in the stream is recorded in the function's dead-letter queue (the records stay in the table);
// - `queue` (deliveries): its queue (SSE-SQS, TLS only, a record received `maxReceives` times kept in
//   its dead-letter queue) fed by a rule on the platform's event bus (the case events, or every event:
//   the manifest's feed) and by a schedule's
//   tick, each target retried by EventBridge for a day, then kept in the same dead-letter queue;
// - `schedule` (the sweep, the anchoring, the publication): an EventBridge rule of its own runs each
//   every `everyMinutes` of its trigger (absent: the deployment's `sweepIntervalMinutes`), a run never
//   longer than the interval; a failed run is retried (EventBridge retries delivering
//   the event, Lambda a run that threw) and then kept in the dead-letter queue: both EventBridge's and
//   the function's asynchronous-invocation DLQ are that one queue. An event older than the interval is
//   dropped there too: the next scheduled run has taken its place.
// Dead-letter queues are SSE-SQS, TLS only, and keep an event 14 days. Each manifest's alarms watch
// its errors, its queue, and the metrics its handler publishes; beside them every function has the
// platform's own (STANDARD_ALARMS): its errors and its throttles, and its dead-letter queue's depth if
// it has one — each unless the manifest watches the same thing itself, with a description of its own.
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { Alarm, ComparisonOperator, Metric, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import type { IMetric } from 'aws-cdk-lib/aws-cloudwatch';
import { Rule, RuleTargetInput, Schedule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction, SqsQueue } from 'aws-cdk-lib/aws-events-targets';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { FilterCriteria, StartingPosition } from 'aws-cdk-lib/aws-lambda';
import { DynamoEventSource, SqsDlq, SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import type { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { StateMachine } from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { AlarmSpec, FunctionManifest, StreamTable } from '../../functions/manifest.ts';
import { queueFeedSources, streamFilterPatterns } from '../../functions/manifest.ts';
import type { LambdaName } from '../../functions/manifests.ts';
import { FUNCTION_MANIFESTS, LAMBDA_NAMES } from '../../functions/manifests.ts';
import { ROUTES } from '../../shared/contracts/routes.ts';
import { JointHandling } from './joint-handling.ts';
import { flattenForNag, pascal } from './nag.ts';
import { OWN_POLICY_REASON, SQS_SOURCE_FAILURE_REASON, acknowledgeDeadLetterQueue } from './nag-packs.ts';
import { occurrenceAlarm, platformAlarmName } from './occurrence-alarm.ts';
import type { FunctionContext } from './tongban-function.ts';
import { tongbanFunction } from './tongban-function.ts';

/** Days a dead-letter queue keeps a failed event (SQS's longest). */
const DEAD_LETTER_RETENTION_DAYS = 14;
/** The longest a scheduled run may take, whatever the interval. */
const SCHEDULE_MAX_TIMEOUT_MINUTES = 5;

/** Why the state machine may invoke any version of the joint function: its cdk-nag acknowledgement (AwsSolutions-IAM5). */
export const JOINT_INVOKE_WILDCARD_REASON =
  'The joint-handling state machine invokes the joint function for each of its Lambda steps. CDK grants lambda:InvokeFunction on the function ARN and on <function ARN>:* (its versions and aliases, so a step pinned to a qualifier keeps working); the * stands for a version or alias of this one function only, and the state machine role may invoke no other function.';

/** Why the state machine role has statements on Resource *: its cdk-nag acknowledgement (AwsSolutions-IAM5). */
export const JOINT_ROLE_STAR_REASON =
  'The joint-handling state machine logs every event (level ALL) to its log group and traces with X-Ray. Logging goes through CloudWatch Logs vended log delivery, whose actions (logs:CreateLogDelivery, logs:GetLogDelivery, logs:UpdateLogDelivery, logs:DeleteLogDelivery, logs:ListLogDeliveries, logs:PutResourcePolicy, logs:DescribeResourcePolicies, logs:DescribeLogGroups) and the X-Ray actions (xray:PutTraceSegments, xray:PutTelemetryRecords, xray:GetSamplingRules, xray:GetSamplingTargets) do not support resource-level permissions, so AWS requires Resource "*" for them. Its other statements name the joint function and the workflow\'s own key.';

/** One function as built, with what its trigger brought. */
export interface BuiltFunction {
  function: NodejsFunction;
  deadLetters?: Queue;
  /** A `queue` function's queue. */
  queue?: Queue;
  schedule?: Rule;
  alarms: Record<string, Alarm>;
}

export class CaseFunctions {
  readonly built: Record<LambdaName, BuiltFunction>;
  /** The joint-handling state machine, its key and its alarm. */
  readonly jointHandling: { stateMachine: StateMachine; key: IKey; alarm: Alarm };

  constructor(scope: Construct, context: Pick<FunctionContext, 'config' | 'retention' | 'data'>) {
    const { config } = context;
    /** The tables whose streams start a `stream` function (the data stack gives them NEW_IMAGE streams). */
    const streamTables: Record<StreamTable, ITable> = { cases: context.data.casesTable, feedback: context.data.feedbackTable };
    const built: Partial<Record<LambdaName, BuiltFunction>> = {};
    const invoked: Record<string, { function: IFunction; variable: string }> = {};
    let jointHandling: CaseFunctions['jointHandling'] | undefined;
    const build = (name: LambdaName, extra: Partial<FunctionContext> = {}): NodejsFunction =>
      tongbanFunction(scope, FUNCTION_MANIFESTS[name], { ...context, invoked, ...(jointHandling ? { joint: jointHandling } : {}), ...extra });

    for (const name of buildOrder()) {
      const manifest = FUNCTION_MANIFESTS[name];
      const { trigger } = manifest;
      const minutes = trigger.kind === 'schedule' ? (trigger.everyMinutes ?? config.sweepIntervalMinutes) : config.sweepIntervalMinutes;
      const interval = Duration.minutes(minutes);
      if (trigger.kind === 'state-machine') {
        const fn = build(name);
        const handling = new JointHandling(scope, 'JointHandling', { stage: config.stage, jointFunction: fn, logRetention: context.retention });
        // The role CDK made for the state machine: invoke the joint function (and its versions), log, trace, use the key.
        Validations.of(handling.stateMachine.role.node.findChild('DefaultPolicy')).acknowledge(
          { id: 'AwsSolutions-IAM5[Resource::*]', reason: JOINT_ROLE_STAR_REASON },
          { id: 'NIST.800.53.R5-IAMNoInlinePolicy', reason: OWN_POLICY_REASON },
          { id: `AwsSolutions-IAM5[Resource::${flattenForNag(Stack.of(scope).resolve(`${fn.functionArn}:*`))}]`, reason: JOINT_INVOKE_WILDCARD_REASON },
        );
        jointHandling = { stateMachine: handling.stateMachine, key: handling.key, alarm: handling.alarm };
        built[name] = { function: fn, alarms: {} };
      } else if (trigger.kind === 'invoked') {
        const deadLetters = trigger.invocation === 'Event' ? deadLetterQueue(scope, name) : undefined;
        const fn = build(name, deadLetters ? { deadLetterQueue: deadLetters } : {});
        if (deadLetters) {
          fn.configureAsyncInvoke({
            retryAttempts: manifest.limits.retryAttempts ?? 2,
            maxEventAge: Duration.hours(manifest.limits.maxEventAgeHours ?? 6),
          });
          acknowledgeAsyncFailures(fn);
        }
        invoked[name] = { function: fn, variable: trigger.variable };
        built[name] = { function: fn, ...(deadLetters ? { deadLetters } : {}), alarms: {} };
      } else if (trigger.kind === 'stream') {
        const deadLetters = deadLetterQueue(scope, name);
        Validations.of(deadLetters.node.defaultChild!).acknowledge({
          id: 'AwsSolutions-SQS3',
          reason:
            "This queue is itself a dead-letter queue: the on-failure destination of the function's stream event source mapping (where a batch given up after its retries is recorded). cdk-nag recognises a queue as a DLQ only when another queue's redrive policy names it.",
        });
        const fn = build(name);
        fn.addEventSource(
          new DynamoEventSource(streamTables[trigger.table], {
            startingPosition: StartingPosition.TRIM_HORIZON,
            batchSize: 100,
            maxBatchingWindow: Duration.seconds(0),
            parallelizationFactor: 1,
            bisectBatchOnError: true,
            reportBatchItemFailures: true,
            retryAttempts: manifest.limits.retryAttempts ?? 10,
            maxRecordAge: Duration.hours(manifest.limits.maxEventAgeHours ?? 24),
            onFailure: new SqsDlq(deadLetters),
            filters: streamFilterPatterns(trigger.filter).map((pattern) => FilterCriteria.filter(pattern)),
          }),
        );
        built[name] = { function: fn, deadLetters, alarms: {} };
      } else if (trigger.kind === 'api') {
        const routes = ROUTES.filter((r) => r.function === name).length;
        built[name] = { function: build(name, { description: `${name} (${routes} routes)` }), alarms: {} };
      } else if (trigger.kind === 'queue') {
        const fn = build(name);
        const timeout = fn.timeout ?? Duration.seconds(manifest.limits.timeoutSeconds);
        const deadLetters = deadLetterQueue(scope, name);
        const queue = new Queue(scope, `${pascal(name)}Queue`, {
          encryption: QueueEncryption.SQS_MANAGED,
          enforceSSL: true,
          // AWS's advice for a Lambda source: six times the function's timeout.
          visibilityTimeout: Duration.seconds(timeout.toSeconds() * 6),
          retentionPeriod: Duration.days(4),
          deadLetterQueue: { queue: deadLetters, maxReceiveCount: trigger.maxReceives },
        });
        fn.addEventSource(new SqsEventSource(queue, { batchSize: 10, reportBatchItemFailures: true, maxConcurrency: QUEUE_MAX_CONCURRENCY }));
        const mapping = fn.node.children.find((c) => c.node.id.startsWith('SqsEventSource:'))!;
        Validations.of(mapping.node.defaultChild!).acknowledge({ id: 'Serverless-LambdaEventSourceMappingDestination', reason: SQS_SOURCE_FAILURE_REASON });
        // The events of its feed on the bus, and the tick; what EventBridge cannot put on the queue goes to the dead letters.
        const target = (message?: RuleTargetInput) =>
          new SqsQueue(queue, { deadLetterQueue: deadLetters, retryAttempts: 185, maxEventAge: Duration.hours(24), ...(message ? { message } : {}) });
        const feed = new Rule(scope, `${pascal(name)}Feed`, {
          description: `Tongban ${config.stage}: every ${trigger.feed === 'case-events' ? 'case event' : 'case, evaluation and ticket event'} to the ${name} function's queue`,
          eventBus: context.data.caseEventBus,
          eventPattern: { source: [...queueFeedSources(trigger.feed)] },
        });
        feed.addTarget(target());
        const tick = new Rule(scope, `${pascal(name)}Tick`, {
          description: `Tongban ${config.stage}: the ${name} function's due retries, every ${trigger.tickMinutes} min`,
          schedule: Schedule.rate(Duration.minutes(trigger.tickMinutes)),
        });
        tick.addTarget(target(RuleTargetInput.fromObject({ tick: true })));
        built[name] = { function: fn, deadLetters, queue, alarms: {} };
      } else {
        const deadLetters = deadLetterQueue(scope, name);
        const fn = build(name, {
          description: `${manifest.description}, every ${minutes} min`,
          timeout: Duration.seconds(Math.min(minutes * 60, manifest.limits.timeoutSeconds, SCHEDULE_MAX_TIMEOUT_MINUTES * 60)),
          deadLetterQueue: deadLetters,
        });
        const retryAttempts = manifest.limits.retryAttempts ?? 2;
        // Lambda keeps an event at most 6 hours, EventBridge at most 24 (and at least a minute).
        const eventAge = (most: number) => Duration.seconds(Math.max(60, Math.min(minutes * 60, most)));
        fn.configureAsyncInvoke({ retryAttempts, maxEventAge: eventAge(6 * 3600) });
        acknowledgeAsyncFailures(fn);
        const schedule = new Rule(scope, `${pascal(name)}Schedule`, {
          description: `Tongban ${config.stage}: runs the ${manifest.description.replace(/ \(.*$/, '')} every ${minutes} min`,
          schedule: Schedule.rate(interval),
        });
        schedule.addTarget(new LambdaFunction(fn, { deadLetterQueue: deadLetters, retryAttempts, maxEventAge: eventAge(24 * 3600) }));
        built[name] = { function: fn, deadLetters, schedule, alarms: {} };
      }
      const one = built[name];
      // One datapoint per run for a scheduled function: a period of the interval.
      const period = trigger.kind === 'schedule' ? interval : Duration.minutes(5);
      for (const [key, spec] of Object.entries(manifest.alarms ?? {})) one.alarms[key] = alarm(scope, config.stage, spec, one, period);
      for (const [key, spec] of Object.entries(standardAlarms(manifest, one))) {
        if (one.alarms[key] !== undefined) throw new Error(`${name}: the manifest's alarm "${key}" takes the key of the platform's ${key} alarm: name it otherwise`);
        one.alarms[key] = alarm(scope, config.stage, spec, one, period);
      }
    }
    if (jointHandling === undefined) throw new Error('no function is run by the joint-handling state machine');
    this.jointHandling = jointHandling;
    this.built = built as Record<LambdaName, BuiltFunction>;
  }
}

/**
 * The functions in the order their references need: the state machine's first, then each invoked
 * function before its invokers, then the rest in manifest order.
 */
export function buildOrder(): LambdaName[] {
  const rank = (m: FunctionManifest) => ({ 'state-machine': 0, invoked: 1, api: 2, schedule: 3, stream: 4, queue: 5 })[m.trigger.kind];
  const order = [...LAMBDA_NAMES].sort((a, b) => rank(FUNCTION_MANIFESTS[a]) - rank(FUNCTION_MANIFESTS[b]));
  for (const [i, name] of order.entries()) {
    const later = (FUNCTION_MANIFESTS[name].invokes ?? []).filter((target) => order.indexOf(target as LambdaName) >= i);
    if (later.length > 0) throw new Error(`${name} invokes ${later.join(', ')}, which is built after it: an invoked function may not invoke another`);
  }
  return order;
}

function deadLetterQueue(scope: Construct, name: string): Queue {
  const queue = new Queue(scope, `${pascal(name)}DeadLetters`, {
    encryption: QueueEncryption.SQS_MANAGED,
    enforceSSL: true,
    retentionPeriod: Duration.days(DEAD_LETTER_RETENTION_DAYS),
  });
  acknowledgeDeadLetterQueue(queue.node.defaultChild!);
  return queue;
}

/** The most copies of a queue-fed function that run at once (its event source mapping's maximum concurrency). */
export const QUEUE_MAX_CONCURRENCY = 5;

/** A function invoked asynchronously keeps its failed events in its dead-letter queue, not in an on-failure destination too. */
function acknowledgeAsyncFailures(fn: NodejsFunction): void {
  Validations.of(fn.node.findChild('EventInvokeConfig').node.defaultChild!).acknowledge({
    id: 'Serverless-LambdaAsyncFailureDestination',
    reason:
      "An event the function fails after its retries goes to the function's dead-letter queue (its DeadLetterConfig), on which an alarm fires; an on-failure destination would record the same event a second time, in a second place to watch.",
  });
}

/** An alarm of a function: a manifest's, or one of the platform's own (`throttles` is never a manifest's). */
type FunctionAlarmSpec = AlarmSpec | { id: string; watch: 'throttles'; description: string };

/**
 * The alarms every function gets beside its manifest's, by the key `built[name].alarms` gives them:
 * `errors` (the function threw or timed out), `throttles` (Lambda refused to run it: concurrency) and
 * `deadLetters` (its dead-letter queue holds a message), each unless the manifest watches that itself.
 */
export const STANDARD_ALARMS = ['errors', 'throttles', 'deadLetters'] as const;

function standardAlarms(manifest: FunctionManifest, fn: BuiltFunction): Record<string, FunctionAlarmSpec> {
  const own = Object.values(manifest.alarms ?? {}).map((spec) => spec.watch);
  const id = pascal(manifest.name);
  const specs: Record<string, FunctionAlarmSpec> = {};
  if (!own.includes('errors'))
    specs.errors = { id: `${id}ErrorsAlarm`, watch: 'errors', description: `the ${manifest.name} function failed (it threw, timed out or ran out of memory): see its logs` };
  specs.throttles = {
    id: `${id}ThrottlesAlarm`,
    watch: 'throttles',
    description: `Lambda throttled the ${manifest.name} function (the account's or its reserved concurrency is used up): callers got errors, or their events wait for a retry`,
  };
  if (fn.deadLetters !== undefined && !own.includes('dead-letters'))
    specs.deadLetters = { id: `${id}DeadLettersAlarm`, watch: 'dead-letters', description: `the ${manifest.name} function's dead-letter queue holds a message it gave up on` };
  return specs;
}

/** A function's alarm, named `tongban-<stage>-<id in kebab case, without "Alarm">` (platformAlarmName). */
function alarm(scope: Construct, stage: string, spec: FunctionAlarmSpec, fn: BuiltFunction, period: Duration): Alarm {
  const alarmName = platformAlarmName(stage, spec.id);
  const alarmDescription = `Tongban ${stage}: ${spec.description}`;
  let metric: IMetric;
  if (spec.watch === 'errors') metric = fn.function.metricErrors({ period, statistic: 'Sum' });
  else if (spec.watch === 'throttles') metric = fn.function.metricThrottles({ period, statistic: 'Sum' });
  else if (spec.watch === 'dead-letters') {
    if (fn.deadLetters === undefined) throw new Error(`${spec.id}: the function has no dead-letter queue`);
    metric = fn.deadLetters.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' });
  } else {
    // Published by the handler through Powertools (EMF), with its service dimension.
    metric = new Metric({ namespace: 'Tongban', metricName: spec.watch.metric, dimensionsMap: { service: 'tongban' }, statistic: spec.watch.statistic, period });
    if (spec.watch.below !== undefined) {
      return new Alarm(scope, spec.id, {
        alarmName,
        alarmDescription,
        metric,
        threshold: spec.watch.below,
        comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
    }
  }
  return occurrenceAlarm(scope, spec.id, { alarmName, alarmDescription, metric });
}
