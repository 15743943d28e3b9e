// S3 for the embedded runtime and the integration tests: s3rver (the S3 wire protocol on disk) behind
// a front that does what s3rver 3.7.1 does not — verify each request's SigV4 signature (the
// Authorization header or a presigned URL; sigv4-verifier.ts, service s3) and give each key pair the
// access its identity has on AWS, IAM-style: the platform's own functions every action, an auditor
// what ARCHIVE_AUDITOR_ACCESS grants (list the archive, read its bundles), anyone else nothing.
// Refusals are S3's own XML errors (AccessDenied, SignatureDoesNotMatch, …). s3rver runs in this
// process without a port of its own: the front hands it each request it lets through.
// It also does the conditional write s3rver ignores: a PutObject, CopyObject or CompleteMultipartUpload with
// `If-None-Match: *` is refused with S3's 412 PreconditionFailed when the key exists — the check and
// the write it admits one step per key, so two writers of a key cannot both succeed (the archive's
// write-once bundles, anchor journals and statistics documents rely on it, and the copy of a material
// into its case's keeping). CORS is the bucket's, as on
// S3: s3rver answers a preflight from the bucket's rules, and the front's own refusals of a browser's
// request carry the headers those rules give, so that a page can read why (an expired link).
// It holds an object written with a cold storage class (x-amz-storage-class GLACIER or DEEP_ARCHIVE,
// which s3rver keeps with it) as S3 does: a GetObject is refused with 403 InvalidObjectState until a
// RestoreObject (POST ?restore, s3:RestoreObject) has completed, a second restore while one is under
// way is 409 RestoreAlreadyInProgress, a restore of an object in another class is InvalidObjectState,
// and a HeadObject says where a restore stands (x-amz-restore). A restore completes
// `restoreDelaySeconds` after it was asked for (default 0: at once), by its clock, and is
// kept the days it asked for; restores are held in memory (a restart forgets them). There is no
// lifecycle: an object is cold only when it was written so.
// Checksums, as S3 keeps them for SHA-256 (s3rver keeps none): a PutObject with x-amz-checksum-sha256
// (header, or a presigned URL's query) is refused with 400 BadDigest unless its body has that digest,
// and the digest is kept beside the object; a CopyObject gives the copy its source's digest (or, with
// x-amz-checksum-algorithm SHA256, the one it computes); a HeadObject or whole GetObject with
// x-amz-checksum-mode ENABLED answers it (x-amz-checksum-sha256, FULL_OBJECT). A kept digest names
// the MD5 of the bytes it was computed from and is answered only while s3rver holds those bytes,
// so an overwrite, a delete or a write that failed never leaves a wrong one behind.
// ListObjectsV2 is answered by the front from s3rver's store: s3rver makes its continuation tokens
// with DES, which OpenSSL 3 refuses, so every truncated V2 listing of its own was a 500.
// A bucket's own facts (that it exists, its CORS and website configurations), which s3rver reads from
// disk at every request, are kept in memory once read and forgotten when put or deleted (rememberBucketFacts).
// Gaps: no versioning, no Object Lock, no other checksum algorithms (CRC32…, multipart composite
// checksums), no bucket policies — the adapters are written so that what matters is also checked
// without them (a checksum by hashing where none is answered); requests
// are path-style only; a body signed with its SHA-256, or written with a checksum, is held in memory to check it (at most
// MAX_SIGNED_BODY_BYTES: larger ones go unsigned, as presigned uploads do, or in parts).
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createReadStream, createWriteStream } from 'node:fs';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import FilesystemStore from 's3rver/lib/stores/filesystem.js';
import { dirname } from 'node:path';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { IncomingMessage as Message, createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createHash, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import S3rver from 's3rver';
import type { CorsRule } from 's3rver';
import { DomainError } from '../../shared/domain/errors.ts';
import { SESSION_TOKEN_FIELD, SigV4Verifier, UNSIGNED_PAYLOAD } from './sigv4-verifier.ts';
import { listen } from './listen.ts';
import { escapeMarkup } from './markup.ts';
import { readBody } from './request-body.ts';
import { hashingTap } from '../../shared/adapters/hashing-tap.ts';
import type { S3ThreadInput, S3ThreadOptions } from './local-s3-thread.ts';
import { startStandInThread } from './stand-in-thread.ts';

/**
 * s3rver's own key pair: the front hands s3rver every request it lets through under this key id
 * (s3rver wants one it knows, and checks no SigV4 signature: 3.7.1, "Signature version 4 calculation
 * is unimplemented"). Also the one identity startS3 accepts when given none (the integration tests),
 * with every action. The embedded platform gives its functions a key pair of their own instead, so
 * this well-known pair opens nothing there. (s3rver's maintained fork, @20minutes/s3rver, verifies
 * signatures but canonicalises bucket-level paths without their trailing slash — ListObjectsV2,
 * HeadBucket and DeleteObjects fail every signature — and 5.x needs Node 24: so 3.7.1 stays.)
 */
export const S3RVER_CREDENTIALS = { accessKeyId: 'S3RVER', secretAccessKey: 'S3RVER' } as const;

/** The largest body signed with its SHA-256 (x-amz-content-sha256) the front holds to check it. */
export const MAX_SIGNED_BODY_BYTES = 64 * 1024 * 1024;

/** One key pair the S3 endpoint accepts, and what it may do. */
export interface S3Identity {
  accessKeyId: string;
  secretAccessKey: string;
  /** The IAM identity it stands for, as an AccessDenied message names it. */
  arn: string;
  /** `full`: every action on every bucket (the platform's own functions); else only what the grants allow. */
  access: 'full' | readonly S3Grant[];
}

/**
 * An IAM-style allow: `actions` on the bucket itself (no `keyPrefix`) or on its objects whose keys
 * start with `keyPrefix` (the resource `arn:…:s3:::<bucket>/<keyPrefix>*`).
 */
export interface S3Grant {
  actions: readonly string[];
  bucket: string;
  keyPrefix?: string;
}

export interface S3Options {
  /** The region signatures must be scoped to (default cn-north-1). */
  region?: string;
  /** The key pairs accepted (default: S3RVER_CREDENTIALS with every action). */
  identities?: readonly S3Identity[];
  /** The clock signatures are checked against, in ms (default the system's: a test moves it on to present a presigned URL after it expired). */
  now?: () => number;
  /** Seconds a RestoreObject of a cold object takes (default 0: done at once). */
  restoreDelaySeconds?: number;
  /** The clock restores complete and expire by, in ms (default `now`): a test moves it on without moving the signatures' (s3rver checks those against the system's). */
  restoreClock?: () => number;
}

/** The storage classes whose objects are read only once restored (S3's InvalidObjectState otherwise). */
export const COLD_STORAGE_CLASSES: readonly string[] = ['GLACIER', 'DEEP_ARCHIVE'];

/** The embedded S3 endpoint on a free port, persisted under `directory`, with `buckets` created if missing. */
export interface RunningS3 {
  endpoint: string;
  /**
   * Accepts a temporary key pair (an STS session of an identity's role) until it expires, with that
   * identity's access: at once in process; once the promise resolves when the endpoint runs in a thread (startS3Thread).
   */
  admit(session: S3Identity & { sessionToken: string; expiresAt: number }): void | Promise<void>;
  close: () => Promise<void>;
}

const WRITES_BEFORE_ANSWERING = Symbol('tongban: s3rver writes objects before answering');

/**
 * S3 reads what it has written (strong read-after-write consistency), but s3rver 3.7.1 answers a
 * PutObject once it has handed the bytes to the file's write stream, not once they are in the file (for
 * a body held in memory, at once): a GetObject right after could read a short or empty object — the
 * archive's read-back of a bundle it had just written did, under load. Its store's putObject is replaced,
 * once per process (each thread that runs s3rver), by one that answers after the file is written.
 */
function writeObjectsBeforeAnswering(): void {
  const store = FilesystemStore.prototype as FilesystemStore & { [WRITES_BEFORE_ANSWERING]?: true };
  if (store[WRITES_BEFORE_ANSWERING]) return;
  store[WRITES_BEFORE_ANSWERING] = true;
  store.putObject = async function (this: FilesystemStore, object) {
    const objectPath = this.getResourcePath(object.bucket, object.key, 'object');
    await mkdir(dirname(objectPath), { recursive: true });
    const md5 = createHash('md5');
    const tap = hashingTap(md5);
    // Resolves once the write stream has finished: every byte is in the file.
    await pipeline(Buffer.isBuffer(object.content) ? Readable.from([object.content]) : object.content, tap.stream, createWriteStream(objectPath));
    const digest = md5.digest('hex');
    await this.putMetadata(object.bucket, object.key, object.metadata, digest);
    return { size: tap.size(), md5: digest };
  };
}

/** The methods of s3rver's store that read and change a bucket's own facts (rememberBucketFacts). */
interface BucketFactsStore {
  getBucket(bucket: string): Promise<unknown>;
  /** (Not a fact it keeps: the front's ListObjectsV2 reads through it.) */
  listObjects(bucket: string, options: ListOptions): Promise<Listing>;
  putBucket(bucket: string): Promise<unknown>;
  deleteBucket(bucket: string): Promise<unknown>;
  getSubresource(bucket: string, key: string | undefined, type: string): Promise<unknown>;
  putSubresource(bucket: string, key: string | undefined, resource: { type: string }): Promise<unknown>;
  deleteSubresource(bucket: string, key: string | undefined, type: string): Promise<unknown>;
}

/**
 * Keeps in memory what s3rver reads from disk for a bucket at every request — that it exists (a stat),
 * its website configuration (a file read, by its website middleware) and its CORS configuration (a
 * file read, by its CORS middleware and the front) — once read, and forgets it when the store puts or
 * deletes it (this process is the only writer of its directory). The embedded platform's S3 spent about
 * an eighth of its CPU there. An object's own subresources (an ACL, tags) are read as before.
 */
function rememberBucketFacts(store: BucketFactsStore): void {
  const buckets = new Map<string, Promise<unknown>>();
  const configs = new Map<string, Promise<unknown>>();
  const remembered = <T>(map: Map<string, Promise<T>>, name: string, read: () => Promise<T>) => {
    let kept = map.get(name);
    if (!kept) {
      kept = read();
      map.set(name, kept);
      // A failed read is not kept: asked again next time. (None, a bucket or configuration that is not there, is.)
      kept.catch(() => map.get(name) === kept && map.delete(name));
    }
    return kept;
  };
  const forget = (bucket: string) => {
    buckets.delete(bucket);
    for (const name of configs.keys()) if (name.startsWith(`${bucket}/`)) configs.delete(name);
  };
  const [getBucket, putBucket, deleteBucket] = [store.getBucket.bind(store), store.putBucket.bind(store), store.deleteBucket.bind(store)];
  const [getSubresource, putSubresource, deleteSubresource] = [store.getSubresource.bind(store), store.putSubresource.bind(store), store.deleteSubresource.bind(store)];
  store.getBucket = (bucket) => remembered(buckets, bucket, () => getBucket(bucket));
  store.putBucket = async (bucket) => {
    forget(bucket);
    return putBucket(bucket);
  };
  store.deleteBucket = async (bucket) => {
    forget(bucket);
    try {
      return await deleteBucket(bucket);
    } finally {
      forget(bucket);
    }
  };
  store.getSubresource = (bucket, key, type) =>
    key === undefined ? remembered(configs, `${bucket}/${type}`, () => getSubresource(bucket, key, type)) : getSubresource(bucket, key, type);
  store.putSubresource = async (bucket, key, resource) => {
    try {
      return await putSubresource(bucket, key, resource);
    } finally {
      if (key === undefined) configs.delete(`${bucket}/${resource.type}`);
    }
  };
  store.deleteSubresource = async (bucket, key, type) => {
    try {
      return await deleteSubresource(bucket, key, type);
    } finally {
      if (key === undefined) configs.delete(`${bucket}/${type}`);
    }
  };
}

export async function startS3(directory: string, host = '127.0.0.1', buckets: string[] = [], options: S3Options = {}): Promise<RunningS3> {
  writeObjectsBeforeAnswering();
  await mkdir(directory, { recursive: true });
  const region = options.region ?? 'cn-north-1';
  const identities = options.identities ?? [{ ...S3RVER_CREDENTIALS, arn: 'arn:aws:iam::000000000000:user/s3rver', access: 'full' as const }];
  const byKey = new Map(identities.map((i) => [i.accessKeyId, i]));
  /** The temporary key pairs admitted, and when each expires. */
  const sessionsUntil = new Map<string, number>();
  const verifier = new SigV4Verifier(
    identities.map((i) => ({ accessKeyId: i.accessKeyId, secretAccessKey: i.secretAccessKey, principal: i.accessKeyId })),
    region,
    's3',
    options.now,
  );
  // Path-style only (vhostBuckets off): the bucket is the first segment of the path, as the front reads it.
  const s3rver = new S3rver({ directory, silent: true, vhostBuckets: false, configureBuckets: buckets.map((name) => ({ name })) });
  await s3rver.configureBuckets();
  rememberBucketFacts(s3rver.store as unknown as BucketFactsStore);
  const forward = s3rver.callback();
  const partition = region.startsWith('cn-') ? 'aws-cn' : 'aws';

  const exists = (bucket: string, key: string) => s3rver.store.existsObject(bucket, key);
  const store = s3rver.store as unknown as BucketFactsStore;
  const list = async (bucket: string, options: ListOptions) => ((await store.getBucket(bucket)) ? store.listObjects(bucket, options) : null);
  const cors = async (bucket: string, origin: string, method: string) => (await s3rver.store.getSubresource(bucket, undefined, 'cors'))?.matchRule(origin, method);
  const writes = new KeyQueue();
  const cold = new ColdObjects(
    async (bucket, key) => {
      try {
        const metadata = await s3rver.store.getMetadata(bucket, key);
        return metadata['x-amz-storage-class'];
      } catch {
        return undefined;
      }
    },
    options.restoreClock ?? options.now ?? Date.now,
    (options.restoreDelaySeconds ?? 0) * 1000,
  );
  const checksums = keptChecksums((bucket, key, resource) => s3rver.store.getResourcePath(bucket, key, resource));
  const server = createServer((req, res) => {
    front(req, res, { verifier, byKey, forward, exists, cors, writes, cold, checksums, list, partition, ownHost: () => `${host}:${(server.address() as AddressInfo).port}` }).catch(
      (e: unknown) => {
        console.error('embedded S3 failure', e);
        if (!res.headersSent) s3Error(req, res, 500, 'InternalError', 'We encountered an internal error. Please try again.');
        else res.destroy();
      },
    );
  });
  await listen(server, host);
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    admit: (session) => {
      const { sessionToken, expiresAt, ...identity } = session;
      const now = (options.now ?? Date.now)();
      for (const [key, until] of sessionsUntil) {
        if (until > now) continue;
        byKey.delete(key);
        sessionsUntil.delete(key);
      }
      byKey.set(session.accessKeyId, identity);
      sessionsUntil.set(session.accessKeyId, expiresAt);
      verifier.admit({ accessKeyId: session.accessKeyId, secretAccessKey: session.secretAccessKey, principal: session.accessKeyId, sessionToken, expiresAt });
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          s3rver.logger.close();
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}

/**
 * startS3 in a worker thread of its own (stand-in-thread.ts), off the caller's event loop: the same
 * endpoint; `admit` crosses to the thread (await it before the session's first request). The
 * embedded platform runs it so; the integration tests call startS3 in their own thread.
 */
export async function startS3Thread(directory: string, host = '127.0.0.1', buckets: string[] = [], options: S3ThreadOptions = {}): Promise<RunningS3> {
  const input: S3ThreadInput = { directory, host, buckets, options };
  const thread = await startStandInThread<{ endpoint: string }>(new URL('./local-s3-thread.ts', import.meta.url), input);
  return {
    endpoint: thread.value.endpoint,
    admit: (session) => thread.call('admit', session),
    close: () => thread.close(),
  };
}

interface Front {
  verifier: SigV4Verifier;
  byKey: Map<string, S3Identity>;
  forward: (req: IncomingMessage, res: ServerResponse) => unknown;
  /** Whether s3rver holds an object under the key. */
  exists: (bucket: string, key: string) => Promise<boolean>;
  /** The bucket's CORS rule for a request from `origin` with `method`, if one allows it. */
  cors: (bucket: string, origin: string, method: string) => Promise<CorsRule | undefined>;
  /** The conditional writes of each key, one at a time. */
  writes: KeyQueue;
  /** The objects held in a cold storage class, and their restores. */
  cold: ColdObjects;
  checksums: KeptChecksums;
  /** s3rver's store's listing of a bucket (null when there is no such bucket). */
  list: (bucket: string, options: ListOptions) => Promise<Listing | null>;
  partition: string;
  ownHost: () => string;
}

async function front(req: IncomingMessage, res: ServerResponse, f: Front): Promise<void> {
  const method = req.method ?? 'GET';
  // The path exactly as sent: s3rver reads it so (a URL parser would resolve its dot segments first).
  const target = req.url ?? '/';
  if (!target.startsWith('/')) return s3Error(req, res, 400, 'InvalidURI', 'Only origin-form request targets (a path) are accepted.');
  const queryAt = target.indexOf('?');
  const pathname = queryAt < 0 ? target : target.slice(0, queryAt);
  const query = new URLSearchParams(queryAt < 0 ? '' : target.slice(queryAt + 1));
  // A CORS preflight is answered from the bucket's CORS rules, unsigned, as on S3: it reads no data.
  // S3 answers a preflight before anything else: a presigned URL's query is not authentication to
  // check on it (s3rver would, and refuse the browser's preflight of every presigned PUT or GET).
  if (method === 'OPTIONS') {
    req.url = pathname;
    return void f.forward(req, res);
  }
  const headers = lowerCaseHeaders(req);
  const presigned = headers['authorization'] === undefined && query.has('X-Amz-Signature');

  const resource = resourceOf(pathname);
  if ('invalid' in resource) return s3Error(req, res, 400, resource.code, resource.invalid);
  // A browser's request the bucket's CORS rules allow: its refusals below carry the CORS headers as
  // S3's do (s3rver adds them to what it answers itself), so the page can read why it was refused.
  const origin = headers['origin'];
  const rule = origin !== undefined && resource.bucket !== undefined ? await f.cors(resource.bucket, origin, method) : undefined;
  if (rule) {
    res.setHeader('access-control-allow-origin', rule.hasWildcardOrigin ? '*' : origin!);
    if (rule.exposeHeaders.length > 0) res.setHeader('access-control-expose-headers', rule.exposeHeaders.join(', '));
    res.setHeader('vary', 'Origin, Access-Control-Request-Headers, Access-Control-Request-Method');
  }

  if (!presigned && headers['authorization'] !== undefined && headers['x-amz-content-sha256'] === undefined) {
    return s3Error(req, res, 400, 'InvalidRequest', 'Missing required header for this request: x-amz-content-sha256');
  }
  let identity: S3Identity;
  try {
    const credential = await f.verifier.verify({ method, path: pathname, query, headers });
    identity = f.byKey.get(credential.accessKeyId)!;
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    const [status, code, message] = signatureRefusal(e, presigned);
    return s3Error(req, res, status, code, message);
  }

  for (const need of requiredPermissions(method, resource, query, headers)) {
    if (!allows(identity, need)) {
      const arn = `arn:${f.partition}:s3:::${need.bucket ?? '*'}${need.key !== undefined ? `/${need.key}` : need.anyKey ? '/*' : ''}`;
      return s3Error(
        req,
        res,
        403,
        'AccessDenied',
        `User: ${identity.arn} is not authorized to perform: ${need.action} on resource: "${arn}" because no identity-based policy allows the ${need.action} action`,
      );
    }
  }

  // ListObjectsV2 is the front's: s3rver makes its continuation tokens with DES, which OpenSSL 3
  // (Node 17 on) refuses, so its every truncated V2 listing failed with 500 InternalError.
  if (method === 'GET' && resource.bucket !== undefined && resource.key === undefined && query.get('list-type') === '2' && subresourceOf(query) === undefined) {
    return listObjectsV2(req, res, f, resource.bucket, query);
  }

  // A cold object: read only once restored; its restore is the front's (s3rver has none).
  if (resource.key !== undefined && (method === 'GET' || method === 'HEAD' || (method === 'POST' && query.has('restore')))) {
    const { bucket, key } = resource as Required<Resource>;
    const storageClass = await f.cold.storageClassOf(bucket, key);
    if (method === 'POST') {
      const body = await readBody(req, MAX_SIGNED_BODY_BYTES);
      if (body === 'too-large') return s3Error(req, res, 400, 'MalformedXML', 'The XML you provided was not well-formed or did not validate against our published schema');
      if (storageClass === undefined && !(await f.exists(bucket, key))) return s3Error(req, res, 404, 'NoSuchKey', 'The specified key does not exist.');
      if (storageClass === undefined || !COLD_STORAGE_CLASSES.includes(storageClass)) {
        return s3Error(req, res, 403, 'InvalidObjectState', "Restore is not allowed for the object's current storage class");
      }
      const days = Number(/<Days>(\d+)<\/Days>/.exec(body.toString('utf8'))?.[1] ?? '1');
      const answer = f.cold.restore(bucket, key, days);
      if (answer === 'in-progress') return s3Error(req, res, 409, 'RestoreAlreadyInProgress', 'Object restore is already in progress');
      res.writeHead(answer === 'started' ? 202 : 200, { 'content-length': 0, 'x-amz-request-id': requestId() });
      return void res.end();
    }
    if (storageClass !== undefined && COLD_STORAGE_CLASSES.includes(storageClass)) {
      // As S3 does for every class but Standard.
      res.setHeader('x-amz-storage-class', storageClass);
      const restore = f.cold.restoreOf(bucket, key);
      if (restore) res.setHeader('x-amz-restore', restore.header);
      if (method === 'GET' && restore?.ready !== true) return s3Error(req, res, 403, 'InvalidObjectState', "The operation is not valid for the object's storage class");
    }
  }

  // The body: checked against a signed SHA-256 before s3rver sees any of it; unsigned bodies stream,
  // unless they come with a checksum to check (x-amz-checksum-sha256).
  const payloadHash = presigned ? UNSIGNED_PAYLOAD : headers['x-amz-content-sha256']!;
  const copySource = headers['x-amz-copy-source'];
  const objectRequest = resource.key !== undefined && subresourceOf(query) === undefined;
  const checksum =
    method === 'PUT' && objectRequest && copySource === undefined ? (headers['x-amz-checksum-sha256'] ?? query.get('x-amz-checksum-sha256') ?? undefined) : undefined;
  let forwarded: IncomingMessage = req;
  let received: Buffer | undefined;
  if (/^[0-9a-fA-F]{64}$/.test(payloadHash) || (checksum !== undefined && payloadHash === UNSIGNED_PAYLOAD)) {
    const body = await readBody(req, MAX_SIGNED_BODY_BYTES);
    if (body === 'too-large')
      return s3Error(
        req,
        res,
        400,
        'EntityTooLarge',
        `A body signed with its SHA-256 may be at most ${MAX_SIGNED_BODY_BYTES} bytes here: sign it UNSIGNED-PAYLOAD or upload it in parts`,
      );
    if (payloadHash !== UNSIGNED_PAYLOAD && createHash('sha256').update(body).digest('hex') !== payloadHash.toLowerCase()) {
      return s3Error(req, res, 400, 'XAmzContentSHA256Mismatch', "The provided 'x-amz-content-sha256' header does not match what was computed.");
    }
    received = body;
    forwarded = replay(req, body);
  } else if (payloadHash !== UNSIGNED_PAYLOAD) {
    // STREAMING-…: aws-chunked bodies, which s3rver would store with their chunk framing.
    return s3Error(req, res, 501, 'NotImplemented', `x-amz-content-sha256 ${payloadHash} is not supported by the embedded S3; sign the body's SHA-256 or UNSIGNED-PAYLOAD`);
  }

  // The object's SHA-256: checked and kept with a PutObject that gives one, passed on to a copy, answered when asked for.
  const { bucket, key } = resource as Required<Resource>;
  let keepChecksum = async () => {};
  if (checksum !== undefined && received !== undefined) {
    const digest = { sha256: createHash('sha256').update(received).digest('base64'), md5: createHash('md5').update(received).digest('hex') };
    if (digest.sha256 !== checksum) return s3Error(req, res, 400, 'BadDigest', 'The SHA256 you specified did not match the calculated checksum.');
    keepChecksum = () => f.checksums.keep(bucket, key, digest);
  } else if (method === 'PUT' && objectRequest && copySource !== undefined) {
    const source = resourceOf(`/${decodeURIComponent(copySource.split('?')[0]!).replace(/^\//, '')}`);
    const computed = headers['x-amz-checksum-algorithm']?.toUpperCase() === 'SHA256';
    keepChecksum = async () => {
      if ('invalid' in source || source.bucket === undefined || source.key === undefined) return; // s3rver refuses the copy
      const digest = await f.checksums.of(source.bucket, source.key, computed);
      if (digest) await f.checksums.keep(bucket, key, digest);
    };
  } else if ((method === 'HEAD' || method === 'GET') && objectRequest && headers['x-amz-checksum-mode']?.toUpperCase() === 'ENABLED' && headers['range'] === undefined) {
    const digest = await f.checksums.of(bucket, key, false);
    if (digest) {
      res.setHeader('x-amz-checksum-sha256', digest.sha256);
      res.setHeader('x-amz-checksum-type', 'FULL_OBJECT');
    }
  }

  // Handed to s3rver as its own account, addressed to this endpoint (path-style), the request verified.
  forwarded.headers.host = f.ownHost();
  if (presigned) {
    query.set('X-Amz-Credential', query.get('X-Amz-Credential')!.replace(/^[^/]+/, S3RVER_CREDENTIALS.accessKeyId));
    forwarded.url = `${pathname}?${query.toString()}`;
  } else {
    forwarded.headers.authorization = headers['authorization']!.replace(/Credential=[^/]+/, `Credential=${S3RVER_CREDENTIALS.accessKeyId}`);
  }
  const condition = headers['if-none-match'];
  if (condition !== undefined && createsObject(method, resource, query)) {
    // S3 takes `*` alone on a write (an ETag is for reads).
    if (condition !== '*')
      return s3Error(req, res, 501, 'NotImplemented', 'A header you provided implies functionality that is not implemented: If-None-Match takes * alone on a write');
    return f.writes.run(`${bucket}/${key}`, async () => {
      if (await f.exists(bucket, key)) return s3Error(forwarded, res, 412, 'PreconditionFailed', 'At least one of the pre-conditions you specified did not hold');
      await keepChecksum();
      await f.forward(forwarded, res);
      if (!res.writableFinished) await Promise.race([once(res, 'finish'), once(res, 'close')]);
    });
  }
  // Kept before s3rver writes (a HEAD right after the answer finds it); it holds only for these bytes.
  await keepChecksum();
  await f.forward(forwarded, res);
}

/** What s3rver's store takes to list a bucket. */
interface ListOptions {
  prefix?: string;
  delimiter?: string;
  startAfter?: string;
  maxKeys: number;
}
/** What s3rver's store answers a listing. */
interface Listing {
  objects: { key: string; size: number; lastModifiedDate: Date; metadata: Record<string, string | undefined> }[];
  commonPrefixes: string[];
  isTruncated: boolean;
}

const CONTINUATION = 'tongban-s3:';

/**
 * ListObjectsV2 (GET /<bucket>?list-type=2), answered from s3rver's store as S3 answers it: prefix,
 * delimiter and common prefixes, start-after, max-keys (at most 1,000 a page; S3's InvalidArgument
 * outside 0…2147483647), and a continuation token when the page is truncated — opaque to the client
 * (here the last key of the page, encoded), refused as S3 refuses one it did not make. Each object's
 * storage class is the one it was written with.
 */
async function listObjectsV2(req: IncomingMessage, res: ServerResponse, f: Front, bucket: string, query: URLSearchParams): Promise<void> {
  const maxKeysText = query.get('max-keys') ?? '1000';
  if (!/^\d+$/.test(maxKeysText) || Number(maxKeysText) > 2147483647) {
    return s3Error(req, res, 400, 'InvalidArgument', 'Argument maxKeys must be an integer between 0 and 2147483647');
  }
  const token = query.get('continuation-token');
  let startAfter = query.get('start-after') ?? undefined;
  if (token !== null) {
    const decoded = Buffer.from(token, 'base64url').toString('utf8');
    if (!decoded.startsWith(CONTINUATION)) return s3Error(req, res, 400, 'InvalidArgument', 'The continuation token provided is incorrect');
    startAfter = decoded.slice(CONTINUATION.length);
  }
  const prefix = query.get('prefix') ?? '';
  const delimiter = query.get('delimiter') ?? '';
  const maxKeys = Math.min(1000, Number(maxKeysText));
  const listing =
    maxKeys === 0
      ? { objects: [], commonPrefixes: [], isTruncated: false }
      : await f.list(bucket, { maxKeys, ...(prefix && { prefix }), ...(delimiter && { delimiter }), ...(startAfter && { startAfter }) });
  if (listing === null) return s3Error(req, res, 404, 'NoSuchBucket', 'The specified bucket does not exist');
  const last = listing.objects.at(-1)?.key;
  const element = (name: string, value: string | number | boolean) => `<${name}>${escapeMarkup(String(value))}</${name}>`;
  const body = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
    element('Name', bucket),
    element('Prefix', prefix),
    ...(delimiter ? [element('Delimiter', delimiter)] : []),
    element('MaxKeys', maxKeysText),
    element('KeyCount', listing.objects.length + listing.commonPrefixes.length),
    element('IsTruncated', listing.isTruncated),
    ...(token !== null ? [element('ContinuationToken', token)] : []),
    ...(token === null && startAfter ? [element('StartAfter', startAfter)] : []),
    ...(listing.isTruncated && last !== undefined ? [element('NextContinuationToken', Buffer.from(`${CONTINUATION}${last}`, 'utf8').toString('base64url'))] : []),
    ...listing.objects.map(
      (o) =>
        `<Contents>${element('Key', o.key)}${element('LastModified', o.lastModifiedDate.toISOString())}${element('ETag', o.metadata['etag'] ?? '')}${element('Size', o.size)}${element('StorageClass', o.metadata['x-amz-storage-class'] ?? 'STANDARD')}</Contents>`,
    ),
    ...listing.commonPrefixes.map((p) => `<CommonPrefixes>${element('Prefix', p)}</CommonPrefixes>`),
    '</ListBucketResult>',
  ].join('');
  res.writeHead(200, {
    'content-type': 'application/xml',
    'content-length': Buffer.byteLength(body),
    'x-amz-request-id': requestId(),
  });
  res.end(body);
}

/** An object's SHA-256 (base64, as S3 answers it) and the MD5 (hex) of the bytes it was computed from. */
interface KeptChecksum {
  sha256: string;
  md5: string;
}

interface KeptChecksums {
  /** Keeps `digest` for the object under the key (it holds while s3rver's bytes there have its MD5). */
  keep(bucket: string, key: string, digest: KeptChecksum): Promise<void>;
  /** The object's kept digest while it holds; with `compute`, else the one computed from its bytes. */
  of(bucket: string, key: string, compute: boolean): Promise<KeptChecksum | undefined>;
}

/** The checksums beside s3rver's files (`<key>._S3rver_sha256.json`), checked against the MD5 s3rver keeps of the object (`<key>._S3rver_object.md5`). */
function keptChecksums(pathOf: (bucket: string, key: string, resource: string) => string): KeptChecksums {
  const readOr = (path: string) => readFile(path, 'utf8').catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' || e.code === 'ENOTDIR' ? undefined : Promise.reject(e)));
  return {
    keep: (bucket, key, digest) =>
      writeFile(pathOf(bucket, key, 'sha256.json'), JSON.stringify(digest)).catch(async (e: NodeJS.ErrnoException) => {
        // A new key's directories are s3rver's to make; made here first when the checksum comes before them.
        if (e.code !== 'ENOENT') throw e;
        const path = pathOf(bucket, key, 'sha256.json');
        await mkdir(dirname(path), { recursive: true });
        await writeFile(path, JSON.stringify(digest));
      }),
    of: async (bucket, key, compute) => {
      const [kept, md5] = await Promise.all([readOr(pathOf(bucket, key, 'sha256.json')), readOr(pathOf(bucket, key, 'object.md5'))]);
      const digest = kept === undefined ? undefined : (JSON.parse(kept) as KeptChecksum);
      if (digest && md5 !== undefined && digest.md5 === md5.trim()) return digest;
      if (!compute) return undefined;
      const sha256 = createHash('sha256');
      const md5Hash = createHash('md5');
      try {
        for await (const chunk of createReadStream(pathOf(bucket, key, 'object'))) {
          sha256.update(chunk as Buffer);
          md5Hash.update(chunk as Buffer);
        }
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw e;
      }
      return { sha256: sha256.digest('base64'), md5: md5Hash.digest('hex') };
    },
  };
}

/**
 * A request that creates an object under its key: a PutObject or CopyObject (not a subresource, not a
 * part: UploadPart and UploadPartCopy take no condition) or a CompleteMultipartUpload.
 */
function createsObject(method: string, resource: Resource, query: URLSearchParams): boolean {
  if (resource.bucket === undefined || resource.key === undefined) return false;
  const plain = subresourceOf(query) === undefined;
  if (method === 'PUT') return plain && !query.has('uploadId');
  return method === 'POST' && plain && query.has('uploadId');
}

/** The restores of cold objects (RestoreObject), by bucket and key: when each is ready, until when it is kept. */
export class ColdObjects {
  private readonly restores = new Map<string, { readyAt: number; days: number }>();

  constructor(
    readonly storageClassOf: (bucket: string, key: string) => Promise<string | undefined>,
    private readonly now: () => number,
    private readonly delayMs: number,
  ) {}

  /** Asks for a restore of `days`: `started`, `in-progress` (S3's 409), or `extended` (a restored copy kept longer: 200). */
  restore(bucket: string, key: string, days: number): 'started' | 'in-progress' | 'extended' {
    const current = this.restoreOf(bucket, key);
    if (current && !current.ready) return 'in-progress';
    this.restores.set(`${bucket}/${key}`, { readyAt: current ? this.now() : this.now() + this.delayMs, days });
    return current ? 'extended' : 'started';
  }

  /** Where the object's restore stands (S3's x-amz-restore header), if one was asked for and has not expired. */
  restoreOf(bucket: string, key: string): { ready: boolean; header: string } | undefined {
    const restore = this.restores.get(`${bucket}/${key}`);
    if (!restore) return undefined;
    const now = this.now();
    if (now < restore.readyAt) return { ready: false, header: 'ongoing-request="true"' };
    const expiry = restore.readyAt + restore.days * 86_400_000;
    if (now >= expiry) {
      this.restores.delete(`${bucket}/${key}`);
      return undefined;
    }
    return { ready: true, header: `ongoing-request="false", expiry-date="${new Date(expiry).toUTCString()}"` };
  }
}

/** Runs the tasks of each key one after the other (and those of different keys side by side). */
export class KeyQueue {
  private readonly tails = new Map<string, Promise<void>>();

  async run(key: string, task: () => Promise<void>): Promise<void> {
    const before = this.tails.get(key) ?? Promise.resolve();
    const done = before.then(task);
    const tail = done.catch(() => undefined);
    this.tails.set(key, tail);
    try {
      await done;
    } finally {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }
}

type Resource = { bucket?: string; key?: string };

/** The bucket and key a path-style request addresses (decoded as s3rver decodes them), or why it cannot be served. */
function resourceOf(pathname: string): Resource | { invalid: string; code: string } {
  const [, rawBucket = '', ...rawKey] = pathname.split('/');
  let bucket: string;
  let key: string;
  try {
    bucket = decodeURIComponent(rawBucket);
    key = decodeURIComponent(rawKey.join('/'));
  } catch {
    return { invalid: 'The request path is not valid percent-encoding.', code: 'InvalidURI' };
  }
  if (bucket === '') return {};
  if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) return { invalid: 'The specified bucket is not valid.', code: 'InvalidBucketName' };
  if (key === '') return { bucket };
  // s3rver keeps an object at <directory>/<bucket>/<key> (the key decoded, `%2F` too): a `.` or `..`
  // segment would lead elsewhere.
  if (key.split('/').some((segment) => segment === '.' || segment === '..')) {
    return { invalid: 'Object keys with a "." or ".." segment are not supported by the embedded S3.', code: 'InvalidArgument' };
  }
  return { bucket, key };
}

interface Permission {
  action: string;
  bucket?: string;
  key?: string;
  /** Objects of the bucket not known before the body is read (DeleteObjects, a browser form upload). */
  anyKey?: boolean;
}

/** Query parameters that select no subresource: listing, reading and signing parameters. */
/** The first query parameter of a request that names a subresource (?cors, ?versions, ?restore…), if any: not a listing's, a part's or a response override. */
function subresourceOf(query: URLSearchParams): string | undefined {
  return [...query.keys()].find((k) => !PLAIN_PARAMETERS.has(k) && !/^(?:response-|x-amz-)/i.test(k));
}

/** A request id as S3 writes them (16 upper-case hex digits). */
const requestId = () => randomUUID().replace(/-/g, '').slice(0, 16).toUpperCase();

const PLAIN_PARAMETERS = new Set([
  'prefix',
  'delimiter',
  'marker',
  'max-keys',
  'list-type',
  'continuation-token',
  'start-after',
  'fetch-owner',
  'encoding-type',
  'key-marker',
  'version-id-marker',
  'upload-id-marker',
  'max-uploads',
  'max-parts',
  'part-number-marker',
  'partNumber',
  'versionId',
  'uploadId',
  'x-id',
]);

/** IAM's names where they are not the subresource's in PascalCase. */
const IAM_SPELLING: Record<string, string> = { Cors: 'CORS', Acl: 'Acl' };

/**
 * The IAM permissions a request needs, as S3 checks them (Amazon S3 actions and the operations that
 * need them). A request of a kind not listed needs a permission no grant names, so only `full` allows it.
 */
export function requiredPermissions(method: string, resource: Resource, query: URLSearchParams, headers: Record<string, string | undefined>): Permission[] {
  const { bucket, key } = resource;
  const sub = subresourceOf(query);
  const named = (prefix: string) => `s3:${prefix}${sub === undefined ? '' : pascal(sub)}`;
  if (bucket === undefined) return [{ action: method === 'GET' ? 's3:ListAllMyBuckets' : `s3:${method}Service` }];
  if (key === undefined) {
    const on = (action: string): Permission[] => [{ action, bucket }];
    if (method === 'GET') {
      if (sub === undefined) return on('s3:ListBucket');
      if (sub === 'versions') return on('s3:ListBucketVersions');
      if (sub === 'uploads') return on('s3:ListBucketMultipartUploads');
      if (sub === 'location') return on('s3:GetBucketLocation');
      return on(named('GetBucket'));
    }
    if (method === 'HEAD') return on('s3:ListBucket');
    if (method === 'PUT') return on(sub === undefined ? 's3:CreateBucket' : named('PutBucket'));
    if (method === 'DELETE') return on(sub === undefined ? 's3:DeleteBucket' : named('DeleteBucket'));
    if (method === 'POST') return [{ action: sub === 'delete' ? 's3:DeleteObject' : sub === undefined ? 's3:PutObject' : named('PostBucket'), bucket, anyKey: true }];
    return on(`s3:${method}Bucket`);
  }
  const on = (action: string): Permission[] => [{ action, bucket, key }];
  if (method === 'GET' || method === 'HEAD') {
    if (sub === undefined) return on(query.has('uploadId') ? 's3:ListMultipartUploadParts' : query.has('versionId') ? 's3:GetObjectVersion' : 's3:GetObject');
    if (sub === 'acl' && query.has('versionId')) return on('s3:GetObjectVersionAcl');
    return on(named('GetObject'));
  }
  if (method === 'PUT') {
    if (sub !== undefined) return on(named('PutObject'));
    const copySource = headers['x-amz-copy-source'] ?? query.get('x-amz-copy-source') ?? undefined;
    if (copySource === undefined) return on('s3:PutObject');
    const [sourceBucket = '', ...sourceKey] = decodeURIComponent(copySource.split('?')[0]!).replace(/^\//, '').split('/');
    return [...on('s3:PutObject'), { action: 's3:GetObject', bucket: sourceBucket, key: sourceKey.join('/') }];
  }
  if (method === 'POST') {
    if (sub === 'uploads' || (sub === undefined && query.has('uploadId'))) return on('s3:PutObject');
    if (sub === 'select') return on('s3:GetObject');
    if (sub === 'restore') return on('s3:RestoreObject');
    return on(named('PostObject'));
  }
  if (method === 'DELETE') {
    if (sub === undefined) return on(query.has('uploadId') ? 's3:AbortMultipartUpload' : query.has('versionId') ? 's3:DeleteObjectVersion' : 's3:DeleteObject');
    return on(named('DeleteObject'));
  }
  return on(`s3:${method}Object`);
}

function pascal(name: string): string {
  const word = name
    .split('-')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
  return IAM_SPELLING[word] ?? word;
}

function allows(identity: S3Identity, need: Permission): boolean {
  if (identity.access === 'full') return true;
  return identity.access.some((grant) => {
    if (grant.bucket !== need.bucket || !grant.actions.includes(need.action)) return false;
    if (grant.keyPrefix === undefined) return need.key === undefined && !need.anyKey;
    // anyKey: every key of the bucket, so only a grant on all of its objects covers it.
    return need.anyKey ? grant.keyPrefix === '' : need.key !== undefined && need.key.startsWith(grant.keyPrefix);
  });
}

/** S3's answer to a refused signature: its code and status for what the verifier found. */
function signatureRefusal(e: DomainError, presigned: boolean): [number, string, string] {
  switch (e.code) {
    case 'SIGNATURE_MISSING':
      return [403, 'AccessDenied', 'Access Denied'];
    case 'SIGNATURE_UNKNOWN_KEY':
      if (e.field === SESSION_TOKEN_FIELD) return [400, 'InvalidToken', 'The provided token is malformed or otherwise invalid.'];
      return [403, 'InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.'];
    case 'SIGNATURE_MISMATCH':
      return [403, 'SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.'];
    case 'SIGNATURE_EXPIRED':
      if (e.field === SESSION_TOKEN_FIELD) return [400, 'ExpiredToken', 'The provided token has expired.'];
      return presigned ? [403, 'AccessDenied', 'Request has expired'] : [403, 'RequestTimeTooSkewed', 'The difference between the request time and the current time is too large.'];
    default:
      return [400, presigned ? 'AuthorizationQueryParametersError' : 'AuthorizationHeaderMalformed', e.message];
  }
}

function s3Error(req: IncomingMessage, res: ServerResponse, status: number, code: string, message: string): void {
  const id = requestId();
  const body =
    req.method === 'HEAD'
      ? ''
      : `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${escapeMarkup(message)}</Message><RequestId>${id}</RequestId></Error>`;
  // A refused request's body is not read: the connection is not reused.
  if (!req.complete) res.shouldKeepAlive = false;
  res.writeHead(status, { 'content-type': 'application/xml', 'content-length': Buffer.byteLength(body), 'x-amz-request-id': id });
  res.end(body);
}

function lowerCaseHeaders(req: IncomingMessage): Record<string, string | undefined> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v === undefined) continue;
    out[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  }
  return out;
}

/** The request again, its body (already read and checked) to be read once more, by s3rver. */
function replay(req: IncomingMessage, body: Buffer): IncomingMessage {
  const again = new Message(req.socket);
  again.method = req.method!;
  again.url = req.url!;
  again.httpVersion = req.httpVersion;
  again.httpVersionMajor = req.httpVersionMajor;
  again.httpVersionMinor = req.httpVersionMinor;
  again.headers = { ...req.headers };
  again.rawHeaders = [...req.rawHeaders];
  again.push(body);
  again.push(null);
  again.complete = true;
  return again;
}
