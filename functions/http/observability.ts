// Powertools for every handler — API, scheduled, invoked, Step Functions task — the same way:
// structured JSON logs with the Lambda context, CloudWatch metrics (EMF) flushed at the end of each
// invocation, an X-Ray segment per invocation and a subsegment per AWS SDK call. Each function logs
// and traces under its own service name (`tongban-<function>`); its metrics keep the one `service`
// dimension the alarms watch (`tongban`). Metrics that carry a dimension of their own (the API's
// operation) are single metrics, flushed at once, so concurrent invocations in one process (the
// embedded platform) never share a dimension. Locally the embedded runtime turns metrics and tracing
// off through the standard Powertools variables (POWERTOOLS_METRICS_DISABLED, POWERTOOLS_TRACE_ENABLED).
//
// Tracing is on only where it traces (on Lambda, where the stacks turn active tracing on), by Powertools'
// own rule. It is Tongban's own tracer (xray-tracer.ts), writing subsegments to the X-Ray daemon, not
// Powertools' Tracer and the X-Ray SDK: about 85 KiB less in each bundle, and no async hooks (the SDK's
// context tracking enabled them for the whole process, a cost every promise paid).
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import { Metrics } from '@aws-lambda-powertools/metrics';
import { logMetrics } from '@aws-lambda-powertools/metrics/middleware';
import middy from '@middy/core';
import type { MiddlewareObj } from '@middy/core';
import type { Context } from 'aws-lambda';
import { randomUUID } from 'node:crypto';
import { traceAwsClients } from '../../shared/adapters/aws-clients.ts';
import { lambdaContext } from './lambda-context.ts';
import { sourceMappedStacks } from './stack-traces.ts';
import { XRayTracer } from './xray-tracer.ts';

// In a bundle, stack traces name our TypeScript, read from the bundle's source map once one is printed
// (stack-traces.ts: not at load, as NODE_OPTIONS=--enable-source-maps would).
sourceMappedStacks(import.meta.url);

export interface Observability {
  logger: Logger;
  metrics: Metrics;
  /** Undefined where tracing is off (`tracingEnabled`). */
  tracer: XRayTracer | undefined;
}

/**
 * Whether Powertools traces in this process, by its Tracer's own rule read without loading it: inside
 * a Lambda execution environment (AWS_EXECUTION_ENV set, not Amplify's mock nor SAM local), unless
 * POWERTOOLS_TRACE_ENABLED is `false`.
 */
export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if ((env.POWERTOOLS_TRACE_ENABLED ?? '').trim().toLowerCase() === 'false') return false;
  const executionEnv = (env.AWS_EXECUTION_ENV ?? '').trim();
  return executionEnv !== '' && executionEnv !== 'AWS_Lambda_amplify-mock' && (env.AWS_SAM_LOCAL ?? '').trim() === '';
}

const tracing = tracingEnabled();

/** The middy middleware of a traced function: a subsegment per invocation (xray-tracer.ts). */
function traceInvocations(tracer: XRayTracer): MiddlewareObj {
  return {
    before: () => tracer.startInvocation(),
    after: () => tracer.endInvocation(),
    onError: (request) => tracer.endInvocation(request.error ?? undefined),
  };
}

const tools = new Map<string, Observability>();

/** The logger, metrics and tracer of the function `name` (one set per function and process). */
export function observability(name: string): Observability {
  let o = tools.get(name);
  if (!o) {
    const serviceName = `tongban-${name}`;
    const tracer = tracing ? new XRayTracer(serviceName) : undefined;
    o = { logger: new Logger({ serviceName }), metrics: new Metrics({ namespace: 'Tongban', serviceName: 'tongban' }), tracer };
    tools.set(name, o);
    // The SDK clients built from now on are traced: each client, built once per process, with the
    // tracer of the function that built it (in the embedded platform, which runs several, tracing is off).
    if (tracer) traceAwsClients(tracer);
  }
  return o;
}

/**
 * `handler` with the middy stack every function has: the Lambda context in its logs, its metrics
 * flushed when the invocation ends, a trace segment (responses are not recorded: they carry personal
 * data). Called without a context — in process, by the embedded platform or a test — it is given one
 * that names the function.
 */
export function observed<E, R>(name: string, handler: (event: E, context: Context) => Promise<R>): (event: E, context?: Context) => Promise<R> {
  const { logger, metrics, tracer } = observability(name);
  const wrapped = middy(handler)
    .use(injectLambdaContext(logger, { resetKeys: true }))
    .use(logMetrics(metrics));
  if (tracer) wrapped.use(traceInvocations(tracer));
  return (event, context) => wrapped(event, context ?? lambdaContext(`tongban-${name}`, randomUUID(), '000000000000', 60_000));
}
