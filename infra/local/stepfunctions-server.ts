// Local stand-in for AWS Step Functions (Standard workflows), speaking the real wire protocol
// (AWS JSON 1.0: `POST /`, `X-Amz-Target: AWSStepFunctions.<Operation>`, errors as
// `{"__type": "<Code>", "message": "..."}` with HTTP 400), so the unmodified `@aws-sdk/client-sfn`
// works against it with nothing but an `endpoint` override (or `AWS_ENDPOINT_URL_SFN`). The state
// machines are the same Amazon States Language (JSONPath) definitions the CDK deploys; they run on
// `aws-local-stepfunctions`, and their Task states call the embedded runtime's in-process handlers.
//
// What it is:
// - Operations: StartExecution, DescribeExecution, ListExecutions, StopExecution, SendTaskSuccess,
//   SendTaskFailure, SendTaskHeartbeat. Anything else is `UnknownOperationException`.
// - Task resources: `arn:<partition>:states:::lambda:invoke` (result `{ExecutedVersion, Payload,
//   StatusCode}` as the Lambda service integration gives it), `...:lambda:invoke.waitForTaskToken`
//   (callback: the task waits for SendTaskSuccess / SendTaskFailure with the token it was given) and
//   a Lambda function ARN as Resource (result: the bare payload). Any other Resource, HeartbeatSeconds,
//   JSONata, distributed Map, a TimeoutSecondsPath other than a `$.a.b` member path, or a Lambda
//   FunctionName that names no handler given, is refused when the server starts, not when it runs.
// - Executions are recorded in a DynamoDB table (dynalite locally): the RUNNING item is written
//   before the execution runs (its conditional put is the idempotency decision of StartExecution),
//   the end (SUCCEEDED / FAILED / TIMED_OUT / ABORTED, output or error and cause, stopDate and the
//   state transition count) when it ends. As on AWS, StartExecution with the name of an execution
//   still RUNNING and the same input answers that execution; another input, or a closed execution
//   of that name, is `ExecutionAlreadyExists`.
//
// Resumption model (the embedded runtime's, not AWS's): `resumeRunning()` runs every execution still
// RUNNING in the table again FROM THE START, with its recorded input, under the same ARN and startDate.
// AWS resumes an execution where it stood; this is equivalent only because every step of the
// workflows run here is idempotent (a replayed step reads the record it would write and changes
// nothing). Task tokens live in memory: a token issued before the restart answers `TaskTimedOut`
// (its task is gone, as for any closed task on AWS), and the replayed run issues a new one to its
// function, which must store it in place of the old. `$$.Execution.StartTime` is the time of the
// current run, and a definition-level TimeoutSeconds counts from it.
//
// What it is not (by design; the embedded platform is one developer's machine):
// - No authentication: SigV4 `Authorization` headers are accepted and NOT verified, no IAM. Bind it
//   to loopback only. ARNs carry the configured region, whatever region a request was signed for.
// - No history API (GetExecutionHistory), no activities, no Express workflows, no versions or
//   aliases, no redrive, no map runs. ListExecutions answers every match in one page (newest first)
//   and ignores `maxResults` / `nextToken`; it and `resumeRunning()` scan the table (fine for a
//   local table). An execution's input and output together must fit a DynamoDB item (400 KB); an
//   end that cannot be recorded is reported (`onEvent` failure) and the execution stays RUNNING.
// - One process per table: two servers on one table would both resume the same executions.
// - The engine evaluates a Task's TimeoutSecondsPath against its effective input (after InputPath
//   and Parameters), AWS documents the state input: a definition meant for both makes the path name
//   the same number in either (the joint workflow copies it into its Parameters).
// - Task timeouts: aws-local-stepfunctions times a Task out itself (with a Node timer) and, where a
//   Task gives neither TimeoutSeconds nor TimeoutSecondsPath, after 60 s. AWS's default is
//   99999999 s, bounded by the execution's one year; here such a Task gets `MAX_TASK_TIMEOUT_SECONDS`
//   (~24.8 days, the longest a Node timer holds). A longer TimeoutSeconds is refused at start, a
//   longer TimeoutSecondsPath value fails the task with `States.Runtime`.
// - SendTaskFailure without `error` fails the task with `States.TaskFailed` (AWS leaves the error
//   empty; either way a `States.TaskFailed` or `States.ALL` catcher takes it). A Lambda function's
//   error becomes the task's error named after the error's `name` (Lambda's errorType), with Cause
//   `{"errorType": ..., "errorMessage": ...}` as Lambda reports it (without the stack trace).
// - StopExecution on an execution that has already ended changes nothing and answers its stopDate.
//
// State transitions (`stateTransitions` on the execution record, what AWS bills a Standard workflow
// for): one per state entered, in Map iterations and Parallel branches too, plus one per retry. They
// are counted where the engine announces them, NOT from `execution.eventLogs`: the engine forwards a
// Map iteration's events to the execution's log asynchronously and drops those that arrive after
// the execution ended, so the log loses entries of nested Maps (a 2-level Map of 421 states logged
// 181 in a trial). See `installTransitionCounting` below.
import { randomBytes, randomUUID } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { GetCommand, PutCommand, ScanCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AwsJsonError, serveAwsJson } from './aws-json-server.ts';
import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError, StateMachine, type RunOptions, type StateMachineDefinition } from 'aws-local-stepfunctions';
import { LOCAL_ACCOUNT } from './api-gateway.ts';

// ---------------------------------------------------------------------------------------------
// Node 20 support for the engine
// ---------------------------------------------------------------------------------------------

/**
 * aws-local-stepfunctions 3 declares Node >= 22 and calls `Promise.withResolvers` (ES2024) every
 * time a Task state runs; the embedded runtime also runs on Node 20 (package.json engines), which
 * lacks it. Installed here, at module load, only where missing, with the standard's behaviour
 * (ECMA-262 §27.2.4.8: NewPromiseCapability on the `this` value, so subclasses work too) and the
 * standard's property attributes. Only the embedded runtime loads this module; Lambda and AWS never do.
 */
function installPromiseWithResolvers(): void {
  if (typeof (Promise as { withResolvers?: unknown }).withResolvers === 'function') return;
  function withResolvers(this: unknown): { promise: unknown; resolve: unknown; reject: unknown } {
    if (typeof this !== 'function') throw new TypeError('Promise.withResolvers called on a non-constructor');
    let resolve: unknown;
    let reject: unknown;
    const promise: unknown = new (this as PromiseConstructor)((res, rej) => {
      if (resolve !== undefined || reject !== undefined) throw new TypeError('Promise executor has already been invoked');
      resolve = res;
      reject = rej;
    });
    if (typeof resolve !== 'function' || typeof reject !== 'function') throw new TypeError('Promise resolve or reject function is not callable');
    return { promise, resolve, reject };
  }
  Object.defineProperty(Promise, 'withResolvers', { value: withResolvers, writable: true, enumerable: false, configurable: true });
}
installPromiseWithResolvers();

// ---------------------------------------------------------------------------------------------
// Public API
// ---------------------------------------------------------------------------------------------

/** What `$$.Task.Token` evaluates to in the engine; replaced by the real token in a callback task's Payload. */
export const TASK_TOKEN_SENTINEL = 'tongban-local-task-token-placeholder';

/** The longest task timeout a Node timer holds (2^31-1 ms), in whole seconds (~24.8 days). */
export const MAX_TASK_TIMEOUT_SECONDS = Math.floor((2 ** 31 - 1) / 1000);

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'TIMED_OUT' | 'ABORTED';
const STATUSES: readonly string[] = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];

/** An execution as DescribeExecution reports it (dates as the SDK gives them), plus its state transitions. */
export interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: Date;
  stopDate?: Date;
  /** The input as given to StartExecution (JSON text). */
  input: string;
  /** JSON text, when SUCCEEDED. */
  output?: string;
  error?: string;
  cause?: string;
  /**
   * State transitions, as AWS bills a Standard workflow: one per state entered (in Map iterations
   * and Parallel branches too) plus one per retry. Counted by this process: for an execution resumed
   * after a restart, those of the last run only.
   */
  stateTransitions: number;
}

/** The engine's event log entries (aws-local-stepfunctions does not export the type by name). */
export type EngineEvent = ReturnType<StateMachine['run']>['eventLogs'] extends AsyncGenerator<infer E> ? E : never;

export interface TaskTokenEvent {
  executionArn: string;
  stateName: string;
  token: string;
}
export interface StateEvent {
  executionArn: string;
  /** As the engine logs it; events of nested Map iterations may be missing (see the top of this file). */
  event: EngineEvent;
}
export interface ExecutionEndEvent {
  executionArn: string;
  stateMachineArn: string;
  status: Exclude<ExecutionStatus, 'RUNNING'>;
  error?: string;
  cause?: string;
  stateTransitions: number;
}

/** The events of `LocalStepFunctions.events`. */
export interface StepFunctionsEvents {
  /** A callback task is waiting: its function has been invoked with this token. */
  'task-token': [TaskTokenEvent];
  /** An entry of an execution's engine log. */
  state: [StateEvent];
  /** An execution ended (recorded). Not emitted for executions left RUNNING by `close()`. */
  'execution-end': [ExecutionEndEvent];
}

/** What the platform is told: execution ends, and failures of the stand-in itself (e.g. a record it could not write). */
export type StepFunctionsNotice = ({ type: 'execution-end' } & ExecutionEndEvent) | { type: 'failure'; executionArn?: string; message: string };

/** An embedded Lambda handler, as Task states invoke it: the event in, the result (JSON-able) out. */
export type LocalFunction = (event: unknown) => Promise<unknown>;

export interface LocalStepFunctionsOptions {
  /** Interface to bind (loopback). */
  host: string;
  /** TCP port; 0 or omitted picks a free one. */
  port?: number;
  /** Region of the ARNs. */
  region: string;
  /** Where executions are recorded, so a restarted platform resumes them: a table created by `ensureTables` (`stepFunctions`). */
  db: DynamoDBDocumentClient;
  table: string;
  /** State machines by name: their ASL (JSONPath) definitions. ARN: `stateMachineArn(region, name)`. */
  stateMachines: Record<string, object>;
  /**
   * The Lambda functions Task states may invoke, keyed by function ARN or by name; a FunctionName
   * is looked up as given, then by the function name in it (`arn:...:function:<name>[:qualifier]`).
   */
  functions: Record<string, LocalFunction>;
  /** Told about execution ends and failures of the stand-in (the platform logs them). */
  onEvent?: (notice: StepFunctionsNotice) => void;
  /**
   * State machines whose definitions passed the engine's validation before (in an earlier run: the
   * embedded platform keeps them): not validated again, which takes up to a second. What this
   * stand-in supports is still checked.
   */
  validated?: readonly string[];
  /** Tests: retry waits in milliseconds by state name, passed to the engine (`overrides.retryIntervalOverrides`). */
  retryIntervalOverrides?: Record<string, number | number[]>;
}

export interface LocalStepFunctions {
  /** `http://host:port`, for `new SFNClient({ endpoint })` or `AWS_ENDPOINT_URL_SFN`. */
  endpoint: string;
  port: number;
  /** The ARN of a configured state machine. */
  stateMachineArn(name: string): string;
  /** Observe progress without polling (see `StepFunctionsEvents`). */
  events: EventEmitter<StepFunctionsEvents>;
  /** Runs every RUNNING execution of the table that is not running here, from the start; answers how many. */
  resumeRunning(): Promise<number>;
  /** The execution once it has ended (at once if it has). Rejects if it does not exist. */
  waitForExecution(executionArn: string): Promise<ExecutionRecord>;
  /**
   * A token a callback task of the execution (of `stateName`, if given) is waiting with: one already
   * announced and still open, else the next announced. Rejects if the execution ends first.
   */
  waitForTaskToken(executionArn: string, stateName?: string): Promise<string>;
  /** The execution's record (the live transition count while it runs here), or undefined. */
  describeExecution(executionArn: string): Promise<ExecutionRecord | undefined>;
  /** Resolves when no execution is running in this process. */
  idle(): Promise<void>;
  /**
   * Stops serving and detaches the running executions WITHOUT recording an end (they stay RUNNING
   * in the table, for `resumeRunning()` next time); waits for function calls under way and writes.
   */
  close(): Promise<void>;
}

export function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export function stateMachineArn(region: string, name: string): string {
  return `arn:${partitionOf(region)}:states:${region}:${LOCAL_ACCOUNT}:stateMachine:${name}`;
}

export function executionArnOf(region: string, stateMachineName: string, executionName: string): string {
  return `arn:${partitionOf(region)}:states:${region}:${LOCAL_ACCOUNT}:execution:${stateMachineName}:${executionName}`;
}

// ---------------------------------------------------------------------------------------------
// Engine hooks
// ---------------------------------------------------------------------------------------------

type JsonValue = Parameters<NonNullable<NonNullable<RunOptions['overrides']>['taskResourceLocalHandlers']>[string]>[0];
type TaskHandler = (input: JsonValue) => Promise<JsonValue>;

/** Where a run's transitions are counted; travels in the run options, which the engine hands to every nested run. */
const TRANSITION_COUNTER = Symbol('tongban.stateTransitionCounter');
interface TransitionCounter {
  count: number;
}

interface EngineLogger {
  dispatchStateEnteredEvent: (...args: unknown[]) => void;
  dispatchStateRetriedEvent: (...args: unknown[]) => void;
}
type EngineExecute = (
  this: unknown,
  input: unknown,
  options: { runOptions?: { [TRANSITION_COUNTER]?: TransitionCounter }; eventLogger?: EngineLogger },
  cleanup: unknown,
) => unknown;

/**
 * Counts state transitions exactly: wraps the engine's (private) `StateMachine.prototype.execute`,
 * which every run goes through (Map iterations and Parallel branches run as nested StateMachines of
 * the same class with the same run options), so that a run carrying a counter counts each
 * StateEntered and StateRetried its own event logger dispatches, synchronously. The event log
 * cannot be used: it loses nested events (see the top of this file). Runs without a counter are
 * untouched. `verifyTransitionCounting` checks at start-up that the engine still works this way.
 */
function installTransitionCounting(): void {
  const proto = StateMachine.prototype as unknown as { execute?: EngineExecute; [TRANSITION_COUNTER]?: true };
  if (proto[TRANSITION_COUNTER]) return;
  const original = proto.execute;
  if (typeof original !== 'function') throw new Error('aws-local-stepfunctions: StateMachine.prototype.execute is gone; update installTransitionCounting');
  proto.execute = function (input, options, cleanup) {
    const counter = options.runOptions?.[TRANSITION_COUNTER];
    const logger = options.eventLogger;
    if (counter && logger) {
      const entered = logger.dispatchStateEnteredEvent;
      const retried = logger.dispatchStateRetriedEvent;
      if (typeof entered !== 'function' || typeof retried !== 'function') {
        throw new Error('aws-local-stepfunctions: the event logger changed; update installTransitionCounting');
      }
      logger.dispatchStateEnteredEvent = (...args) => {
        counter.count++;
        entered.apply(logger, args);
      };
      logger.dispatchStateRetriedEvent = (...args) => {
        counter.count++;
        retried.apply(logger, args);
      };
    }
    return original.call(this, input, options, cleanup);
  };
  proto[TRANSITION_COUNTER] = true;
}
installTransitionCounting();

let transitionCountingVerified: Promise<void> | undefined;
/** Runs a Pass ─▶ Map(2 × Pass) machine once: 4 transitions, or the engine no longer works as counted. */
function verifyTransitionCounting(): Promise<void> {
  transitionCountingVerified ??= (async () => {
    const probe = new StateMachine(
      {
        StartAt: 'A',
        States: { A: { Type: 'Pass', Next: 'B' }, B: { Type: 'Map', ItemProcessor: { StartAt: 'C', States: { C: { Type: 'Pass', End: true } } }, End: true } },
      },
      { validationOptions: { noValidate: true } },
    );
    const counter: TransitionCounter = { count: 0 };
    const run = probe.run([1, 2], { [TRANSITION_COUNTER]: counter } as RunOptions);
    void drain(run.eventLogs);
    await run.result;
    if (counter.count !== 4) throw new Error(`aws-local-stepfunctions: counted ${counter.count} state transitions where there are 4; update installTransitionCounting`);
  })();
  return transitionCountingVerified;
}

async function drain(events: AsyncGenerator<unknown>): Promise<void> {
  for await (const _ of events);
}

// ---------------------------------------------------------------------------------------------
// Definitions
// ---------------------------------------------------------------------------------------------

type TaskTimeout = { seconds: number } | { path: string[]; expression: string };

interface TaskSpec {
  stateName: string;
  kind: 'invoke' | 'callback' | 'function';
  /** `function` kind: the function the Resource names. */
  resourceFunction?: LocalFunction;
  timeout: TaskTimeout;
}

interface PreparedMachine {
  name: string;
  arn: string;
  engine: StateMachine;
  tasks: Map<string, TaskSpec>;
}

const PARTITION = '(?:aws|aws-cn|aws-us-gov)';
const LAMBDA_INVOKE = new RegExp(`^arn:${PARTITION}:states:::lambda:invoke$`);
const LAMBDA_CALLBACK = new RegExp(`^arn:${PARTITION}:states:::lambda:invoke\\.waitForTaskToken$`);
const LAMBDA_FUNCTION_ARN = new RegExp(`^arn:${PARTITION}:lambda:[a-z0-9-]+:\\d{12}:function:([A-Za-z0-9_-]+)(?::[A-Za-z0-9_$-]+)?$`);
const MEMBER_PATH = /^\$(?:\.[A-Za-z_][A-Za-z0-9_]*)+$/;

class DefinitionError extends Error {}

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Validates a definition (asl-validator, through the engine) and what this stand-in supports, and
 * builds its engine with a task spec for every Task state, however deeply nested.
 */
function prepareMachine(region: string, name: string, definition: object, resolveFunction: (name: string) => LocalFunction | undefined, validated: boolean): PreparedMachine {
  const where = (state: string): string => `state machine ${name}, state ${state}`;
  // The validator first, so that a malformed definition is reported as such.
  if (!validated) validate(definition);
  const copy = structuredClone(definition) as Json;
  if (copy.QueryLanguage === 'JSONata') throw new DefinitionError(`state machine ${name}: JSONata is not supported by the local engine`);
  const tasks = new Map<string, TaskSpec>();
  const seen = new Set<string>();

  const walk = (machine: unknown): void => {
    if (!isObject(machine) || !isObject(machine.States)) throw new DefinitionError(`state machine ${name}: States missing`);
    for (const [stateName, state] of Object.entries(machine.States)) {
      if (!isObject(state)) throw new DefinitionError(`${where(stateName)}: not an object`);
      // Local handlers are keyed by state name, at every depth; AWS requires unique names anyway.
      if (seen.has(stateName)) throw new DefinitionError(`${where(stateName)}: the name is used twice`);
      seen.add(stateName);
      if (state.QueryLanguage === 'JSONata') throw new DefinitionError(`${where(stateName)}: JSONata is not supported by the local engine`);
      if (state.Type === 'Task') tasks.set(stateName, taskSpec(stateName, state));
      if (state.Type === 'Map') {
        const processor = state.ItemProcessor ?? state.Iterator;
        const distributed = isObject(processor) && isObject(processor.ProcessorConfig) && processor.ProcessorConfig.Mode === 'DISTRIBUTED';
        if (distributed || state.ItemReader !== undefined || state.ResultWriter !== undefined || state.ItemBatcher !== undefined) {
          throw new DefinitionError(`${where(stateName)}: a distributed Map is not supported by the local engine`);
        }
        walk(processor);
      }
      if (state.Type === 'Parallel') for (const branch of Array.isArray(state.Branches) ? state.Branches : []) walk(branch);
    }
  };

  const taskSpec = (stateName: string, state: Json): TaskSpec => {
    const resource = String(state.Resource);
    if (state.HeartbeatSeconds !== undefined || state.HeartbeatSecondsPath !== undefined) {
      throw new DefinitionError(`${where(stateName)}: HeartbeatSeconds is not supported by the local engine`);
    }
    let kind: TaskSpec['kind'];
    let resourceFunction: LocalFunction | undefined;
    if (LAMBDA_INVOKE.test(resource)) kind = 'invoke';
    else if (LAMBDA_CALLBACK.test(resource)) kind = 'callback';
    else if (LAMBDA_FUNCTION_ARN.test(resource)) {
      kind = 'function';
      resourceFunction = resolveFunction(resource);
      if (!resourceFunction) throw new DefinitionError(`${where(stateName)}: no local handler for the function ${resource}`);
    } else {
      throw new DefinitionError(`${where(stateName)}: Resource ${resource} is not supported locally (lambda:invoke, lambda:invoke.waitForTaskToken or a Lambda function ARN)`);
    }
    if (kind !== 'function') {
      const parameters = state.Parameters;
      if (!isObject(parameters) || (parameters.FunctionName === undefined && parameters['FunctionName.$'] === undefined)) {
        throw new DefinitionError(`${where(stateName)}: Parameters.FunctionName is required`);
      }
      if (typeof parameters.FunctionName === 'string' && !resolveFunction(parameters.FunctionName)) {
        throw new DefinitionError(`${where(stateName)}: no local handler for the function ${parameters.FunctionName}`);
      }
      if (kind === 'callback' && !JSON.stringify(parameters).includes('$$.Task.Token')) {
        throw new DefinitionError(`${where(stateName)}: a .waitForTaskToken task must pass $$.Task.Token in its Parameters`);
      }
    }
    let timeout: TaskTimeout;
    if (typeof state.TimeoutSecondsPath === 'string') {
      if (!MEMBER_PATH.test(state.TimeoutSecondsPath)) {
        throw new DefinitionError(`${where(stateName)}: TimeoutSecondsPath ${state.TimeoutSecondsPath} is not a plain member path ($.a.b), the only form supported locally`);
      }
      timeout = { path: state.TimeoutSecondsPath.split('.').slice(1), expression: state.TimeoutSecondsPath };
    } else if (typeof state.TimeoutSeconds === 'number') {
      if (state.TimeoutSeconds > MAX_TASK_TIMEOUT_SECONDS) {
        throw new DefinitionError(`${where(stateName)}: TimeoutSeconds above ${MAX_TASK_TIMEOUT_SECONDS} is not supported by the local engine`);
      }
      timeout = { seconds: state.TimeoutSeconds };
    } else {
      // The engine's default would be 60 s; AWS's is practically unbounded.
      state.TimeoutSeconds = MAX_TASK_TIMEOUT_SECONDS;
      timeout = { seconds: MAX_TASK_TIMEOUT_SECONDS };
    }
    return { stateName, kind, ...(resourceFunction ? { resourceFunction } : {}), timeout };
  };

  walk(copy);
  // Validated above; what the walk changed (default task timeouts) is valid ASL.
  const engine = new StateMachine(copy as unknown as StateMachineDefinition, { validationOptions: { noValidate: true } });
  return { name, arn: stateMachineArn(region, name), engine, tasks };
}

/**
 * The engine's validation (asl-validator, paths and ARNs checked) takes 0.3-1.3 s per definition,
 * so a definition that passed is remembered for the life of the process (a restarted server, the
 * tests and the benchmark start several).
 */
const validDefinitions = new Set<string>();
function validate(definition: object): void {
  const text = JSON.stringify(definition);
  if (validDefinitions.has(text)) return;
  new StateMachine(JSON.parse(text) as StateMachineDefinition);
  validDefinitions.add(text);
}

// ---------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------

/** An error answered in the Step Functions error shape (aws-json-server.ts). */
class SfnError extends AwsJsonError {}

function constraint(value: unknown, member: string, rule: string): SfnError {
  const shown = value === undefined || value === null ? 'null' : `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
  return new SfnError('ValidationException', `1 validation error detected: Value ${shown} at '${member}' failed to satisfy constraint: ${rule}`);
}

/**
 * An error a Task state fails with. The engine matches Retry and Catch on `name` and reports
 * `message` as the Cause; `final` errors (the States.Runtime kind) are neither retried nor caught,
 * which the engine reads from `isRetryable` / `isCatchable`.
 */
function taskError(name: string, cause: string, final = false): Error {
  const error = new Error(cause);
  error.name = name;
  if (final) Object.defineProperties(error, { isRetryable: { value: false }, isCatchable: { value: false } });
  return error;
}

/** How a Lambda function's error reaches Step Functions: error = its type, cause = Lambda's error document. */
function functionError(thrown: unknown): Error {
  const errorType = thrown instanceof Error ? thrown.name : 'Error';
  const errorMessage = thrown instanceof Error ? thrown.message : String(thrown);
  return taskError(errorType, JSON.stringify({ errorType, errorMessage }));
}

// ---------------------------------------------------------------------------------------------
// Execution records
// ---------------------------------------------------------------------------------------------

interface ExecutionItem {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  input: string;
  status: ExecutionStatus;
  /** Epoch milliseconds. */
  startDate: number;
  stopDate?: number;
  output?: string;
  error?: string;
  cause?: string;
  stateTransitions?: number;
}

function toRecord(item: Record<string, unknown>): ExecutionRecord {
  const text = (key: string): string => {
    const v = item[key];
    if (typeof v !== 'string') throw new Error(`execution record ${String(item.executionArn)}: ${key} is missing`);
    return v;
  };
  const status = text('status');
  if (!STATUSES.includes(status)) throw new Error(`execution record ${String(item.executionArn)}: unknown status ${status}`);
  return {
    executionArn: text('executionArn'),
    stateMachineArn: text('stateMachineArn'),
    name: text('name'),
    status: status as ExecutionStatus,
    startDate: new Date(Number(item.startDate)),
    ...(typeof item.stopDate === 'number' ? { stopDate: new Date(item.stopDate) } : {}),
    input: text('input'),
    ...(typeof item.output === 'string' ? { output: item.output } : {}),
    ...(typeof item.error === 'string' ? { error: item.error } : {}),
    ...(typeof item.cause === 'string' ? { cause: item.cause } : {}),
    stateTransitions: typeof item.stateTransitions === 'number' ? item.stateTransitions : 0,
  };
}

const epochSeconds = (d: Date): number => d.getTime() / 1000;

/** An execution as ListExecutions lists it, and as DescribeExecution begins its answer. */
function executionListItem(r: ExecutionRecord): Record<string, unknown> {
  return {
    executionArn: r.executionArn,
    stateMachineArn: r.stateMachineArn,
    name: r.name,
    status: r.status,
    startDate: epochSeconds(r.startDate),
    ...(r.stopDate ? { stopDate: epochSeconds(r.stopDate) } : {}),
  };
}

// ---------------------------------------------------------------------------------------------
// The server
// ---------------------------------------------------------------------------------------------

/** A callback task waiting for its answer. */
interface PendingTask {
  token: string;
  live: LiveExecution;
  stateName: string;
  resolve(output: JsonValue): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  /** Its function has been invoked (the token was announced). */
  announced: boolean;
}

/** An execution running in this process. */
interface LiveExecution {
  record: ExecutionRecord;
  machine: PreparedMachine;
  counter: TransitionCounter;
  tokens: Set<string>;
  /** Why it no longer takes new work: StopExecution, `close()`, or its own end. */
  closing?: 'stopped' | 'detached' | 'ended';
  abort(): void;
  /** Function calls under way (awaited before the execution counts as gone). */
  calls: Set<Promise<unknown>>;
  /** Resolves when the run has ended and its function calls have settled. */
  settled: Promise<void>;
}

/** AWS's limit on execution input, task output and the like (256 KiB of UTF-8). */
const MAX_PAYLOAD_BYTES = 256 * 1024;
const NAME_FORBIDDEN_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/]/u;

/** AWS's rule for execution names: 1-80 characters, no whitespace, brackets, wildcards, the listed punctuation or control characters. */
function isValidExecutionName(name: string): boolean {
  if (name.length < 1 || name.length > 80 || NAME_FORBIDDEN_CHARACTERS.test(name)) return false;
  for (const ch of name) {
    const code = ch.codePointAt(0)!;
    if (code <= 0x1f || (code >= 0x7f && code <= 0x9f)) return false;
  }
  return true;
}

function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void; reject: (error: Error) => void } {
  let resolve!: (value: T) => void;
  let reject!: (error: Error) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export async function startLocalStepFunctions(opts: LocalStepFunctionsOptions): Promise<LocalStepFunctions> {
  await verifyTransitionCounting();
  const { db, table, region } = opts;
  const events = new EventEmitter<StepFunctionsEvents>();
  /** A listener's failure must not break an execution. */
  const emit = <K extends keyof StepFunctionsEvents>(name: K, ...args: StepFunctionsEvents[K]): void => {
    try {
      (events.emit as (name: K, ...args: StepFunctionsEvents[K]) => boolean)(name, ...args);
    } catch (e) {
      notify({ type: 'failure', message: `a ${name} listener failed: ${(e as Error).message}` });
    }
  };
  const notify = (notice: StepFunctionsNotice): void => {
    try {
      opts.onEvent?.(notice);
    } catch {
      // A listener's failure must not break an execution.
    }
  };

  // Functions by the key given and, for ARN keys, by the function name in them (unless ambiguous).
  const functionsByName = new Map<string, LocalFunction | null>();
  for (const [key, fn] of Object.entries(opts.functions)) {
    const name = LAMBDA_FUNCTION_ARN.exec(key)?.[1];
    if (name && !Object.hasOwn(opts.functions, name)) functionsByName.set(name, functionsByName.has(name) ? null : fn);
  }
  const resolveFunction = (functionName: string): LocalFunction | undefined => {
    if (Object.hasOwn(opts.functions, functionName)) return opts.functions[functionName];
    const name = LAMBDA_FUNCTION_ARN.exec(functionName)?.[1] ?? functionName.split(':')[0]!;
    if (Object.hasOwn(opts.functions, name)) return opts.functions[name];
    return functionsByName.get(name) ?? undefined;
  };

  const machines = new Map<string, PreparedMachine>();
  for (const [name, definition] of Object.entries(opts.stateMachines)) {
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(name)) throw new DefinitionError(`state machine name ${name} is not valid`);
    machines.set(name, prepareMachine(region, name, definition, resolveFunction, opts.validated?.includes(name) ?? false));
  }

  const lives = new Map<string, LiveExecution>();
  const pending = new Map<string, PendingTask>();
  const endWaiters = new Map<string, ((record: ExecutionRecord) => void)[]>();
  const writes = new Set<Promise<unknown>>();
  let idleWaiters: (() => void)[] = [];

  const track = <T>(p: Promise<T>): Promise<T> => {
    writes.add(p);
    void p.finally(() => writes.delete(p)).catch(() => undefined);
    return p;
  };

  // --- records ---------------------------------------------------------------------------------

  const readRecord = async (executionArn: string): Promise<ExecutionRecord | undefined> => {
    const { Item } = await db.send(new GetCommand({ TableName: table, Key: { executionArn }, ConsistentRead: true }));
    return Item ? toRecord(Item) : undefined;
  };

  const describe = async (executionArn: string): Promise<ExecutionRecord | undefined> => {
    const record = await readRecord(executionArn);
    const live = lives.get(executionArn);
    if (record && live && record.status === 'RUNNING') return { ...record, stateTransitions: live.counter.count };
    return record;
  };

  const scan = async (filter: string, values: Record<string, unknown>): Promise<ExecutionRecord[]> => {
    const records: ExecutionRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await db.send(
        new ScanCommand({
          TableName: table,
          FilterExpression: filter,
          ExpressionAttributeNames: filter.includes('#status') ? { '#status': 'status' } : undefined,
          ExpressionAttributeValues: values,
          ConsistentRead: true,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) records.push(toRecord(item));
      startKey = page.LastEvaluatedKey;
    } while (startKey);
    return records;
  };

  /** Records the end if the execution is still RUNNING in the table; answers whether it did. */
  const recordEnd = async (executionArn: string, end: Omit<ExecutionEndEvent, 'executionArn' | 'stateMachineArn'> & { output?: string; stopDate: Date }): Promise<boolean> => {
    const sets = ['#status = :status', 'stopDate = :stopDate', 'stateTransitions = :transitions'];
    const values: Record<string, unknown> = { ':status': end.status, ':stopDate': end.stopDate.getTime(), ':transitions': end.stateTransitions, ':running': 'RUNNING' };
    for (const key of ['output', 'error', 'cause'] as const) {
      const value = end[key];
      if (value !== undefined) {
        sets.push(`#${key} = :${key}`);
        values[`:${key}`] = value;
      }
    }
    try {
      await track(
        db.send(
          new UpdateCommand({
            TableName: table,
            Key: { executionArn },
            UpdateExpression: `SET ${sets.join(', ')}`,
            ConditionExpression: '#status = :running',
            ExpressionAttributeNames: {
              '#status': 'status',
              ...(end.output !== undefined ? { '#output': 'output' } : {}),
              ...(end.error !== undefined ? { '#error': 'error' } : {}),
              ...(end.cause !== undefined ? { '#cause': 'cause' } : {}),
            },
            ExpressionAttributeValues: values,
          }),
        ),
      );
      return true;
    } catch (e) {
      if ((e as Error).name === 'ConditionalCheckFailedException') return false;
      throw e;
    }
  };

  const announceEnd = async (executionArn: string): Promise<void> => {
    const record = await readRecord(executionArn);
    if (!record || record.status === 'RUNNING') return;
    const end: ExecutionEndEvent = {
      executionArn,
      stateMachineArn: record.stateMachineArn,
      status: record.status,
      ...(record.error !== undefined ? { error: record.error } : {}),
      ...(record.cause !== undefined ? { cause: record.cause } : {}),
      stateTransitions: record.stateTransitions,
    };
    emit('execution-end', end);
    notify({ type: 'execution-end', ...end });
    const waiters = endWaiters.get(executionArn) ?? [];
    endWaiters.delete(executionArn);
    for (const resolve of waiters) resolve(record);
  };

  // --- task tokens -----------------------------------------------------------------------------

  /**
   * Tokens are opaque to clients; they carry their execution's ARN so that one this process no
   * longer knows (answered, timed out, or issued before a restart) is told apart from one never
   * issued: the first answers `TaskTimedOut` as on AWS, the second `InvalidToken`.
   */
  const issueToken = (executionArn: string): string => `${Buffer.from(executionArn).toString('base64url')}.${randomBytes(32).toString('base64url')}`;
  const executionOfToken = (token: string): string | undefined => {
    const [head, tail, ...rest] = token.split('.');
    if (!head || !tail || rest.length > 0 || !/^[A-Za-z0-9_-]{43}$/.test(tail)) return undefined;
    const arn = Buffer.from(head, 'base64url').toString('utf8');
    return arn.startsWith('arn:') && arn.includes(':execution:') ? arn : undefined;
  };

  /** Closes a callback task: its token answers `TaskTimedOut` from now on. */
  const retire = (task: PendingTask): void => {
    clearTimeout(task.timer);
    pending.delete(task.token);
    task.live.tokens.delete(task.token);
  };

  /** Closes every open callback task of the execution, failing them (the run is being stopped or has ended). */
  const retireAll = (live: LiveExecution, reason: string): void => {
    for (const token of [...live.tokens]) {
      const task = pending.get(token);
      if (!task) continue;
      retire(task);
      task.reject(taskError('States.Runtime', reason, true));
    }
  };

  const openTask = async (token: string): Promise<PendingTask> => {
    if (typeof token !== 'string' || token.length === 0) throw constraint(token, 'taskToken', 'Member must have length greater than or equal to 1');
    if (token.length > 2048) throw constraint(token, 'taskToken', 'Member must have length less than or equal to 2048');
    const task = pending.get(token);
    if (task) return task;
    const executionArn = executionOfToken(token);
    if (executionArn && (lives.has(executionArn) || (await readRecord(executionArn)))) throw new SfnError('TaskTimedOut', 'Task Timed Out');
    throw new SfnError('InvalidToken', 'Invalid token');
  };

  // --- tasks -----------------------------------------------------------------------------------

  /** A function call, counted among the execution's calls under way; its payload and result pass through JSON as on Lambda. */
  const callFunction = (live: LiveExecution, fn: LocalFunction, payload: unknown): Promise<JsonValue> => {
    const call = (async () => {
      const result = await fn(payload === undefined ? {} : JSON.parse(JSON.stringify(payload)));
      return (result === undefined ? null : JSON.parse(JSON.stringify(result))) as JsonValue;
    })();
    live.calls.add(call);
    void call.finally(() => live.calls.delete(call)).catch(() => undefined);
    return call.catch((e: unknown) => {
      throw functionError(e);
    });
  };

  /** The task's timeout in ms, exactly as the engine computes it (it times the task out itself). */
  const timeoutMs = (spec: TaskSpec, input: JsonValue): number => {
    if ('seconds' in spec.timeout) return spec.timeout.seconds * 1000;
    let value: unknown = input;
    for (const key of spec.timeout.path) value = isObject(value) ? value[key] : undefined;
    if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
      throw taskError('States.Runtime', `TimeoutSecondsPath ${spec.timeout.expression} must select an integer of at least 1`, true);
    }
    if (value > MAX_TASK_TIMEOUT_SECONDS) {
      throw taskError('States.Runtime', `TimeoutSecondsPath ${spec.timeout.expression} selected ${value}; the local engine supports at most ${MAX_TASK_TIMEOUT_SECONDS}`, true);
    }
    return value * 1000;
  };

  const lambdaTarget = (spec: TaskSpec, input: JsonValue): { fn: LocalFunction; payload: unknown } => {
    if (!isObject(input) || typeof input.FunctionName !== 'string') throw taskError('States.Runtime', `${spec.stateName}: FunctionName must be a string`, true);
    const fn = resolveFunction(input.FunctionName);
    if (!fn) throw taskError('Lambda.ResourceNotFoundException', `Function not found: ${input.FunctionName}`);
    return { fn, payload: input.Payload };
  };

  const replaceSentinel = (value: unknown, token: string): unknown => {
    if (typeof value === 'string') return value.replaceAll(TASK_TOKEN_SENTINEL, token);
    if (Array.isArray(value)) return value.map((v) => replaceSentinel(v, token));
    if (isObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, replaceSentinel(v, token)]));
    return value;
  };

  const runTask = async (live: LiveExecution, spec: TaskSpec, input: JsonValue): Promise<JsonValue> => {
    // After a stop or close the engine may still try a retry or a Catch target; nothing new starts.
    if (live.closing) throw taskError('States.Runtime', 'the execution is no longer running', true);
    // Synchronously (before the engine starts its own timer): a callback task's timer must fire first.
    const ms = timeoutMs(spec, input);
    if (spec.kind === 'function') return callFunction(live, spec.resourceFunction!, input);
    const { fn, payload } = lambdaTarget(spec, input);
    if (spec.kind === 'invoke') return { ExecutedVersion: '$LATEST', Payload: await callFunction(live, fn, payload), StatusCode: 200 };

    const token = issueToken(live.record.executionArn);
    const answer = deferred<JsonValue>();
    const task: PendingTask = {
      token,
      live,
      stateName: spec.stateName,
      resolve: answer.resolve,
      reject: answer.reject,
      // The engine abandons the task at its timeout (States.Timeout) but cannot close the token: do
      // it at the same moment, leaving the abandoned promise unsettled (settling it could race the
      // engine's own timeout with a different error).
      timer: setTimeout(() => retire(task), ms),
      announced: false,
    };
    pending.set(token, task);
    live.tokens.add(token);
    try {
      await callFunction(live, fn, replaceSentinel(payload, token));
    } catch (e) {
      if (pending.get(token) === task) retire(task);
      throw e;
    }
    if (pending.get(token) === task) {
      task.announced = true;
      emit('task-token', { executionArn: live.record.executionArn, stateName: spec.stateName, token });
    }
    return answer.promise;
  };

  // --- running -----------------------------------------------------------------------------------

  const launch = (record: ExecutionRecord, machine: PreparedMachine): void => {
    const counter: TransitionCounter = { count: 0 };
    const done = deferred<void>();
    const live: LiveExecution = { record, machine, counter, tokens: new Set(), abort: () => undefined, calls: new Set(), settled: done.promise };
    lives.set(record.executionArn, live);

    const handlers: Record<string, TaskHandler> = {};
    for (const spec of machine.tasks.values()) {
      handlers[spec.stateName] = (input) => {
        const result = runTask(live, spec, input);
        // The engine abandons a timed-out task's promise; it must not become an unhandled rejection.
        result.catch(() => undefined);
        return result;
      };
    }
    let run: ReturnType<StateMachine['run']>;
    try {
      run = machine.engine.run(
        JSON.parse(record.input) as JsonValue,
        {
          context: {
            Task: { Token: TASK_TOKEN_SENTINEL },
            Execution: { Id: record.executionArn, Name: record.name },
            StateMachine: { Id: machine.arn, Name: machine.name },
          },
          overrides: { taskResourceLocalHandlers: handlers, ...(opts.retryIntervalOverrides ? { retryIntervalOverrides: opts.retryIntervalOverrides } : {}) },
          [TRANSITION_COUNTER]: counter,
        } as RunOptions,
      );
    } catch (e) {
      lives.delete(record.executionArn);
      throw e;
    }
    live.abort = run.abort;

    // The log must be read: the engine queues every entry until it is.
    const log = (async () => {
      for await (const event of run.eventLogs) emit('state', { executionArn: record.executionArn, event });
    })();

    const finish = async (end: { status: Exclude<ExecutionStatus, 'RUNNING'>; output?: string; error?: string; cause?: string }): Promise<void> => {
      const reason = live.closing;
      live.closing ??= 'ended';
      retireAll(live, 'the execution has ended');
      // A stopped execution was recorded by StopExecution; a detached one stays RUNNING.
      if (reason === undefined) {
        try {
          const recorded = await recordEnd(record.executionArn, { ...end, stopDate: new Date(), stateTransitions: counter.count });
          if (recorded) await announceEnd(record.executionArn);
        } catch (e) {
          notify({ type: 'failure', executionArn: record.executionArn, message: `could not record the end of the execution: ${(e as Error).message}` });
        }
      }
    };

    void (async () => {
      try {
        const output = await run.result;
        await finish({ status: 'SUCCEEDED', output: JSON.stringify(output) });
      } catch (e) {
        if (e instanceof ExecutionAbortedError) await finish({ status: 'ABORTED' });
        else if (e instanceof ExecutionTimeoutError) await finish({ status: 'TIMED_OUT', error: 'States.Timeout', cause: 'The execution timed out' });
        else {
          const failure = e instanceof ExecutionError && e.cause instanceof Error ? e.cause : (e as Error);
          await finish({ status: 'FAILED', error: failure.name, cause: failure.message });
        }
      }
      await log.catch(() => undefined);
      while (live.calls.size > 0) await Promise.allSettled([...live.calls]);
      lives.delete(record.executionArn);
      done.resolve();
      if (lives.size === 0) {
        const waiters = idleWaiters;
        idleWaiters = [];
        for (const resolve of waiters) resolve();
      }
    })();
  };

  const machineOf = (arn: unknown, member = 'stateMachineArn'): PreparedMachine => {
    if (typeof arn !== 'string') throw constraint(arn, member, 'Member must not be null');
    const match = /^arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:stateMachine:([^:]+)$/.exec(arn);
    if (!match) throw new SfnError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
    const machine = machines.get(match[1]!);
    if (!machine || machine.arn !== arn) throw new SfnError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
    return machine;
  };

  const existingExecution = async (arn: unknown): Promise<ExecutionRecord> => {
    if (typeof arn !== 'string') throw constraint(arn, 'executionArn', 'Member must not be null');
    if (!/^arn:[a-z-]+:states:[a-z0-9-]+:\d{12}:execution:[^:]+:[^:]+$/.test(arn))
      throw new SfnError('InvalidArn', `Invalid Arn: 'Resource type not valid in this context: ${arn}'`);
    const record = await describe(arn);
    if (!record) throw new SfnError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
    return record;
  };

  const optionalString = (input: Json, member: string, max: number): string | undefined => {
    const value = input[member];
    if (value === undefined || value === null) return undefined;
    if (typeof value !== 'string') throw new SfnError('SerializationException', `${member} must be a string`);
    if (Buffer.byteLength(value) > max) throw constraint(value, member, `Member must have length less than or equal to ${max}`);
    return value;
  };

  // --- operations --------------------------------------------------------------------------------

  const operations: Record<string, (input: Json) => Promise<Json>> = {
    async StartExecution(input) {
      const machine = machineOf(input.stateMachineArn);
      const name = optionalString(input, 'name', 1024) ?? randomUUID();
      if (!isValidExecutionName(name)) throw new SfnError('InvalidName', `Invalid Name: '${name}'`);
      const text = optionalString(input, 'input', MAX_PAYLOAD_BYTES) ?? '{}';
      try {
        JSON.parse(text);
      } catch (e) {
        throw new SfnError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${(e as Error).message}'`);
      }
      const record: ExecutionRecord = {
        executionArn: executionArnOf(region, machine.name, name),
        stateMachineArn: machine.arn,
        name,
        status: 'RUNNING',
        startDate: new Date(),
        input: text,
        stateTransitions: 0,
      };
      const item: ExecutionItem = {
        executionArn: record.executionArn,
        stateMachineArn: record.stateMachineArn,
        name,
        input: text,
        status: 'RUNNING',
        startDate: record.startDate.getTime(),
        stateTransitions: 0,
      };
      try {
        await track(db.send(new PutCommand({ TableName: table, Item: item, ConditionExpression: 'attribute_not_exists(executionArn)' })));
      } catch (e) {
        if ((e as Error).name !== 'ConditionalCheckFailedException') throw e;
        // AWS: the same name and input while the execution is open is the same start; a closed one,
        // or another input, is a conflict.
        const existing = await readRecord(record.executionArn);
        if (existing && existing.status === 'RUNNING' && existing.input === text) {
          return { executionArn: existing.executionArn, startDate: epochSeconds(existing.startDate) };
        }
        throw new SfnError('ExecutionAlreadyExists', `Execution Already Exists: '${record.executionArn}'`);
      }
      launch(record, machine);
      return { executionArn: record.executionArn, startDate: epochSeconds(record.startDate) };
    },

    async DescribeExecution(input) {
      const r = await existingExecution(input.executionArn);
      return {
        ...executionListItem(r),
        input: r.input,
        inputDetails: { included: true },
        ...(r.output !== undefined ? { output: r.output, outputDetails: { included: true } } : {}),
        ...(r.error !== undefined ? { error: r.error } : {}),
        ...(r.cause !== undefined ? { cause: r.cause } : {}),
      };
    },

    async ListExecutions(input) {
      const machine = machineOf(input.stateMachineArn);
      const statusFilter = input.statusFilter;
      if (statusFilter !== undefined && statusFilter !== null && (typeof statusFilter !== 'string' || !STATUSES.includes(statusFilter))) {
        throw constraint(statusFilter, 'statusFilter', `Member must satisfy enum value set: [${STATUSES.join(', ')}]`);
      }
      const records = await scan(typeof statusFilter === 'string' ? 'stateMachineArn = :arn AND #status = :status' : 'stateMachineArn = :arn', {
        ':arn': machine.arn,
        ...(typeof statusFilter === 'string' ? { ':status': statusFilter } : {}),
      });
      records.sort((a, b) => b.startDate.getTime() - a.startDate.getTime());
      return {
        executions: records.map(executionListItem),
      };
    },

    async StopExecution(input) {
      const record = await existingExecution(input.executionArn);
      const error = optionalString(input, 'error', 256);
      const cause = optionalString(input, 'cause', 32768);
      if (record.status !== 'RUNNING') return { stopDate: epochSeconds(record.stopDate ?? record.startDate) };
      const live = lives.get(record.executionArn);
      const stopDate = new Date();
      const recorded = await recordEnd(record.executionArn, {
        status: 'ABORTED',
        stopDate,
        stateTransitions: live?.counter.count ?? record.stateTransitions,
        ...(error !== undefined ? { error } : {}),
        ...(cause !== undefined ? { cause } : {}),
      });
      if (!recorded) {
        // It ended on its own in the meantime.
        const ended = await readRecord(record.executionArn);
        return { stopDate: epochSeconds(ended?.stopDate ?? stopDate) };
      }
      if (live && !live.closing) {
        live.closing = 'stopped';
        retireAll(live, 'the execution was stopped');
        live.abort();
      }
      await announceEnd(record.executionArn);
      return { stopDate: epochSeconds(stopDate) };
    },

    async SendTaskSuccess(input) {
      const task = await openTask(input.taskToken as string);
      const output = input.output;
      if (typeof output !== 'string') throw constraint(output, 'output', 'Member must not be null');
      if (Buffer.byteLength(output) > MAX_PAYLOAD_BYTES) throw constraint('…', 'output', `Member must have length less than or equal to ${MAX_PAYLOAD_BYTES}`);
      let parsed: JsonValue;
      try {
        parsed = JSON.parse(output) as JsonValue;
      } catch (e) {
        throw new SfnError('InvalidOutput', `Invalid Output: '${(e as Error).message}'`);
      }
      retire(task);
      task.resolve(parsed);
      return {};
    },

    async SendTaskFailure(input) {
      const task = await openTask(input.taskToken as string);
      const error = optionalString(input, 'error', 256);
      const cause = optionalString(input, 'cause', 32768);
      retire(task);
      task.reject(taskError(error ?? 'States.TaskFailed', cause ?? ''));
      return {};
    },

    async SendTaskHeartbeat(input) {
      await openTask(input.taskToken as string);
      return {};
    },
  };

  // --- HTTP --------------------------------------------------------------------------------------

  const server = await serveAwsJson({
    host: opts.host,
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    contentType: 'application/x-amz-json-1.0',
    targetPrefix: 'AWSStepFunctions.',
    operations,
    internalErrorType: 'InternalServerError',
  });

  return {
    endpoint: server.endpoint,
    port: server.port,
    events,
    stateMachineArn(name) {
      const machine = machines.get(name);
      if (!machine) throw new Error(`no state machine ${name}`);
      return machine.arn;
    },

    async resumeRunning() {
      let resumed = 0;
      for (const record of await scan('#status = :status', { ':status': 'RUNNING' })) {
        if (lives.has(record.executionArn)) continue;
        const machine = [...machines.values()].find((m) => m.arn === record.stateMachineArn);
        if (!machine) {
          notify({ type: 'failure', executionArn: record.executionArn, message: `not resumed: its state machine ${record.stateMachineArn} is not defined here` });
          continue;
        }
        launch(record, machine);
        resumed++;
      }
      return resumed;
    },

    async waitForExecution(executionArn) {
      // Registered before reading, so that an end recorded in between is not missed.
      const waiter = deferred<ExecutionRecord>();
      endWaiters.set(executionArn, [...(endWaiters.get(executionArn) ?? []), waiter.resolve]);
      const forget = (): void => {
        const rest = (endWaiters.get(executionArn) ?? []).filter((w) => w !== waiter.resolve);
        if (rest.length > 0) endWaiters.set(executionArn, rest);
        else endWaiters.delete(executionArn);
      };
      const record = await describe(executionArn).catch((e: unknown) => {
        forget();
        throw e;
      });
      if (!record || record.status !== 'RUNNING') {
        forget();
        if (!record) throw new Error(`no execution ${executionArn}`);
        return record;
      }
      return waiter.promise;
    },

    waitForTaskToken(executionArn, stateName) {
      const matches = (task: { executionArn: string; stateName: string }): boolean =>
        task.executionArn === executionArn && (stateName === undefined || task.stateName === stateName);
      for (const task of pending.values()) {
        if (task.announced && matches({ executionArn: task.live.record.executionArn, stateName: task.stateName })) return Promise.resolve(task.token);
      }
      return new Promise((resolve, reject) => {
        const stop = (): void => {
          events.off('task-token', onToken);
          events.off('execution-end', onEnd);
        };
        const onToken = (e: TaskTokenEvent): void => {
          if (!matches(e)) return;
          stop();
          resolve(e.token);
        };
        const onEnd = (e: ExecutionEndEvent): void => {
          if (e.executionArn !== executionArn) return;
          stop();
          reject(new Error(`${executionArn} ended (${e.status}) without waiting for a task token`));
        };
        events.on('task-token', onToken);
        events.on('execution-end', onEnd);
      });
    },

    describeExecution: describe,

    idle() {
      if (lives.size === 0) return Promise.resolve();
      return new Promise((resolve) => idleWaiters.push(resolve));
    },

    async close() {
      await server.close();
      for (const live of lives.values()) {
        if (live.closing) continue;
        live.closing = 'detached';
        retireAll(live, 'the local Step Functions is closing');
        live.abort();
      }
      await Promise.allSettled([...lives.values()].map((live) => live.settled));
      await Promise.allSettled([...writes]);
    },
  };
}
