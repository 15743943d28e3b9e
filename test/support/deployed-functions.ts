// The Lambda functions exactly as the CDK app deploys them — each function's bundle (the asset the
// synthesis built with the deployed esbuild options), its handler, memory, timeout and environment,
// read from the synthesised template — and a stand-in for the Lambda runtime that runs one of them in
// a Node process of its own, from an empty folder holding nothing but the bundle, with only the
// environment the stack gives it plus what Lambda itself sets. What the stack's environment names by
// reference (a table, a bucket, a function, the state machine, the API's URL) is resolved to the
// embedded platform's counterpart of that resource; a reference with none fails loudly.
import { LOCAL_CASE_EVENT_BUS } from '../../infra/local/case-event-plumbing.ts';
import type { CfnElement, Stack } from 'aws-cdk-lib';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TongbanApp } from '../../infra/app.ts';
import { LOCAL_TABLES } from '../../infra/local/local-dynamodb.ts';
import type { RunningPlatform } from '../../infra/local/platform.ts';
import { LOCAL_ARCHIVE_BUCKET, LOCAL_ARCHIVE_FUNCTION, LOCAL_MATERIALS_BUCKET, LOCAL_SEALING_FUNCTION } from '../../infra/local/platform.ts';
import type { LambdaName } from '../../functions/manifests.ts';
import { FUNCTION_NAMES, SCHEDULED_FUNCTION_NAMES } from '../../infra/function-access.ts';

export const LAMBDA_NAMES: readonly LambdaName[] = [...FUNCTION_NAMES, ...SCHEDULED_FUNCTION_NAMES];

export interface DeployedFunction {
  name: LambdaName;
  stackName: string;
  logicalId: string;
  /** The synthesised asset folder: what is zipped and uploaded. */
  assetDir: string;
  /** `index.handler`. */
  handler: string;
  runtime: string;
  memorySize: number;
  timeoutSeconds: number;
  /** As the template gives it: strings, or CloudFormation intrinsic functions. */
  environment: Record<string, unknown>;
}

type Synthesised = TongbanApp & { assembly: CloudAssembly };
type Template = {
  Resources: Record<string, { Type: string; Properties?: Record<string, unknown>; Metadata?: Record<string, unknown> }>;
  Outputs?: Record<string, { Value: unknown }>;
};

/** Every function of the app as its template deploys it (the app must be synthesised with bundling). */
export function deployedFunctions(synth: Synthesised): DeployedFunction[] {
  const stack = synth.api;
  const template = templateOf(synth.assembly, stack.stackName);
  return LAMBDA_NAMES.map((name) => {
    const logicalId = logicalIdOf(stack, synth.api.lambda(name).node.defaultChild as CfnElement);
    const resource = template.Resources[logicalId];
    if (resource?.Type !== 'AWS::Lambda::Function') throw new Error(`the ${name} function is not ${logicalId} of ${stack.stackName}`);
    const props = resource.Properties as {
      Handler: string;
      Runtime: string;
      MemorySize?: number;
      Timeout?: number;
      Code: { S3Key?: unknown };
      Environment?: { Variables?: Record<string, unknown> };
    };
    // The code's S3 key is the asset's hash: `<hash>.zip`, from the folder `asset.<hash>` of the assembly.
    const key = props.Code.S3Key;
    if (typeof key !== 'string' || !/^[0-9a-f]{64}\.zip$/.test(key)) throw new Error(`the ${name} function's code is not a file asset (${JSON.stringify(key)})`);
    const assetDir = join(synth.assembly.directory, `asset.${key.slice(0, 64)}`);
    if (!existsSync(join(assetDir, 'index.mjs'))) throw new Error(`the ${name} function has no bundle in ${assetDir}: synthesise with bundling`);
    return {
      name,
      stackName: stack.stackName,
      logicalId,
      assetDir,
      handler: props.Handler,
      runtime: props.Runtime,
      memorySize: props.MemorySize ?? 128,
      timeoutSeconds: props.Timeout ?? 3,
      environment: props.Environment?.Variables ?? {},
    };
  });
}

/** The embedded counterparts of deployed resources, by the CDK construct that defines each. */
export interface EmbeddedCounterparts {
  region: string;
  /** [construct's CloudFormation element, the value its Ref has embedded]. */
  refs: [CfnElement, string][];
  /** Replacements of whole URL prefixes once resolved (API Gateway's invoke URL → the embedded gateway). */
  urls: [string, string][];
}

/** The embedded platform's counterpart of every deployed resource a function's environment names. */
export function embeddedCounterparts(synth: Synthesised, platform: Pick<RunningPlatform, 'region' | 'jointStateMachineArn' | 'endpoint'>): EmbeddedCounterparts {
  const { data, api } = synth;
  const element = (c: { node: { defaultChild?: unknown } }) => c.node.defaultChild as CfnElement;
  const restApiId = 'local-api';
  return {
    region: platform.region,
    refs: [
      [element(data.itemsTable), LOCAL_TABLES.items],
      [element(data.directoryTable), LOCAL_TABLES.directory],
      [element(data.casesTable), LOCAL_TABLES.cases],
      [element(data.eventsTable), LOCAL_TABLES.events],
      [element(data.supervisionTable), LOCAL_TABLES.supervision],
      [element(data.statisticsTable), LOCAL_TABLES.statistics],
      [element(data.feedbackTable), LOCAL_TABLES.feedback],
      [element(data.caseEventBus), LOCAL_CASE_EVENT_BUS],
      [element(data.materialsBucket), LOCAL_MATERIALS_BUCKET],
      [element(data.archiveBucket), LOCAL_ARCHIVE_BUCKET],
      [element(api.joint.stateMachine), platform.jointStateMachineArn],
      [element(api.sealing), LOCAL_SEALING_FUNCTION],
      [element(api.archive.function), LOCAL_ARCHIVE_FUNCTION],
      [element(api.api), restApiId],
    ],
    // API Gateway's invoke URL of the stage is the embedded gateway's.
    urls: [[`https://${restApiId}.execute-api.${platform.region}.amazonaws.com/${synth.config.stage}`, platform.endpoint]],
  };
}

/**
 * What a function is given beside its stack's environment to reach the local stand-ins: the region,
 * the endpoints (AWS_ENDPOINT_URL_<SERVICE>, as the embedded handlers have them), the credentials
 * Lambda would give its role (the embedded functions' own key pair, which the S3 endpoint lets do
 * everything), and the X-Ray daemon's address (Lambda's is not on loopback: a socket of the caller's,
 * or a closed port).
 */
export function localServiceEnvironment(platform: Pick<RunningPlatform, 'region' | 'services' | 'runtimeCredentials'>, xrayDaemon = '127.0.0.1:2000'): Record<string, string> {
  const { dynamodb, s3, kms, sfn, lambda, eventbridge } = platform.services;
  return {
    AWS_REGION: platform.region,
    AWS_DEFAULT_REGION: platform.region,
    AWS_ACCESS_KEY_ID: platform.runtimeCredentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: platform.runtimeCredentials.secretAccessKey,
    AWS_ENDPOINT_URL_DYNAMODB: dynamodb,
    AWS_ENDPOINT_URL_S3: s3,
    AWS_ENDPOINT_URL_KMS: kms,
    AWS_ENDPOINT_URL_SFN: sfn,
    AWS_ENDPOINT_URL_EVENTBRIDGE: eventbridge,
    AWS_ENDPOINT_URL_LAMBDA: lambda,
    S3_FORCE_PATH_STYLE: 'true',
    AWS_XRAY_DAEMON_ADDRESS: xrayDaemon,
    AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
    // Node 20 here; Lambda runs 22, where the SDK has nothing to warn about.
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
}

/**
 * The function's environment with every reference resolved to its embedded counterpart: plain values
 * as the template has them, `Ref`s (also through another stack's outputs) to the counterpart of the
 * resource, `Fn::Join`s joined. Throws, naming the variable, for anything it cannot resolve.
 */
export function resolvedEnvironment(fn: DeployedFunction, synth: Synthesised, counterparts: EmbeddedCounterparts): Record<string, string> {
  const byId = new Map<string, string>();
  for (const [element, value] of counterparts.refs) byId.set(`${element.stack.stackName}/${logicalIdOf(element.stack, element)}`, value);
  const pseudo: Record<string, string> = {
    'AWS::Region': counterparts.region,
    'AWS::URLSuffix': 'amazonaws.com',
    'AWS::Partition': counterparts.region.startsWith('cn-') ? 'aws-cn' : 'aws',
    'AWS::AccountId': '000000000000',
  };

  const evaluate = (variable: string, stackName: string, value: unknown): string => {
    if (typeof value === 'string') return value;
    const fail = (why: string): never => {
      throw new Error(`${fn.name} function, ${variable}: ${why} (${JSON.stringify(value)})`);
    };
    if (value === null || typeof value !== 'object' || Object.keys(value).length !== 1) return fail('not a string or one intrinsic function');
    const [[op, arg]] = Object.entries(value) as [[string, unknown]];
    switch (op) {
      case 'Ref': {
        const id = arg as string;
        return pseudo[id] ?? byId.get(`${stackName}/${id}`) ?? fail(`${stackName}/${id} has no embedded counterpart`);
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown[]];
        return parts.map((p) => evaluate(variable, stackName, p)).join(separator);
      }
      case 'Fn::GetStackOutput': {
        const { StackName, OutputName } = arg as { StackName: string; OutputName: string };
        const output = templateOf(synth.assembly, StackName).Outputs?.[OutputName] ?? fail(`no output ${OutputName} in ${StackName}`);
        return evaluate(variable, StackName, output.Value);
      }
      case 'Fn::ImportValue': {
        for (const stack of synth.assembly.stacks) {
          const exported = Object.values((stack.template as { Outputs?: Record<string, { Value: unknown; Export?: { Name?: unknown } }> }).Outputs ?? {}).find(
            (o) => o.Export?.Name === arg,
          );
          if (exported) return evaluate(variable, stack.stackName, exported.Value);
        }
        return fail('no such export');
      }
      default:
        return fail(`${op} is not resolved here`);
    }
  };

  return Object.fromEntries(
    Object.entries(fn.environment).map(([variable, value]) => {
      let resolved = evaluate(variable, fn.stackName, value);
      for (const [from, to] of counterparts.urls) if (resolved.startsWith(from)) resolved = to + resolved.slice(from.length);
      return [variable, resolved];
    }),
  );
}

export interface FunctionRuntime {
  name: LambdaName;
  /** The bundle's files and their total size in bytes. */
  files: string[];
  bundleBytes: number;
  /** How long importing the handler module took in the child process: wall clock, and CPU (user + system). */
  loadMs: number;
  loadCpuMs: number;
  /** What the module exports, the handler's `typeof`, and the packages the task folder could resolve (none, or the test is void). */
  exports: string[];
  handlerType: string;
  resolvable: string[];
  /** How many async hooks the bundle enabled while it loaded (none: the X-Ray SDK's context tracking, which enabled one, is not bundled). */
  asyncHooks: number;
  /** One invocation, as Lambda runs it: the handler's answer, or an error with its errorType and errorMessage. */
  invoke(event: unknown): Promise<unknown>;
  /** How many invocations have ended; `ended(n)` resolves once n have. */
  endedCount(): number;
  ended(n: number): Promise<void>;
  /** What the function printed (its logs, EMF metrics), last 1 MiB. */
  output(): string;
  stop(): Promise<void>;
}

/** An error the handler threw, as Lambda reports it. */
export class FunctionError extends Error {
  constructor(
    readonly errorType: string,
    message: string,
  ) {
    super(message);
  }
}

const RUNNER = new URL('./lambda-runner.mjs', import.meta.url).pathname;
const OUTPUT_LIMIT = 1024 * 1024;

/**
 * Starts `fn`'s bundle as Lambda would: copied alone into an empty task folder, run by the runtime
 * stand-in from a folder of its own, given `environment` (the resolved stack environment) plus
 * Lambda's own variables and `extra` (the endpoints of the local stand-ins, their credentials).
 * Resolves once the handler module is loaded; rejects with the loading error if it cannot be.
 */
export async function startFunction(fn: DeployedFunction, environment: Record<string, string>, extra: Record<string, string>): Promise<FunctionRuntime> {
  const root = await mkdtemp(join(tmpdir(), `tongban-lambda-${fn.name}-`));
  const taskDir = join(root, 'task');
  const runtimeDir = join(root, 'runtime');
  await mkdir(runtimeDir);
  await cp(fn.assetDir, taskDir, { recursive: true });
  await cp(RUNNER, join(runtimeDir, 'bootstrap.mjs'));
  const files = (await readdir(taskDir)).sort();
  const bundleBytes = (await Promise.all(files.map(async (f) => (await stat(join(taskDir, f))).size))).reduce((a, b) => a + b, 0);
  const functionName = `tongban-${fn.name}`;

  const child: ChildProcess = fork(join(runtimeDir, 'bootstrap.mjs'), [taskDir, fn.handler], {
    cwd: taskDir,
    execArgv: [],
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    env: {
      // What the Lambda service sets for every function.
      PATH: '/usr/local/bin:/usr/bin:/bin',
      LANG: 'en_US.UTF-8',
      TZ: ':UTC',
      LAMBDA_TASK_ROOT: taskDir,
      LAMBDA_RUNTIME_DIR: runtimeDir,
      _HANDLER: fn.handler,
      AWS_EXECUTION_ENV: `AWS_Lambda_${fn.runtime}`,
      AWS_LAMBDA_FUNCTION_NAME: functionName,
      AWS_LAMBDA_FUNCTION_VERSION: '$LATEST',
      AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(fn.memorySize),
      AWS_LAMBDA_LOG_GROUP_NAME: `/aws/lambda/${functionName}`,
      AWS_LAMBDA_LOG_STREAM_NAME: `local/[$LATEST]${fn.logicalId}`,
      ...extra,
      // What the stack sets, last: nothing above may stand in for a variable the stack fails to give.
      ...environment,
    },
  });
  let out = '';
  const keep = (d: Buffer) => {
    out = (out + d.toString()).slice(-OUTPUT_LIMIT);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);

  type Message =
    | { type: 'ready'; loadMs: number; loadCpuMs: number; exports: string[]; handlerType: string; resolvable: string[]; asyncHooks: number }
    | { type: 'load-failed'; errorType: string; errorMessage: string; resolvable: string[] }
    | { type: 'result'; id: number; result: unknown }
    | { type: 'error'; id: number; errorType: string; errorMessage: string };
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  let endedCount = 0;
  const waiters: { n: number; resolve: () => void }[] = [];
  const settle = () => {
    endedCount++;
    for (const w of waiters.filter((x) => x.n <= endedCount)) {
      waiters.splice(waiters.indexOf(w), 1);
      w.resolve();
    }
  };
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));

  const ready = await new Promise<Extract<Message, { type: 'ready' }>>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`the ${fn.name} bundle's process exited (${code}) before loading its handler:\n${out}`)));
    child.on('message', (m: Message) => {
      if (m.type === 'ready') resolve(m);
      else if (m.type === 'load-failed') reject(new FunctionError(m.errorType, `the ${fn.name} bundle does not load: ${m.errorMessage}`));
      else {
        const call = pending.get(m.id);
        if (!call) return;
        pending.delete(m.id);
        clearTimeout(call.timer);
        settle();
        if (m.type === 'result') call.resolve(m.result);
        else call.reject(new FunctionError(m.errorType, m.errorMessage));
      }
    });
  });
  child.once('exit', (code) => {
    for (const call of pending.values()) call.reject(new Error(`the ${fn.name} function's process exited (${code}):\n${out.slice(-4000)}`));
  });

  let next = 0;
  const timeoutMs = fn.timeoutSeconds * 1000;
  return {
    name: fn.name,
    files,
    bundleBytes,
    loadMs: ready.loadMs,
    loadCpuMs: ready.loadCpuMs,
    exports: ready.exports,
    handlerType: ready.handlerType,
    resolvable: ready.resolvable,
    asyncHooks: ready.asyncHooks,
    invoke: (event) =>
      new Promise((resolve, reject) => {
        const id = next++;
        // Lambda ends an invocation at the function's timeout.
        const timer = setTimeout(() => {
          pending.delete(id);
          settle();
          reject(new FunctionError('Sandbox.Timedout', `Task timed out after ${fn.timeoutSeconds} seconds`));
        }, timeoutMs);
        pending.set(id, { resolve, reject, timer });
        child.send({ id, event, deadlineMs: timeoutMs });
      }),
    endedCount: () => endedCount,
    ended: (n) => (endedCount >= n ? Promise.resolve() : new Promise((resolve) => waiters.push({ n, resolve }))),
    output: () => out,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(root, { recursive: true, force: true });
    },
  };
}

function templateOf(assembly: CloudAssembly, stackName: string): Template {
  return assembly.getStackByName(stackName).template as Template;
}

function logicalIdOf(stack: Stack, element: CfnElement): string {
  return stack.resolve(element.logicalId) as string;
}
