// The auditor's check of an archive bundle in a web browser (the console's audit screen, issue 20):
// `tongban audit verify`'s very check — the same code (bundle-audit.ts and all it imports), the same
// four-property report and findings, ES256 and SM2 seals alike — over the bundle's bytes as the browser
// has them: fetched whole, or streamed from a response body in flat memory. Nothing in it needs Node
// (a test bundles it for the browser and runs it without Node's globals); SHA-256 is plain JavaScript.
//
// A browser has no virus scanner: the report says the scan was not run, and why (BROWSER_SCAN), as the
// CLI's does where ClamAV is not installed — never that the files were scanned clean.
import type { Jwks } from '../seals/jwks.ts';
import type { ScanResult } from './bag-assessment.ts';
import type { BundleAudit } from './bundle-audit.ts';
import { auditBundle } from './bundle-audit.ts';

export type { ArchiveReport, BagSeal, Finding, Property, PropertyResult, ScanResult } from './bag-assessment.ts';
export { PROPERTY_ZH } from './bag-assessment.ts';
export type { BundleAudit } from './bundle-audit.ts';
export type { Jwks, JwksSealCheck, SealJwk } from '../seals/jwks.ts';

/** What the report says of the virus scan in a browser: none ran. */
export const BROWSER_SCAN: ScanResult = {
  ran: false,
  scanner: 'a web browser has no virus scanner; `tongban audit verify` scans the bundle where ClamAV is installed',
  infected: [],
};

/** A web ReadableStream of bytes (a fetch response's body), as far as the audit reads it. */
export interface ByteStream {
  getReader(): {
    read(): Promise<{ done: boolean; value?: Uint8Array | undefined }>;
    cancel(reason?: unknown): Promise<void>;
    releaseLock(): void;
  };
}

export interface BrowserAuditOptions {
  /** The keys the platform publishes (GET /v1/.well-known/jwks.json): the bundle's own must be among them. */
  publishedJwks?: Jwks;
  now?: () => Date;
  /** Told how many bytes of the bundle have been read, as they are. */
  onProgress?: (bytesRead: number) => void;
}

/** Whole bundles are handed to the check in pieces of this size (so progress is told as it goes). */
const PIECE_BYTES = 1024 * 1024;

/**
 * The four-property check of a bundle (the tar file as `tongban audit fetch` or the archive gives it):
 * its report, the ingest report it holds, each seal's result, and the virus scan it went by (none).
 * Rejects when the bytes are not a tar archive that can be read to its end (the CLI's "the bundle
 * cannot be read"); everything else a bundle may be wrong in is a finding of the report.
 */
export async function auditBundleBytes(bytes: Uint8Array | AsyncIterable<Uint8Array> | ByteStream, opts: BrowserAuditOptions = {}): Promise<BundleAudit> {
  let read = 0;
  const counted = (async function* () {
    for await (const chunk of chunksOf(bytes)) {
      read += chunk.length;
      opts.onProgress?.(read);
      yield chunk;
    }
  })();
  return auditBundle(counted, {
    scan: BROWSER_SCAN,
    ...(opts.publishedJwks ? { publishedJwks: opts.publishedJwks } : {}),
    ...(opts.now ? { now: opts.now } : {}),
  });
}

async function* chunksOf(bytes: Uint8Array | AsyncIterable<Uint8Array> | ByteStream): AsyncGenerator<Uint8Array> {
  if (ArrayBuffer.isView(bytes)) {
    const whole = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    for (let at = 0; at < whole.length; at += PIECE_BYTES) yield whole.subarray(at, at + PIECE_BYTES);
  } else if (Symbol.asyncIterator in bytes) {
    yield* bytes;
  } else {
    // Not every browser makes a ReadableStream async-iterable (Safari does not): read it by its reader.
    const reader = bytes.getReader();
    let done = false;
    try {
      for (let next = await reader.read(); !next.done; next = await reader.read()) if (next.value) yield next.value;
      done = true;
    } finally {
      if (!done) await reader.cancel();
      reader.releaseLock();
    }
  }
}
