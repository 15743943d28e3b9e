// Where the functions may send webhooks (shared/domain/events/endpoint-rules.ts): public https hosts;
// the embedded platform sets WEBHOOK_ALLOW_HTTP_LOOPBACK=true so receivers on the same machine work.
import type { EndpointPolicy } from '../../shared/domain/events/endpoint-rules.ts';

export function endpointPolicy(env: Record<string, string | undefined>): EndpointPolicy {
  const value = env.WEBHOOK_ALLOW_HTTP_LOOPBACK;
  if (value !== undefined && value !== '' && value !== 'true' && value !== 'false') throw new Error(`WEBHOOK_ALLOW_HTTP_LOOPBACK=${value}: expected true or false`);
  return { allowLoopback: value === 'true' };
}
