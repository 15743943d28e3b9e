// Where tracing is off (POWERTOOLS_TRACE_ENABLED=false, as the embedded platform sets it) a handler
// loads without the X-Ray SDK (functions/http/observability.ts): the SDK's context tracking turns on
// async hooks for the whole process, which every promise pays for. Each handler is loaded alone, as its
// bundle loads it, with Lambda's environment but tracing off; whether the SDK was evaluated is read
// from Node's module cache (the SDK is CommonJS: loading it, even through an import, puts it there).
// This file runs in a process of its own (vitest's forks pool), so nothing else has loaded the SDK;
// its last test loads a handler with tracing on, to show the check sees the SDK when it is loaded.
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
  it('loads the X-Ray SDK (the check above sees it when it is loaded)', async () => {
    // Prepare
    stubLambdaHandlerEnv('seals', true);
    const before = xraySdkLoaded();

    // Act
    await import('../../functions/seals/handler.ts');

    // Assess
    expect([before, xraySdkLoaded()]).toEqual([false, true]);
  });
});
