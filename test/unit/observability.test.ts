// The middy stack every function has (functions/http/observability.ts): its logs carry the Lambda
// context under the function's own service name, and its metrics are flushed as EMF when each
// invocation ends, under the `service` dimension the alarms watch.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { lambdaContext } from '../../functions/http/lambda-context.ts';

afterEach(() => vi.unstubAllEnvs());

const context = (requestId: string) => lambdaContext('tongban-prod-sweep', requestId, '123456789012');

describe('observed handlers', () => {
  it("log with the Lambda context under the function's service name, and flush their metrics per invocation", async () => {
    // Prepare
    vi.stubEnv('POWERTOOLS_METRICS_DISABLED', 'false');
    vi.stubEnv('POWERTOOLS_TRACE_ENABLED', 'false');
    vi.stubEnv('POWERTOOLS_LOG_LEVEL', 'INFO');
    const written: string[] = [];
    const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    const { observability, observed } = await import('../../functions/http/observability.ts');
    const { logger, metrics } = observability('observed-test');
    const handler = observed('observed-test', async (event: { n: number }) => {
      logger.info('step done', { n: event.n });
      metrics.addMetric('StepsDone', 'Count', event.n);
      return event.n * 2;
    });

    // Act
    const first = await handler({ n: 1 }, context('req-1'));
    const second = await handler({ n: 2 }, context('req-2'));
    spy.mockRestore();

    // Assess
    const lines = written
      .flatMap((w) => w.split('\n'))
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    const logs = lines.filter((l) => l.message === 'step done');
    const emf = lines.filter((l) => l._aws !== undefined);
    expect([first, second]).toEqual([2, 4]);
    expect(logs.map((l) => [l.service, l.function_request_id, l.function_name, l.n])).toEqual([
      ['tongban-observed-test', 'req-1', 'tongban-prod-sweep', 1],
      ['tongban-observed-test', 'req-2', 'tongban-prod-sweep', 2],
    ]);
    expect(emf.map((l) => [l.service, l.StepsDone])).toEqual([
      ['tongban', 1],
      ['tongban', 2],
    ]);
  });
});
