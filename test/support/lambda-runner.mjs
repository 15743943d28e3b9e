// A stand-in for the Lambda Node.js runtime's bootstrap, for one deployed bundle: run as
// `node lambda-runner.mjs <task dir> <handler>` (forked, with an IPC channel), from a folder of its
// own, like /var/runtime beside /var/task. It loads the handler module the way the runtime does
// (`index.handler` → index.mjs, .js or .cjs in the task folder), tells its parent how long the load
// took (wall clock and CPU) and how many async hooks it enabled, then runs one invocation per message it is sent, one at a
// time, with a Lambda context. Only Node's built-ins: nothing here may lend the bundle a package.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { randomBytes, randomUUID } from 'node:crypto';

const [taskDir, handlerSpec] = process.argv.slice(2);
const dot = handlerSpec.lastIndexOf('.');
const moduleName = handlerSpec.slice(0, dot);
const exportName = handlerSpec.slice(dot + 1);

// The task folder must not reach any package: if it could, a dependency missing from the bundle would
// go unnoticed here and fail on AWS.
const resolvable = ['sm-crypto', 'zod', '@aws-sdk/client-dynamodb'].filter((name) => {
  try {
    createRequire(join(taskDir, 'index.mjs')).resolve(name);
    return true;
  } catch {
    return false;
  }
});

// The async hooks the bundle enables as it loads, counted (the X-Ray SDK's context tracking enables
// one, which every promise of the process then pays for): through the built-in module, which CommonJS
// code in the bundle requires. Nothing else changes.
const asyncHooks = createRequire(import.meta.url)('node:async_hooks');
const createHook = asyncHooks.createHook;
let hooksEnabled = 0;
asyncHooks.createHook = (callbacks) => {
  const hook = createHook(callbacks);
  const enable = hook.enable.bind(hook);
  hook.enable = () => {
    hooksEnabled++;
    return enable();
  };
  return hook;
};

const file = ['.mjs', '.js', '.cjs'].map((ext) => join(taskDir, moduleName + ext)).find((f) => existsSync(f));
const started = performance.now();
const cpu = process.cpuUsage();
let handler;
try {
  if (!file) throw new Error(`Cannot find module '${moduleName}' in ${taskDir}`);
  const loaded = await import(pathToFileURL(file).href);
  handler = loaded[exportName];
  const loadMs = performance.now() - started;
  const used = process.cpuUsage(cpu);
  process.send({
    type: 'ready',
    loadMs,
    loadCpuMs: (used.user + used.system) / 1000,
    exports: Object.keys(loaded),
    handlerType: typeof handler,
    resolvable,
    asyncHooks: hooksEnabled,
  });
} catch (e) {
  process.send({ type: 'load-failed', errorType: e?.name ?? 'Error', errorMessage: e?.message ?? String(e), resolvable }, () => process.exit(1));
}

let queue = Promise.resolve();
process.on('message', (message) => {
  queue = queue.then(() => invoke(message));
});

async function invoke({ id, event, deadlineMs }) {
  const requestId = randomUUID();
  const name = process.env.AWS_LAMBDA_FUNCTION_NAME;
  // As the runtime does per invocation: the request's trace header for the X-Ray SDK.
  process.env._X_AMZN_TRACE_ID = `Root=1-${Math.floor(Date.now() / 1000).toString(16)}-${randomBytes(12).toString('hex')};Parent=${randomBytes(8).toString('hex')};Sampled=1`;
  const deadline = Date.now() + deadlineMs;
  const context = {
    callbackWaitsForEmptyEventLoop: true,
    functionName: name,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${process.env.AWS_REGION}:000000000000:function:${name}`,
    memoryLimitInMB: process.env.AWS_LAMBDA_FUNCTION_MEMORY_SIZE,
    awsRequestId: requestId,
    logGroupName: process.env.AWS_LAMBDA_LOG_GROUP_NAME,
    logStreamName: process.env.AWS_LAMBDA_LOG_STREAM_NAME,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
  try {
    const result = await handler(event, context);
    process.send({ type: 'result', id, result: result === undefined ? null : result });
  } catch (e) {
    process.send({ type: 'error', id, errorType: e?.name ?? 'Error', errorMessage: e?.message ?? String(e) });
  }
}
