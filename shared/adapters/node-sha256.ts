// SHA-256 and its HMAC for the SDK's SigV4 signer (@smithy/signature-v4), on Node's crypto: the
// Lambda invoker signs with it (lambda-invoker.ts), the embedded stand-ins check every request's
// signature with it (infra/local/sigv4-verifier.ts), and the tests' signed HTTP clients sign bodies of
// up to 400 KB with it, which the pure-JavaScript hash takes long over.
import type { Checksum, SourceData } from '@smithy/types';
import type { Hash, Hmac } from 'node:crypto';
import { createHash, createHmac } from 'node:crypto';

/** The signer's `sha256`: a hash without a secret, an HMAC with one. */
export class NodeSha256 implements Checksum {
  private hash: Hash | Hmac;

  constructor(private readonly secret?: SourceData) {
    this.hash = this.start();
  }

  update(data: Uint8Array | string): void {
    this.hash.update(data);
  }

  digest(): Promise<Uint8Array> {
    return Promise.resolve(new Uint8Array(this.hash.digest()));
  }

  reset(): void {
    this.hash = this.start();
  }

  private start(): Hash | Hmac {
    if (this.secret === undefined) return createHash('sha256');
    const s = this.secret;
    const key = typeof s === 'string' ? Buffer.from(s, 'utf8') : ArrayBuffer.isView(s) ? Buffer.from(s.buffer, s.byteOffset, s.byteLength) : Buffer.from(s);
    return createHmac('sha256', key);
  }
}
