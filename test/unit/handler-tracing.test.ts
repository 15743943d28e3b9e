// Every function's AWS SDK clients are traced by its own tracer (functions/http/observability.ts):
// a handler module sets its tracer before it builds its clients, so each call is an X-Ray subsegment.
// Each handler is loaded alone, as its Lambda bundle loads it, with tracing on as on Lambda. A tracer
// is built only where tracing is on, by Powertools' Tracer's own rule (handler-tracing-off.test.ts);
// what it sends is tested in xray-tracer.test.ts and, from the bundles, in lambda-bundles.e2e.
import { Tracer } from '@aws-lambda-powertools/tracer';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { tracingEnabled } from '../../functions/http/observability.ts';
import { LAMBDA_NAMES } from '../../functions/manifests.ts';
import { stubLambdaHandlerEnv } from '../support/lambda-handler-env.ts';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe.each(LAMBDA_NAMES)('the %s function', (name) => {
  it('traces the AWS SDK clients its handler builds', async () => {
    // Prepare: Lambda's environment (tracing is on only inside Lambda), and every variable a handler reads.
    vi.resetModules();
    stubLambdaHandlerEnv(name, true);

    // Act: load the handler module as its bundle does (it builds its clients), then the clients it built.
    await import(`../../functions/${name}/handler.ts`);
    const { dynamoDocumentClient } = await import('../../shared/adapters/aws-clients.ts');

    // Assess
    expect(dynamoDocumentClient().middlewareStack.identify().join('\n')).toMatch(/XRay/i);
  });
});

describe('whether the tracer is loaded', () => {
  const lambda = { AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x' };
  it.each([
    ['on Lambda (as the stacks deploy it)', lambda],
    ['on Lambda, POWERTOOLS_TRACE_ENABLED=true', { ...lambda, POWERTOOLS_TRACE_ENABLED: 'true' }],
    ['on Lambda, POWERTOOLS_TRACE_ENABLED=false', { ...lambda, POWERTOOLS_TRACE_ENABLED: 'false' }],
    ['on Lambda, POWERTOOLS_TRACE_ENABLED=FALSE', { ...lambda, POWERTOOLS_TRACE_ENABLED: 'FALSE' }],
    ['outside Lambda', {}],
    ['outside Lambda, POWERTOOLS_TRACE_ENABLED=true', { POWERTOOLS_TRACE_ENABLED: 'true' }],
    ['under SAM local', { ...lambda, AWS_SAM_LOCAL: 'true' }],
    ["under Amplify's mock", { AWS_EXECUTION_ENV: 'AWS_Lambda_amplify-mock' }],
  ] as [string, Record<string, string>][])('follows the Tracer: %s', (_, env) => {
    // Prepare
    for (const key of ['AWS_EXECUTION_ENV', 'POWERTOOLS_TRACE_ENABLED', 'AWS_SAM_LOCAL']) vi.stubEnv(key, env[key]);

    // Act
    const ours = tracingEnabled();
    const powertools = new Tracer({ serviceName: 'tongban-test' }).isTracingEnabled();

    // Assess
    expect(ours).toBe(powertools);
  });

  it('is on where the stacks deploy the functions', () => {
    // Prepare: as on Lambda, with none of the Powertools tracing variables (the stacks set none, and turn
    // active tracing on: test/infra/stacks.test.ts).
    vi.stubEnv('AWS_EXECUTION_ENV', 'AWS_Lambda_nodejs22.x');
    vi.stubEnv('POWERTOOLS_TRACE_ENABLED', undefined);
    vi.stubEnv('AWS_SAM_LOCAL', undefined);

    // Act, Assess
    expect(tracingEnabled()).toBe(true);
  });
});
