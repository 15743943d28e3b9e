// Sends one webhook attempt over HTTP(S) with Node's own client: a POST, 10 seconds at most from
// connecting to the end of the answer, no redirect followed (a 3xx is a failed attempt), at most 64 KiB
// of the answer read and then dropped (a receiver's body means nothing to the platform). The address a
// host name resolves to is checked when connecting, by the rules the URL was registered under
// (shared/domain/events/endpoint-rules.ts): a name that resolves into the platform's own network is
// refused, not called.
import type { LookupAddress, LookupOptions } from 'node:dns';
import { lookup as dnsLookup } from 'node:dns';
import { request as httpRequest } from 'node:http';
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP } from 'node:net';
import type { EndpointPolicy } from '../domain/events/endpoint-rules.ts';
import { isAllowedAddress } from '../domain/events/endpoint-rules.ts';
import type { SendOutcome, WebhookRequest, WebhookSender } from '../domain/events/ports.ts';

/** The longest an attempt may take, connecting to the answer's end. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** The most of an answer read. */
const MAX_RESPONSE_BYTES = 64 * 1024;

export class HttpWebhookSender implements WebhookSender {
  constructor(
    private readonly policy: EndpointPolicy,
    private readonly timeoutMs = WEBHOOK_TIMEOUT_MS,
  ) {}

  send(req: WebhookRequest): Promise<SendOutcome> {
    const url = new URL(req.url);
    const body = Buffer.from(req.body, 'utf8');
    const policy = this.policy;
    const options: RequestOptions = {
      method: 'POST',
      headers: { ...req.headers, 'content-length': String(body.length) },
      timeout: this.timeoutMs,
      agent: false,
      // Every address the name resolves to is checked, not only the first.
      lookup: (hostname: string, opts: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void) => {
        dnsLookup(hostname, { ...opts, all: true }, (err, addresses) => {
          if (err) return callback(err, []);
          const refused = addresses.find((a) => !isAllowedAddress(a.address, policy));
          if (refused) {
            const error: NodeJS.ErrnoException = new Error(`${hostname} resolves to ${refused.address}, an internal address`);
            error.code = 'EADDRNOTALLOWED';
            return callback(error, []);
          }
          if (opts.all) return callback(null, addresses);
          const first = addresses[0]!;
          callback(null, first.address, first.family);
        });
      },
    };
    const literal = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
    // An IP literal is not looked up: checked here instead.
    if (isIP(literal) !== 0 && !isAllowedAddress(literal, policy)) return Promise.resolve({ ok: false, error: `${literal} is an internal address` });
    return new Promise<SendOutcome>((resolve) => {
      let settled = false;
      const done = (outcome: SendOutcome) => {
        if (settled) return;
        settled = true;
        clearTimeout(overall);
        resolve(outcome);
      };
      const overall = setTimeout(() => {
        client.destroy();
        done({ ok: false, error: `no answer within ${this.timeoutMs / 1000} s` });
      }, this.timeoutMs);
      const client: ClientRequest = (url.protocol === 'https:' ? httpsRequest : httpRequest)(url, options, (res: IncomingMessage) => {
        let read = 0;
        res.on('data', (chunk: Buffer) => {
          read += chunk.length;
          if (read > MAX_RESPONSE_BYTES) res.destroy();
        });
        const status = res.statusCode ?? 0;
        const finish = () => done(status >= 200 && status < 300 ? { ok: true, status } : { ok: false, error: `HTTP ${status}`, status });
        res.on('end', finish);
        res.on('close', finish);
        res.on('error', finish);
      });
      client.on('timeout', () => {
        client.destroy();
        done({ ok: false, error: `no answer within ${this.timeoutMs / 1000} s` });
      });
      client.on('error', (e: NodeJS.ErrnoException) => done({ ok: false, error: e.code ? `${e.code}: ${e.message}` : e.message }));
      client.end(body);
    });
  }
}
