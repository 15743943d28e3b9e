// Joint handling (联合办理) as a Step Functions STANDARD state machine: its definition, per the contract
// shared/contracts/joint-workflow.ts (state names, events, paths), and the construct that deploys it
// with its log group and its alarm. Every Lambda step is one function (functions/joint/handler.ts),
// told what to do by the `step` of its payload (a JointStepEvent).
//
// The definition is JSONPath (not JSONata): the embedded platform runs the very same definition with
// aws-local-stepfunctions (joint-definition.ts synthesises it from this module), which reads JSONPath.
//
// - Standard, not Express: a branch waits for a co-department's opinion for days (AwaitOpinion, a
//   callback with a task token), and Standard executions are exactly-once per state and keep their
//   history for the audit trail.
// - Logs: every event (level ALL, which cdk-nag's SF1 asks for) but without execution data: inputs
//   and outputs carry task tokens (a token lets its holder answer for the co-department) and case
//   data. X-Ray tracing on (SF2).
// - Every Lambda step retries the transient failures (Lambda's service errors, throttling, a function
//   error) with jittered backoff, and has a timeout; what still fails after that ends the execution in
//   RecordFailure, which marks the case (its jointFailure), then JointHandlingFailed, which the alarm
//   counts.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import { MathExpression } from 'aws-cdk-lib/aws-cloudwatch';
import type { Alarm } from 'aws-cdk-lib/aws-cloudwatch';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import type { RetentionDays } from 'aws-cdk-lib/aws-logs';
import {
  Chain,
  Choice,
  Condition,
  CustomerManagedEncryptionConfiguration,
  DefinitionBody,
  Errors,
  Fail,
  IntegrationPattern,
  JitterType,
  JsonPath,
  LogLevel,
  Map as MapState,
  StateMachine,
  StateMachineType,
  Succeed,
  TaskInput,
  Timeout,
} from 'aws-cdk-lib/aws-stepfunctions';
import type { IChainable, QueryLanguage, TaskStateBase } from 'aws-cdk-lib/aws-stepfunctions';
import { LambdaInvoke } from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { occurrenceAlarm } from './occurrence-alarm.ts';
import { CHECK_RESULT_PATH, JOINT_STATES, JOINT_STEP_TIMEOUT_SECONDS, JOINT_TASK_ENDED, WAIT_SECONDS_PATH } from '../../shared/contracts/joint-workflow.ts';
import type { CheckResult, JointStepEvent } from '../../shared/contracts/joint-workflow.ts';

/**
 * What every Lambda step retries: Lambda's own transient failures, throttling, and a function error
 * (States.TaskFailed: a DynamoDB hiccup, a conditional write lost to a concurrent one; the steps are
 * idempotent, driven by the case record). Not States.Timeout, which States.TaskFailed leaves out.
 */
export const JOINT_RETRY = {
  errors: ['Lambda.ServiceException', 'Lambda.AWSLambdaException', 'Lambda.SdkClientException', 'Lambda.TooManyRequestsException', Errors.TASKS_FAILED],
  interval: Duration.seconds(2),
  maxAttempts: 4,
  backoffRate: 2,
  jitterStrategy: JitterType.FULL,
} as const;

/** The Fail state's cause. */
export const JOINT_FAILED_CAUSE = "joint handling of the case failed; see the execution history and the case's jointFailure";

/** Where the error left by Dispatch or Opinions is kept for RecordFailure. */
const FAILURE_PATH = '$.failure';

/** A JSONPath field of the Lambda payload, by its name in the state input (`caseNo` → `$.caseNo`). */
const field = (name: 'caseNo' | 'departmentId'): string => JsonPath.stringAt(`$.${name}`);

/** The payload of a step: a JointStepEvent with its values as JSONPaths into the state input. */
function payload<S extends JointStepEvent['step']>(step: S, fields: Record<string, unknown>): TaskInput {
  return TaskInput.fromObject({ step, ...fields });
}

/**
 * The joint-handling definition (see the diagram in shared/contracts/joint-workflow.ts), its states
 * created in `scope`, every Lambda step invoking `fn` with a JointStepEvent as its payload.
 */
export function jointHandlingDefinition(scope: Construct, fn: IFunction): IChainable {
  /** A Lambda step: request-response, the whole invocation result (`Payload` included), our retries only. */
  const step = (id: string, stepPayload: TaskInput, options: { resultSelector?: Record<string, unknown>; resultPath: string }): LambdaInvoke => {
    const task = new LambdaInvoke(scope, id, {
      lambdaFunction: fn,
      payload: stepPayload,
      payloadResponseOnly: false,
      retryOnServiceExceptions: false,
      taskTimeout: Timeout.duration(Duration.seconds(JOINT_STEP_TIMEOUT_SECONDS)),
      resultPath: options.resultPath,
      ...(options.resultSelector !== undefined ? { resultSelector: options.resultSelector } : {}),
    });
    return withRetry(task);
  };
  const branchInput = { caseNo: field('caseNo'), departmentId: field('departmentId') };

  // The branch of one co-department: a loop driven by the case record.
  const branchDone = new Succeed(scope, JOINT_STATES.branchDone);
  const checkTask = step(JOINT_STATES.checkTask, payload('check', branchInput), {
    resultSelector: { next: JsonPath.stringAt('$.Payload.next'), waitSeconds: JsonPath.numberAt('$.Payload.waitSeconds') } satisfies Record<keyof CheckResult, unknown>,
    resultPath: CHECK_RESULT_PATH,
  });
  // Waits for the opinion: the function stores the task token in the case, the cases function sends
  // task success with it when the opinion comes in. At most `waitSeconds` (the contract's CheckResult):
  // then CheckTask looks again (escalate, record the opinion missing, or wait on).
  const awaitOpinion = new LambdaInvoke(scope, JOINT_STATES.awaitOpinion, {
    lambdaFunction: fn,
    integrationPattern: IntegrationPattern.WAIT_FOR_TASK_TOKEN,
    payload: payload('await', { ...branchInput, taskToken: JsonPath.taskToken, waitSeconds: JsonPath.numberAt(WAIT_SECONDS_PATH) }),
    payloadResponseOnly: false,
    retryOnServiceExceptions: false,
    taskTimeout: Timeout.at(WAIT_SECONDS_PATH),
    resultPath: JsonPath.DISCARD,
  });
  // The task already ended (its opinion came in before the token was stored): never retried (the
  // common retry's States.TaskFailed would match it), the branch is done.
  awaitOpinion.addRetry({ errors: [JOINT_TASK_ENDED], maxAttempts: 0 });
  withRetry(awaitOpinion);
  awaitOpinion.addCatch(checkTask, { errors: [Errors.TIMEOUT], resultPath: JsonPath.DISCARD });
  awaitOpinion.addCatch(branchDone, { errors: [JOINT_TASK_ENDED], resultPath: JsonPath.DISCARD });
  // The opinion resumed the wait: the branch ends here (no state of its own to count).
  const escalate = step(JOINT_STATES.escalate, payload('escalate', branchInput), { resultPath: JsonPath.DISCARD });
  escalate.next(checkTask);
  const recordMissing = step(JOINT_STATES.recordMissing, payload('record-missing', branchInput), { resultPath: JsonPath.DISCARD });
  recordMissing.next(branchDone);
  const next = `${CHECK_RESULT_PATH}.next`;
  const nextStep = new Choice(scope, JOINT_STATES.nextStep)
    .when(Condition.stringEquals(next, 'wait' satisfies CheckResult['next']), awaitOpinion)
    .when(Condition.stringEquals(next, 'escalate' satisfies CheckResult['next']), escalate)
    .when(Condition.stringEquals(next, 'record-missing' satisfies CheckResult['next']), recordMissing)
    // 'done'
    .otherwise(branchDone);
  checkTask.next(nextStep);

  // The case: dispatch the branches, run them all at once, or record why it failed.
  const recordFailure = step(JOINT_STATES.recordFailure, payload('fail', { caseNo: field('caseNo'), failure: JsonPath.objectAt(FAILURE_PATH) }), {
    resultPath: JsonPath.DISCARD,
  });
  recordFailure.next(new Fail(scope, JOINT_STATES.failed, { error: JOINT_STATES.failed, cause: JOINT_FAILED_CAUSE }));
  const dispatch = step(JOINT_STATES.dispatch, payload('dispatch', { caseNo: field('caseNo') }), {
    resultSelector: { branches: JsonPath.listAt('$.Payload.branches') },
    resultPath: '$.dispatch',
  });
  // Each item, `{ caseNo, departmentId, Payload: <its first check> }`, is its branch's input as it is
  // (no ItemSelector): the branch starts at NextStep, as if it had just checked.
  const opinions = new AllAtOnceMap(scope, JOINT_STATES.opinions, { itemsPath: '$.dispatch.branches', resultPath: JsonPath.DISCARD });
  opinions.itemProcessor(nextStep);
  for (const state of [dispatch, opinions]) state.addCatch(recordFailure, { errors: [Errors.ALL], resultPath: FAILURE_PATH });

  // The Map's end is the execution's (a Succeed after it would be one more transition, billed).
  return Chain.start(dispatch).next(opinions);
}

/**
 * A Map state running all its branches at once, saying so in the definition (`MaxConcurrency: 0`):
 * CDK leaves a `maxConcurrency` of 0 out, which means the same but reads as if it were forgotten.
 */
class AllAtOnceMap extends MapState {
  override toStateJson(queryLanguage?: QueryLanguage): object {
    return { ...super.toStateJson(queryLanguage), MaxConcurrency: 0 };
  }
}

function withRetry<T extends TaskStateBase>(task: T): T {
  task.addRetry({ ...JOINT_RETRY, errors: [...JOINT_RETRY.errors] });
  return task;
}

export interface JointHandlingProps {
  stage: string;
  /** Runs every Lambda step (functions/joint/handler.ts). */
  jointFunction: IFunction;
  logRetention: RetentionDays;
}

/** The joint-handling state machine, its log group and the alarm on executions that did not succeed. */
export class JointHandling extends Construct {
  readonly stateMachine: StateMachine;
  /**
   * The workflow's own customer-managed key: encrypts the definition and the execution history at
   * rest. Whoever starts an execution or answers a task needs kms:GenerateDataKey and kms:Decrypt on
   * it (in its identity policy). CDK gives the state machine role the key for this state machine's
   * encryption context and for log delivery, and adds to the key's policy the statement AWS documents
   * for a logging state machine with a customer-managed key (delivery.logs.amazonaws.com may
   * decrypt) — on this key alone, never on the data key that protects the applicants' data.
   */
  readonly key: Key;
  /** Failed, timed out or aborted executions (a case left with jointFailure, or stuck). */
  readonly alarm: Alarm;

  constructor(scope: Construct, id: string, props: JointHandlingProps) {
    super(scope, id);
    const name = `tongban-${props.stage}-joint-handling`;
    this.key = new Key(this, 'Key', {
      description: `Tongban ${props.stage}: encrypts the joint-handling state machine and its executions`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Under /aws/vendedlogs/: Step Functions delivers its logs through CloudWatch Logs' vended log
    // delivery, which otherwise adds to the account's size-limited logs resource policy per log group.
    const logGroup = new LogGroup(this, 'Logs', {
      logGroupName: `/aws/vendedlogs/states/${name}`,
      retention: props.logRetention,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.stateMachine = new StateMachine(this, 'StateMachine', {
      stateMachineName: name,
      stateMachineType: StateMachineType.STANDARD,
      // Nothing of the stage in the definition: the embedded platform runs this very definition.
      comment: 'Tongban: joint handling of a case by its co-departments (shared/contracts/joint-workflow.ts)',
      definitionBody: DefinitionBody.fromChainable(jointHandlingDefinition(this, props.jointFunction)),
      // Execution data carries task tokens and case data: events only.
      logs: { destination: logGroup, level: LogLevel.ALL, includeExecutionData: false },
      tracingEnabled: true,
      encryptionConfiguration: new CustomerManagedEncryptionConfiguration(this.key),
    });

    const period = Duration.minutes(5);
    const sm = this.stateMachine;
    this.alarm = occurrenceAlarm(this, 'FailedAlarm', {
      alarmName: `${name}-failed`,
      alarmDescription: `Tongban ${props.stage}: a joint handling execution failed, timed out or was aborted: see the execution history (the case shows jointFailure when its last step could record it); a failed execution can be redriven`,
      metric: new MathExpression({
        expression: 'failed + timedOut + aborted',
        usingMetrics: {
          failed: sm.metricFailed({ period, statistic: 'Sum' }),
          timedOut: sm.metricTimedOut({ period, statistic: 'Sum' }),
          aborted: sm.metricAborted({ period, statistic: 'Sum' }),
        },
        label: 'executions failed, timed out or aborted',
        period,
      }),
    });
  }
}
