// Every function's AWS SDK clients are traced by its own tracer (functions/http/observability.ts):
// a handler module sets its tracer before it builds its clients, so each call is an X-Ray subsegment.
// Each handler is loaded alone, as its Lambda bundle loads it, with tracing on as on Lambda.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LAMBDA_NAMES } from '../../functions/manifests.ts';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

describe.each(LAMBDA_NAMES)('the %s function', (name) => {
  it('traces the AWS SDK clients its handler builds', async () => {
    // Prepare: Lambda's environment (tracing is on only inside Lambda), and every variable a handler reads.
    vi.resetModules();
    const env: Record<string, string> = {
      AWS_LAMBDA_FUNCTION_NAME: `tongban-test-${name}`,
      AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
      POWERTOOLS_TRACE_ENABLED: 'true',
      POWERTOOLS_TRACER_CAPTURE_RESPONSE: 'false',
      AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR',
      AWS_REGION: 'cn-north-1',
      ITEMS_TABLE: 'items',
      DIRECTORY_TABLE: 'directory',
      CASES_TABLE: 'cases',
      EVENTS_TABLE: 'events',
      STATISTICS_TABLE: 'statistics',
      SUPERVISION_TABLE: 'supervision',
      FEEDBACK_TABLE: 'feedback',
      MATERIALS_BUCKET: 'materials',
      ARCHIVE_BUCKET: 'archive',
      JOINT_STATE_MACHINE_ARN: 'arn:aws-cn:states:cn-north-1:123456789012:stateMachine:tongban-test-joint-handling',
      SEALING_FUNCTION_NAME: 'tongban-test-sealing',
      ARCHIVE_FUNCTION_NAME: 'tongban-test-archive',
      CASE_EVENT_BUS_NAME: 'tongban-test-cases',
    };
    for (const [key, value] of Object.entries(env)) vi.stubEnv(key, value);

    // Act: load the handler module as its bundle does (it builds its clients), then the clients it built.
    await import(`../../functions/${name}/handler.ts`);
    const { dynamoDocumentClient } = await import('../../shared/adapters/aws-clients.ts');

    // Assess
    expect(dynamoDocumentClient().middlewareStack.identify().join('\n')).toMatch(/XRay/i);
  });
});
