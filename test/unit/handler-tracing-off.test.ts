// Where tracing is off (POWERTOOLS_TRACE_ENABLED=false, as the embedded platform sets it) a handler
// builds no tracer and its SDK clients are untraced (functions/http/observability.ts). Tracing on or
// off, no handler loads the X-Ray SDK (the functions trace with functions/http/xray-tracer.ts): its
// context tracking turned on async hooks for the whole process, which every promise paid for. Each
// handler is loaded alone, as its bundle loads it, with Lambda's environment; whether the SDK was
// evaluated is read from Node's module cache (the SDK is CommonJS: loading it, even through an import,
// puts it there). This file runs in a process of its own (vitest's forks pool).
import { createRequire } from 'node:module';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LAMBDA_NAMES } from '../../functions/manifests.ts';
import { stubLambdaHandlerEnv } from '../support/lambda-handler-env.ts';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

const moduleCache = createRequire(import.meta.url).cache;
const xraySdkLoaded = () => Object.keys(moduleCache).some((path) => path.includes('/node_modules/aws-xray-sdk-core/'));

describe.each(LAMBDA_NAMES)('the %s function, tracing off', (name) => {
  it('loads without the X-Ray SDK, its SDK clients untraced', async () => {
    // Prepare
    stubLambdaHandlerEnv(name, false);

    // Act: load the handler module as its bundle does (it builds its clients), then the clients it built.
    await import(`../../functions/${name}/handler.ts`);
    const { dynamoDocumentClient } = await import('../../shared/adapters/aws-clients.ts');
    const { observability } = await import('../../functions/http/observability.ts');

    // Assess
    expect(xraySdkLoaded()).toBe(false);
    expect(observability(name).tracer).toBeUndefined();
    expect(dynamoDocumentClient().middlewareStack.identify().join('\n')).not.toMatch(/XRay/i);
  });
});

describe('a function with tracing on', () => {
  it('traces with its own tracer, still without the X-Ray SDK', async () => {
    // Prepare
    stubLambdaHandlerEnv('seals', true);

    // Act
    await import('../../functions/seals/handler.ts');
    const { observability } = await import('../../functions/http/observability.ts');
    const { XRayTracer } = await import('../../functions/http/xray-tracer.ts');

    // Assess
    expect(observability('seals').tracer).toBeInstanceOf(XRayTracer);
    expect(xraySdkLoaded()).toBe(false);
  });
});
