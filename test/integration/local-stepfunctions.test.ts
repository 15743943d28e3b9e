// The local Step Functions stand-in, driven by the unmodified AWS SDK v3 SFN client over real HTTP,
// recording executions in dynalite. The definitions are small hand-written ones (not the joint
// workflow), each exercising one behaviour; nothing sleeps to synchronise: the tests await the
// server's events (task tokens, execution ends).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  DescribeExecutionCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidExecutionInput,
  InvalidName,
  InvalidOutput,
  InvalidToken,
  ListExecutionsCommand,
  SendTaskFailureCommand,
  SendTaskHeartbeatCommand,
  SendTaskSuccessCommand,
  SFNClient,
  SFNServiceException,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  TaskTimedOut,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../support/refusal.ts';
import { LOCAL_TABLES, ensureTables, startDynalite } from '../../infra/local/local-dynamodb.ts';
import {
  TASK_TOKEN_SENTINEL,
  startLocalStepFunctions,
  type LocalFunction,
  type LocalStepFunctions,
  type LocalStepFunctionsOptions,
} from '../../infra/local/stepfunctions-server.ts';

const REGION = 'cn-north-1';
const ACCOUNT = '000000000000';
const functionArn = (name: string): string => `arn:aws-cn:lambda:${REGION}:${ACCOUNT}:function:${name}`;
const CALLBACK_RESOURCE = 'arn:aws-cn:states:::lambda:invoke.waitForTaskToken';

// --- definitions ---------------------------------------------------------------------------------

/** Pass ─▶ lambda:invoke (FunctionName given as an ARN; the handler is registered by name). */
const DOUBLE = {
  StartAt: 'Prepare',
  States: {
    Prepare: { Type: 'Pass', Parameters: { 'n.$': '$.n' }, Next: 'Double' },
    Double: {
      Type: 'Task',
      Resource: 'arn:aws-cn:states:::lambda:invoke',
      Parameters: { FunctionName: functionArn('double'), 'Payload.$': '$' },
      ResultSelector: { 'doubled.$': '$.Payload.doubled', 'statusCode.$': '$.StatusCode' },
      TimeoutSeconds: 10,
      End: true,
    },
  },
};

/**
 * A callback task waiting `waitSeconds`; a failure sent back (or thrown by the function) goes to a
 * Fail state carrying it, a timeout to a second callback task. The Catch for States.TaskFailed
 * comes first: it must not take the timeout.
 */
const CALLBACK = {
  StartAt: 'AwaitAnswer',
  States: {
    AwaitAnswer: {
      Type: 'Task',
      Resource: CALLBACK_RESOURCE,
      Parameters: {
        FunctionName: 'request',
        Payload: { 'taskToken.$': '$$.Task.Token', 'caseNo.$': '$.caseNo', 'mode.$': '$.mode', 'waitSeconds.$': '$.waitSeconds' },
      },
      TimeoutSecondsPath: '$.Payload.waitSeconds',
      ResultPath: '$.answer',
      Catch: [
        { ErrorEquals: ['States.TaskFailed'], ResultPath: '$.failure', Next: 'Refused' },
        { ErrorEquals: ['States.Timeout'], ResultPath: '$.timeout', Next: 'AwaitAgain' },
      ],
      Next: 'Answered',
    },
    AwaitAgain: {
      Type: 'Task',
      Resource: CALLBACK_RESOURCE,
      Parameters: { FunctionName: 'request', Payload: { 'taskToken.$': '$$.Task.Token', 'caseNo.$': '$.caseNo', mode: 'again' } },
      TimeoutSeconds: 3600,
      ResultPath: '$.answer',
      Next: 'Answered',
    },
    Answered: { Type: 'Succeed' },
    Refused: { Type: 'Fail', ErrorPath: '$.failure.Error', CausePath: '$.failure.Cause' },
  },
};

/** A Lambda step failing once with a retryable error; its 60 s retry interval is overridden to 0 in these tests. */
const FLAKY = {
  StartAt: 'Flaky',
  States: {
    Flaky: {
      Type: 'Task',
      Resource: 'arn:aws-cn:states:::lambda:invoke',
      Parameters: { FunctionName: 'flaky', 'Payload.$': '$' },
      Retry: [{ ErrorEquals: ['Transient'], IntervalSeconds: 60, MaxAttempts: 2 }],
      OutputPath: '$.Payload',
      End: true,
    },
  },
};

/**
 * Start ─▶ Groups (Map) ─▶ Finish; each group: Label ─▶ Items (Map); each item: Echo (a Lambda
 * function ARN as Resource) ─▶ Done. With 5 groups of 3 items: 1 + 1 + 5 × (1 + 1 + 3 × 2) + 1 = 43.
 */
const NESTED = {
  StartAt: 'Start',
  States: {
    Start: { Type: 'Pass', Next: 'Groups' },
    Groups: {
      Type: 'Map',
      ItemsPath: '$.groups',
      ItemProcessor: {
        StartAt: 'Label',
        States: {
          Label: { Type: 'Pass', Next: 'Items' },
          Items: {
            Type: 'Map',
            ItemsPath: '$.items',
            ItemProcessor: {
              StartAt: 'Echo',
              States: { Echo: { Type: 'Task', Resource: functionArn('echo'), TimeoutSeconds: 10, Next: 'Done' }, Done: { Type: 'Pass', End: true } },
            },
            End: true,
          },
        },
      },
      Next: 'Finish',
    },
    Finish: { Type: 'Succeed' },
  },
};
const NESTED_TRANSITIONS = 43;

// --- the embedded functions --------------------------------------------------------------------

interface RequestEvent {
  taskToken: string;
  caseNo: string;
  mode: string;
}

class NamedError extends Error {
  constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

const doubleCalls: unknown[] = [];
const requests: RequestEvent[] = [];
const flakyCalls = new Map<string, number>();
const echoCalls: unknown[] = [];

const functions: Record<string, LocalFunction> = {
  double: async (event) => {
    doubleCalls.push(event);
    return { doubled: (event as { n: number }).n * 2 };
  },
  // Registered by ARN, named by its bare name in CALLBACK.
  [functionArn('request')]: async (event) => {
    const request = event as RequestEvent;
    requests.push(request);
    if (request.mode === 'explode') throw new NamedError('JointTaskEnded', `the task of ${request.caseNo} has ended`);
    return { stored: true };
  },
  flaky: async (event) => {
    const key = (event as { key: string }).key;
    const n = (flakyCalls.get(key) ?? 0) + 1;
    flakyCalls.set(key, n);
    if (n === 1) throw new NamedError('Transient', 'try again');
    return { key, attempt: n };
  },
  echo: async (event) => {
    echoCalls.push(event);
    return event;
  },
};

const requestsOf = (caseNo: string): RequestEvent[] => requests.filter((r) => r.caseNo === caseNo);

// --- harness -----------------------------------------------------------------------------------

const credentials = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-secret' };

interface Store {
  db: DynamoDBDocumentClient;
  close(): Promise<void>;
}

async function startStore(): Promise<Store> {
  const dynamo = await startDynalite(undefined);
  const raw = new DynamoDBClient({ region: REGION, endpoint: dynamo.endpoint, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  await ensureTables(raw, LOCAL_TABLES);
  return {
    db: DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } }),
    close: async () => {
      raw.destroy();
      await dynamo.close();
    },
  };
}

function options(db: DynamoDBDocumentClient, extra: Partial<LocalStepFunctionsOptions> = {}): LocalStepFunctionsOptions {
  return {
    host: '127.0.0.1',
    region: REGION,
    db,
    table: LOCAL_TABLES.stepFunctions,
    stateMachines: { Double: DOUBLE, Callback: CALLBACK, Flaky: FLAKY, Nested: NESTED },
    functions,
    retryIntervalOverrides: { Flaky: 0 },
    ...extra,
  };
}

const clientFor = (server: LocalStepFunctions): SFNClient => new SFNClient({ endpoint: server.endpoint, region: REGION, credentials, maxAttempts: 1 });

let store: Store;
let sfn: LocalStepFunctions;
let client: SFNClient;

beforeAll(async () => {
  store = await startStore();
  sfn = await startLocalStepFunctions(options(store.db));
  client = clientFor(sfn);
});

afterAll(async () => {
  client?.destroy();
  await sfn?.close();
  await store?.close();
});

async function start(machine: string, name: string, input: object): Promise<string> {
  const out = await client.send(new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArn(machine), name, input: JSON.stringify(input) }));
  return out.executionArn!;
}

const callbackInput = (caseNo: string, mode = 'normal', waitSeconds = 3600): object => ({ caseNo, mode, waitSeconds });

// --- tests -------------------------------------------------------------------------------------

describe('engine support on this Node', () => {
  it('Promise.withResolvers exists and follows the standard (the subclass is constructed)', async () => {
    class Tracked<T> extends Promise<T> {}
    const { promise, resolve } = (Tracked as unknown as { withResolvers<T>(): { promise: Promise<T>; resolve: (v: T) => void } }).withResolvers<number>();
    expect(promise).toBeInstanceOf(Tracked);
    resolve(7);
    await expect(promise).resolves.toBe(7);
  });
});

describe('StartExecution and DescribeExecution', () => {
  it('runs an execution to its output and records it', async () => {
    const before = doubleCalls.length;
    const arn = await start('Double', 'double-1', { n: 21 });
    expect(arn).toBe(`arn:aws-cn:states:${REGION}:${ACCOUNT}:execution:Double:double-1`);
    await sfn.waitForExecution(arn);
    const d = await client.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(d).toMatchObject({ executionArn: arn, stateMachineArn: sfn.stateMachineArn('Double'), name: 'double-1', status: 'SUCCEEDED', input: '{"n":21}' });
    expect(JSON.parse(d.output!)).toEqual({ doubled: 42, statusCode: 200 });
    expect(d.startDate).toBeInstanceOf(Date);
    expect(d.stopDate!.getTime()).toBeGreaterThanOrEqual(d.startDate!.getTime());
    expect(doubleCalls.slice(before)).toEqual([{ n: 21 }]);
    expect((await sfn.describeExecution(arn))?.stateTransitions).toBe(2);
  });

  it('answers the same start for the same name and input while it runs, and ExecutionAlreadyExists otherwise', async () => {
    const input = JSON.stringify(callbackInput('IDEM-1'));
    const stateMachineArn = sfn.stateMachineArn('Callback');
    const first = await client.send(new StartExecutionCommand({ stateMachineArn, name: 'idem-1', input }));
    const token = await sfn.waitForTaskToken(first.executionArn!);
    const again = await client.send(new StartExecutionCommand({ stateMachineArn, name: 'idem-1', input }));
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate).toEqual(first.startDate);
    expect(requestsOf('IDEM-1')).toHaveLength(1);

    const other = JSON.stringify(callbackInput('IDEM-2'));
    expect(await failure(client.send(new StartExecutionCommand({ stateMachineArn, name: 'idem-1', input: other })))).toBeInstanceOf(ExecutionAlreadyExists);

    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"opinion":"agree"}' }));
    expect((await sfn.waitForExecution(first.executionArn!)).status).toBe('SUCCEEDED');
    // As on AWS: once the execution is closed, its name is taken whatever the input.
    expect(await failure(client.send(new StartExecutionCommand({ stateMachineArn, name: 'idem-1', input })))).toBeInstanceOf(ExecutionAlreadyExists);
    expect(requestsOf('IDEM-1')).toHaveLength(1);
  });

  it('refuses an unknown state machine, an invalid name, input that is not JSON, and an unknown execution', async () => {
    const unknownMachine = `arn:aws-cn:states:${REGION}:${ACCOUNT}:stateMachine:Nope`;
    expect(await failure(client.send(new StartExecutionCommand({ stateMachineArn: unknownMachine, input: '{}' })))).toBeInstanceOf(StateMachineDoesNotExist);
    const stateMachineArn = sfn.stateMachineArn('Double');
    for (const name of ['has space', 'a/b', 'x'.repeat(81), 'tab\u0001']) {
      expect(await failure(client.send(new StartExecutionCommand({ stateMachineArn, name, input: '{"n":1}' })))).toBeInstanceOf(InvalidName);
    }
    expect(await failure(client.send(new StartExecutionCommand({ stateMachineArn, name: 'bad-input', input: '{n:1}' })))).toBeInstanceOf(InvalidExecutionInput);
    const missing = `arn:aws-cn:states:${REGION}:${ACCOUNT}:execution:Double:never-started`;
    expect(await failure(client.send(new DescribeExecutionCommand({ executionArn: missing })))).toBeInstanceOf(ExecutionDoesNotExist);
  });

  it('answers UnknownOperationException for an operation it does not offer', async () => {
    const res = await fetch(sfn.endpoint, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-amz-json-1.0', 'X-Amz-Target': 'AWSStepFunctions.CreateStateMachine' },
      body: '{}',
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { __type: string }).__type).toBe('UnknownOperationException');
  });
});

describe('callback tasks', () => {
  it('resolves with SendTaskSuccess, using the token the function received; the token then answers TaskTimedOut', async () => {
    const arn = await start('Callback', 'cb-success', callbackInput('CB-1'));
    const token = await sfn.waitForTaskToken(arn, 'AwaitAnswer');
    const [request] = requestsOf('CB-1');
    expect(request?.taskToken).toBe(token);
    expect(token).not.toContain(TASK_TOKEN_SENTINEL);

    await client.send(new SendTaskHeartbeatCommand({ taskToken: token }));
    expect(await failure(client.send(new SendTaskSuccessCommand({ taskToken: token, output: 'not json' })))).toBeInstanceOf(InvalidOutput);
    await client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{"opinion":"agree"}' }));
    const end = await sfn.waitForExecution(arn);
    expect(end.status).toBe('SUCCEEDED');
    expect(JSON.parse(end.output!)).toEqual({ ...callbackInput('CB-1'), answer: { opinion: 'agree' } });

    expect(await failure(client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })))).toBeInstanceOf(TaskTimedOut);
    expect(await failure(client.send(new SendTaskHeartbeatCommand({ taskToken: token })))).toBeInstanceOf(TaskTimedOut);
  });

  it('takes the Catch path on SendTaskFailure, with the error and cause sent', async () => {
    const arn = await start('Callback', 'cb-failure', callbackInput('CB-2'));
    const token = await sfn.waitForTaskToken(arn);
    await client.send(new SendTaskFailureCommand({ taskToken: token, error: 'Refused', cause: 'not our department' }));
    const end = await sfn.waitForExecution(arn);
    expect(end).toMatchObject({ status: 'FAILED', error: 'Refused', cause: 'not our department' });
    expect(await failure(client.send(new SendTaskFailureCommand({ taskToken: token, error: 'Again' })))).toBeInstanceOf(TaskTimedOut);
  });

  it('fails the task with the error a function throws, and retires the token it was given', async () => {
    const arn = await start('Callback', 'cb-explode', callbackInput('CB-3', 'explode'));
    const end = await sfn.waitForExecution(arn);
    expect(end.status).toBe('FAILED');
    expect(end.error).toBe('JointTaskEnded');
    expect(JSON.parse(end.cause!)).toEqual({ errorType: 'JointTaskEnded', errorMessage: 'the task of CB-3 has ended' });
    const [request] = requestsOf('CB-3');
    expect(await failure(client.send(new SendTaskSuccessCommand({ taskToken: request!.taskToken, output: '{}' })))).toBeInstanceOf(TaskTimedOut);
  });

  it('answers InvalidToken for tokens never issued', async () => {
    expect(await failure(client.send(new SendTaskSuccessCommand({ taskToken: 'made-up', output: '{}' })))).toBeInstanceOf(InvalidToken);
    // Shaped like a token, for an execution that does not exist.
    const forged = `${Buffer.from(`arn:aws-cn:states:${REGION}:${ACCOUNT}:execution:Callback:nobody`).toString('base64url')}.${'A'.repeat(43)}`;
    expect(await failure(client.send(new SendTaskSuccessCommand({ taskToken: forged, output: '{}' })))).toBeInstanceOf(InvalidToken);
  });

  it('times out after TimeoutSecondsPath (Catch States.Timeout, not States.TaskFailed); the late token answers TaskTimedOut', async () => {
    const arn = await start('Callback', 'cb-timeout', callbackInput('CB-4', 'normal', 1));
    const expired = await sfn.waitForTaskToken(arn, 'AwaitAnswer');
    // The timeout's Catch leads to AwaitAgain: its token proves the timeout happened and was caught as one.
    const next = await sfn.waitForTaskToken(arn, 'AwaitAgain');
    expect(next).not.toBe(expired);
    expect((await client.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('RUNNING');
    expect(await failure(client.send(new SendTaskSuccessCommand({ taskToken: expired, output: '{"late":true}' })))).toBeInstanceOf(TaskTimedOut);

    await client.send(new SendTaskSuccessCommand({ taskToken: next, output: '{"opinion":"late but fine"}' }));
    const end = await sfn.waitForExecution(arn);
    expect(end.status).toBe('SUCCEEDED');
    const output = JSON.parse(end.output!) as { timeout: { Error: string }; answer: unknown };
    expect(output.timeout.Error).toBe('States.Timeout');
    expect(output.answer).toEqual({ opinion: 'late but fine' });
    expect(requestsOf('CB-4').map((r) => r.mode)).toEqual(['normal', 'again']);
  });

  it('stops an execution: ABORTED with the error and cause given, its token closed, listed as ABORTED', async () => {
    const arn = await start('Callback', 'cb-stop', callbackInput('CB-5'));
    const token = await sfn.waitForTaskToken(arn);
    const ended = sfn.waitForExecution(arn);
    const stop = await client.send(new StopExecutionCommand({ executionArn: arn, error: 'Withdrawn', cause: 'the applicant withdrew' }));
    expect(stop.stopDate).toBeInstanceOf(Date);
    expect(await ended).toMatchObject({ status: 'ABORTED', error: 'Withdrawn', cause: 'the applicant withdrew' });
    const d = await client.send(new DescribeExecutionCommand({ executionArn: arn }));
    expect(d).toMatchObject({ status: 'ABORTED', error: 'Withdrawn', cause: 'the applicant withdrew' });
    expect(await failure(client.send(new SendTaskSuccessCommand({ taskToken: token, output: '{}' })))).toBeInstanceOf(TaskTimedOut);

    const aborted = await client.send(new ListExecutionsCommand({ stateMachineArn: sfn.stateMachineArn('Callback'), statusFilter: 'ABORTED' }));
    expect(aborted.executions?.map((e) => e.name)).toEqual(['cb-stop']);
    const all = await client.send(new ListExecutionsCommand({ stateMachineArn: sfn.stateMachineArn('Callback') }));
    expect(all.executions?.map((e) => e.name)).toContain('cb-success');
  });
});

describe('retries and state transitions', () => {
  it('retries a Lambda step that failed with a retryable error', async () => {
    const arn = await start('Flaky', 'flaky-1', { key: 'flaky-1' });
    const end = await sfn.waitForExecution(arn);
    expect(end.status).toBe('SUCCEEDED');
    expect(JSON.parse(end.output!)).toEqual({ key: 'flaky-1', attempt: 2 });
    expect(flakyCalls.get('flaky-1')).toBe(2);
    // One state entered plus one retry.
    expect(end.stateTransitions).toBe(2);
  });

  it('counts every state entered, in nested Map iterations too', async () => {
    const groups = Array.from({ length: 5 }, (_, g) => ({ items: [1, 2, 3].map((i) => ({ g, i })) }));
    const before = echoCalls.length;
    const arn = await start('Nested', 'nested-1', { groups });
    const end = await sfn.waitForExecution(arn);
    expect(end.status).toBe('SUCCEEDED');
    expect(echoCalls.length - before).toBe(15);
    expect(end.stateTransitions).toBe(NESTED_TRANSITIONS);
    expect((await sfn.describeExecution(arn))?.stateTransitions).toBe(NESTED_TRANSITIONS);
  });
});

describe('restart', () => {
  it('resumes a RUNNING execution from the start after a restart: same ARN and startDate, a new token', async () => {
    const own = await startStore();
    try {
      const first = await startLocalStepFunctions(options(own.db));
      const firstClient = clientFor(first);
      const started = await firstClient.send(
        new StartExecutionCommand({ stateMachineArn: first.stateMachineArn('Callback'), name: 'restart-1', input: JSON.stringify(callbackInput('RS-1')) }),
      );
      const arn = started.executionArn!;
      const oldToken = await first.waitForTaskToken(arn);
      firstClient.destroy();
      await first.close();

      const second = await startLocalStepFunctions(options(own.db));
      const secondClient = clientFor(second);
      try {
        expect((await secondClient.send(new DescribeExecutionCommand({ executionArn: arn }))).status).toBe('RUNNING');
        expect(await second.resumeRunning()).toBe(1);
        const newToken = await second.waitForTaskToken(arn);
        expect(newToken).not.toBe(oldToken);
        expect(requestsOf('RS-1').map((r) => r.taskToken)).toEqual([oldToken, newToken]);
        expect(await failure(secondClient.send(new SendTaskSuccessCommand({ taskToken: oldToken, output: '{}' })))).toBeInstanceOf(TaskTimedOut);

        await secondClient.send(new SendTaskSuccessCommand({ taskToken: newToken, output: '{"opinion":"after restart"}' }));
        const end = await second.waitForExecution(arn);
        expect(end.status).toBe('SUCCEEDED');
        expect(end.startDate).toEqual(started.startDate);
        expect(JSON.parse(end.output!)).toMatchObject({ answer: { opinion: 'after restart' } });
        expect(await second.resumeRunning()).toBe(0);
      } finally {
        secondClient.destroy();
        await second.close();
      }
    } finally {
      await own.close();
    }
  });
});

describe('definitions refused at start-up', () => {
  const task = (extra: object): object => ({ StartAt: 'T', States: { T: { Type: 'Task', End: true, ...extra } } });
  const cases: [string, object, RegExp][] = [
    [
      'an unsupported Resource',
      task({ Resource: 'arn:aws:states:::sqs:sendMessage', Parameters: { QueueUrl: 'q', MessageBody: 'm' } }),
      /Resource arn:aws:states:::sqs:sendMessage is not supported/,
    ],
    ['a function with no handler', task({ Resource: 'arn:aws:states:::lambda:invoke', Parameters: { FunctionName: 'missing' } }), /no local handler for the function missing/],
    [
      'HeartbeatSeconds',
      task({ Resource: CALLBACK_RESOURCE, HeartbeatSeconds: 60, Parameters: { FunctionName: 'echo', Payload: { 't.$': '$$.Task.Token' } } }),
      /HeartbeatSeconds/,
    ],
    ['a callback without $$.Task.Token', task({ Resource: CALLBACK_RESOURCE, Parameters: { FunctionName: 'echo' } }), /\$\$\.Task\.Token/],
    ['a TimeoutSecondsPath beyond member paths', task({ Resource: functionArn('echo'), TimeoutSecondsPath: '$.a[0]' }), /TimeoutSecondsPath/],
  ];
  for (const [what, definition, message] of cases) {
    it(`refuses ${what}`, async () => {
      await expect(startLocalStepFunctions(options(store.db, { stateMachines: { Bad: definition } }))).rejects.toThrow(message);
    });
  }

  it('answers errors in the AWS shape the SDK understands', async () => {
    const err = await failure(client.send(new SendTaskSuccessCommand({ taskToken: 'made-up', output: '{}' })));
    expect(err).toBeInstanceOf(SFNServiceException);
    expect((err as SFNServiceException).$metadata.httpStatusCode).toBe(400);
  });
});
