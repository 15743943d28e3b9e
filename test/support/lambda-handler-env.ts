// The environment a handler module is loaded in by the unit tests that load each one alone, as its
// Lambda bundle loads it: Lambda's own variables (so Powertools knows it is inside Lambda) and every
// variable a handler reads, naming resources nothing here reaches.
import { vi } from 'vitest';

/** Stubs Lambda's environment for the function `name`, tracing on or off (`vi.unstubAllEnvs` undoes it). */
export function stubLambdaHandlerEnv(name: string, tracing: boolean): void {
  const env: Record<string, string> = {
    AWS_LAMBDA_FUNCTION_NAME: `tongban-test-${name}`,
    AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs22.x',
    POWERTOOLS_TRACE_ENABLED: String(tracing),
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
}
