// A webhook sender traced: each attempt an X-Ray subsegment of the invocation that makes it (namespace
// `remote`, named after the receiver's host, with the status it answered or why it did not), as
// Powertools' Tracer recorded the POSTs it saw through Node's HTTP client before our own tracer
// replaced it (xray-tracer.ts). The outcome is the sender's, unchanged.
import type { SendOutcome, WebhookSender } from '../../shared/domain/events/ports.ts';
import type { XRayTracer } from './xray-tracer.ts';

/** `sender`, each attempt traced by `tracer`. */
export function tracedWebhooks(tracer: XRayTracer, sender: WebhookSender): WebhookSender {
  return {
    send: (request) =>
      tracer.traceRemote(
        { method: 'POST', url: request.url },
        () => sender.send(request),
        (o: SendOutcome) => (o.ok ? { status: o.status } : { status: o.status, error: o.error }),
      ),
  };
}
