// Standard Webhooks signing (https://www.standardwebhooks.com): a subscription's secret is `whsec_`
// and the base64 of its key (24 random bytes here); each attempt is signed with HMAC-SHA256 over
// `<webhook-id>.<webhook-timestamp>.<body>`, sent as `webhook-signature: v1,<base64>`. The receiver
// checks it with any Standard Webhooks library (or these few lines) and refuses old timestamps.
import { createHmac, randomBytes } from 'node:crypto';

export const WEBHOOK_SECRET_PREFIX = 'whsec_';
const SECRET_BYTES = 24;

/** A new secret: `whsec_` and the base64 of 24 random bytes. */
export function newWebhookSecret(): string {
  return `${WEBHOOK_SECRET_PREFIX}${randomBytes(SECRET_BYTES).toString('base64')}`;
}

/** `v1,<base64 HMAC-SHA256(key, id.timestamp.body)>`. */
export function webhookSignature(secret: string, id: string, timestampSeconds: number, body: string): string {
  if (!secret.startsWith(WEBHOOK_SECRET_PREFIX)) throw new Error('webhook secret: not a whsec_ secret');
  const key = Buffer.from(secret.slice(WEBHOOK_SECRET_PREFIX.length), 'base64');
  if (key.length === 0) throw new Error('webhook secret: empty key');
  if (!Number.isSafeInteger(timestampSeconds) || timestampSeconds < 0) throw new Error(`webhook timestamp: ${timestampSeconds} is not unix seconds`);
  if (id.length === 0 || /\s/.test(id)) throw new Error(`webhook id: ${JSON.stringify(id)} is empty or has white space`);
  const mac = createHmac('sha256', key).update(`${id}.${timestampSeconds}.${body}`, 'utf8').digest('base64');
  return `v1,${mac}`;
}

/** The headers of one attempt: id, timestamp (unix seconds of the attempt), signature. */
export function webhookHeaders(secret: string, id: string, at: Date, body: string): Record<'webhook-id' | 'webhook-timestamp' | 'webhook-signature', string> {
  const timestamp = Math.floor(at.getTime() / 1000);
  return { 'webhook-id': id, 'webhook-timestamp': String(timestamp), 'webhook-signature': webhookSignature(secret, id, timestamp, body) };
}
