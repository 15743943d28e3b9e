// A request's body read whole, for the embedded stand-ins that must see it before they answer (the API
// gateway, the S3 endpoint's signature check): never more than `maxBytes`, whatever the client declares.
import type { IncomingMessage } from 'node:http';

/** The body, or 'too-large' as soon as it (or its declared length) passes `maxBytes`: nothing more is kept. */
export async function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | 'too-large'> {
  if (Number(req.headers['content-length'] ?? 0) > maxBytes) return 'too-large';
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > maxBytes) return 'too-large';
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}
