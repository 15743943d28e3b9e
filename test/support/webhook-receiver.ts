// A webhook receiver as a channel or a department runs one: a real HTTP server on loopback that
// checks each delivery's signature with the `standardwebhooks` library (not the platform's code),
// answers what the test tells it to, and keeps what it acknowledged — each event by its id, in the
// order it arrived. Tests await what they expect to arrive (`until`), never a sleep.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

export interface Delivery {
  id: string;
  body: Record<string, unknown>;
  /** The signature verified (Webhook.verify did not throw). */
  verified: boolean;
  /** performance.now() when it was acknowledged. */
  receivedAt: number;
}

export interface Receiver {
  url: string;
  /** Set once the subscription's secret is known. */
  secret: string | undefined;
  /** Deliveries answered 2xx, in order. */
  acknowledged: Delivery[];
  /** Every request, whatever it was answered. */
  requests: number;
  /** What the next requests are answered (200 by default). */
  answer: number;
  /** Resolves once `done` holds of the acknowledged deliveries (checked at each request). */
  until(done: (acknowledged: Delivery[]) => boolean, what: string, timeoutMs?: number): Promise<Delivery[]>;
  close(): Promise<void>;
}

export async function startReceiver(path = '/hooks'): Promise<Receiver> {
  const waiters: { done: (a: Delivery[]) => boolean; resolve: () => void }[] = [];
  const receiver: Receiver = {
    url: '',
    secret: undefined,
    acknowledged: [],
    requests: 0,
    answer: 200,
    until: (done, what, timeoutMs = 60_000) =>
      new Promise<Delivery[]>((resolve, reject) => {
        if (done(receiver.acknowledged)) return resolve(receiver.acknowledged);
        const timer = setTimeout(
          () => reject(new Error(`${what}: not received within ${timeoutMs} ms; acknowledged ${receiver.acknowledged.map((d) => d.id).join(', ')}`)),
          timeoutMs,
        );
        waiters.push({
          done,
          resolve: () => {
            clearTimeout(timer);
            resolve(receiver.acknowledged);
          },
        });
      }),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      receiver.requests++;
      const payload = Buffer.concat(chunks).toString('utf8');
      const status = req.url === path ? receiver.answer : 404;
      let verified = false;
      try {
        new Webhook(receiver.secret ?? 'whsec_' + Buffer.alloc(24).toString('base64')).verify(payload, {
          'webhook-id': String(req.headers['webhook-id']),
          'webhook-timestamp': String(req.headers['webhook-timestamp']),
          'webhook-signature': String(req.headers['webhook-signature']),
        });
        verified = true;
      } catch {
        verified = false;
      }
      if (status >= 200 && status < 300) {
        receiver.acknowledged.push({ id: String(req.headers['webhook-id']), body: JSON.parse(payload) as Record<string, unknown>, verified, receivedAt: performance.now() });
      }
      res.writeHead(status).end();
      for (const w of waiters.splice(0)) {
        if (w.done(receiver.acknowledged)) w.resolve();
        else waiters.push(w);
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`;
  return receiver;
}
