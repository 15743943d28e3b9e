// Local stand-in for AWS KMS asymmetric signing keys, speaking the real KMS wire protocol
// (AWS JSON 1.1: `POST /`, `X-Amz-Target: TrentService.<Operation>`, base64 blobs, errors as
// `{"__type": "...", "message": "..."}`), so the unmodified `@aws-sdk/client-kms` works against it
// with nothing but an `endpoint` override (or `AWS_ENDPOINT_URL_KMS`).
//
// What it is:
// - Keys: `ECC_NIST_P256` (`ECDSA_SHA_256`) and `SM2` (`SM2DSA`, distinguishing ID
//   `1234567812345678` as KMS uses), both `SIGN_VERIFY`. Signatures are DER `ECDSA-Sig-Value`
//   (SEQUENCE { r INTEGER, s INTEGER }), public keys DER SubjectPublicKeyInfo, exactly as KMS.
// - Operations: CreateKey, DescribeKey, ListKeys, CreateAlias, ListAliases, ListResourceTags,
//   GetPublicKey, Sign, Verify, EnableKey, DisableKey. Anything else is `UnknownOperationException`.
// - Keys persist under `dataDir` (`keys/<key-id>.json` with the private key as JWK,
//   `aliases/<hex of alias name>.json`), each file written atomically (temp file, fsync, rename),
//   so a restarted process keeps every key.
//
// What it is not (by design; see the "Local stand-ins" table in the architecture doc):
// - No authentication: SigV4 `Authorization` headers are accepted and NOT verified. Only the
//   region is read from the credential scope (it goes into ARNs). Key policies, grants and grant
//   tokens are accepted and ignored. Bind it to loopback only.
// - No key custody: private keys sit in plain JSON files (mode 0600) under `dataDir`.
// - One namespace: a key created "in" one region is visible from every region (its ARN keeps the
//   region it was created in). SM2 is offered in every region, not only the China regions.
// - One process per `dataDir`: two servers on the same directory would not see each other's writes.
// - The curve arithmetic is the libraries': P-256 DIGEST signing and verification by @noble/curves
//   (constant-time scalar multiplication), P-256 RAW by node:crypto (OpenSSL), SM2 (GB/T 32918.2,
//   distinguishing ID 1234567812345678) by sm-crypto-v2, which is built on @noble/curves. node:crypto
//   alone cannot sign a precomputed digest with an EC key (it hashes it again) nor sign SM2 with an ID.
//   The integration test cross-checks every path against independent implementations (node:crypto /
//   OpenSSL for P-256, `sm-crypto` for SM2).
import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  randomBytes,
  randomUUID,
  sign as nodeSign,
  verify as nodeVerify,
  type JsonWebKey,
  type KeyObject,
} from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm } from 'node:fs/promises';
import type { IncomingMessage } from 'node:http';
import { join } from 'node:path';
import { KeySpec as SdkKeySpec, KeyUsageType, MessageType, SigningAlgorithmSpec } from '@aws-sdk/client-kms';
import { p256 } from '@noble/curves/p256';
import { sm2 } from 'sm-crypto-v2';
import * as z from 'zod';
import { AwsJsonError, serveAwsJson } from './aws-json-server.ts';

export interface LocalKmsOptions {
  /** Directory that holds the key store; created if missing. */
  dataDir: string;
  /** TCP port; 0 or omitted picks a free one. */
  port?: number;
  /** Interface to bind; defaults to 127.0.0.1. */
  host?: string;
}

export interface LocalKms {
  /** `http://host:port`, ready for `new KMSClient({ endpoint })` or `AWS_ENDPOINT_URL_KMS`. */
  endpoint: string;
  port: number;
  /** Stops accepting requests, drops open connections and waits for pending writes. */
  close(): Promise<void>;
}

export const LOCAL_KMS_ACCOUNT_ID = '000000000000';
const DEFAULT_REGION = 'us-east-1';
const MAX_RAW_MESSAGE_BYTES = 4096;
const MAX_SIGNATURE_BYTES = 6144;
const FORMAT_VERSION = 1;

// ---------------------------------------------------------------------------------------------
// Errors in the KMS shape
// ---------------------------------------------------------------------------------------------

/** An error answered in the KMS error shape (aws-json-server.ts). */
class KmsError extends AwsJsonError {}

const notFound = (message: string): KmsError => new KmsError('NotFoundException', message);
const validation = (message: string): KmsError => new KmsError('ValidationException', message);
const serialization = (message: string): KmsError => new KmsError('SerializationException', message);

/** The message AWS front ends produce for a violated constraint on one member. */
function constraint(value: unknown, member: string, rule: string): KmsError {
  const shown = value === undefined || value === null ? 'null' : `'${typeof value === 'string' ? value : JSON.stringify(value)}'`;
  return validation(`1 validation error detected: Value ${shown} at '${member}' failed to satisfy constraint: ${rule}`);
}

// ---------------------------------------------------------------------------------------------
// Elliptic curves: keys, and signing and verification by the libraries
// ---------------------------------------------------------------------------------------------

type CurveName = 'P-256' | 'SM2';

interface Curve {
  name: CurveName;
  /** The group order. */
  n: bigint;
}

const CURVES: Record<CurveName, Curve> = {
  'P-256': { name: 'P-256', n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n },
  // GB/T 32918.5-2017 recommended curve (sm2p256v1).
  SM2: { name: 'SM2', n: 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n },
};

/** DER prefix of an SPKI for an SM2 public key: id-ecPublicKey with curve 1.2.156.10197.1.301. */
const SM2_SPKI_PREFIX = Buffer.from('3059301306072a8648ce3d020106082a811ccf5501822d034200', 'hex');

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(`0x${Buffer.from(bytes).toString('hex')}`);
}

function toBytes32(v: bigint): Buffer {
  return Buffer.from(v.toString(16).padStart(64, '0'), 'hex');
}

/** Strict DER decoding of SEQUENCE { INTEGER r, INTEGER s }; undefined when malformed. */
function decodeSignature(sig: Buffer): { r: bigint; s: bigint } | undefined {
  let pos = 0;
  const readLength = (): number | undefined => {
    const first = sig[pos++];
    if (first === undefined) return undefined;
    if (first < 0x80) return first;
    const count = first & 0x7f;
    if (count === 0 || count > 2) return undefined;
    let len = 0;
    for (let i = 0; i < count; i++) {
      const b = sig[pos++];
      if (b === undefined || (i === 0 && b === 0)) return undefined;
      len = (len << 8) | b;
    }
    return len < 0x80 ? undefined : len; // long form only when needed
  };
  const readInteger = (): bigint | undefined => {
    if (sig[pos++] !== 0x02) return undefined;
    const len = readLength();
    if (len === undefined || len === 0 || pos + len > sig.length) return undefined;
    const body = sig.subarray(pos, pos + len);
    pos += len;
    const b0 = body[0] ?? 0;
    const b1 = body[1];
    if (b0 & 0x80) return undefined; // negative
    if (b0 === 0 && b1 !== undefined && (b1 & 0x80) === 0) return undefined; // non-minimal padding
    return toBigInt(body);
  };
  if (sig[pos++] !== 0x30) return undefined;
  const seqLen = readLength();
  if (seqLen === undefined || pos + seqLen !== sig.length) return undefined;
  const r = readInteger();
  const s = readInteger();
  if (r === undefined || s === undefined || pos !== sig.length) return undefined;
  return { r, s };
}

const hex32 = (v: bigint): string => toBytes32(v).toString('hex');

/** The public point of private scalar `d` (by the curve's library). */
function publicPoint(c: Curve, d: bigint): { x: bigint; y: bigint } {
  const uncompressed = c.name === 'P-256' ? Buffer.from(p256.getPublicKey(toBytes32(d), false)) : Buffer.from(sm2.getPublicKeyFromPrivateKey(hex32(d)), 'hex');
  return { x: toBigInt(uncompressed.subarray(1, 33)), y: toBigInt(uncompressed.subarray(33, 65)) };
}

function isOnCurve(c: Curve, x: bigint, y: bigint): boolean {
  try {
    if (c.name === 'P-256') p256.ProjectivePoint.fromAffine({ x, y }).assertValidity();
    else if (!sm2.verifyPublicKey(`04${hex32(x)}${hex32(y)}`)) return false;
    return true;
  } catch {
    return false;
  }
}

// --- ECDSA over a precomputed digest (FIPS 186-5 §6.4), by @noble/curves ----------------------

function ecdsaSignDigest(d: bigint, digest: Buffer): Buffer {
  // The digest is the message hash already; KMS does not normalise s (no low-S), and its nonce is
  // fresh each time (hedged: RFC 6979 with fresh randomness).
  return Buffer.from(p256.sign(digest, toBytes32(d), { lowS: false, extraEntropy: true }).toDERRawBytes());
}

function ecdsaVerifyDigest(qx: bigint, qy: bigint, digest: Buffer, sig: Buffer): boolean {
  if (!decodeSignature(sig)) return false;
  try {
    return p256.verify(sig, digest, Buffer.concat([Buffer.from([4]), toBytes32(qx), toBytes32(qy)]), { lowS: false });
  } catch {
    return false;
  }
}

// --- SM2 (GB/T 32918.2-2016), by sm-crypto-v2 --------------------------------------------------
// RAW: the library computes e = SM3(Z_A ‖ M) with the default distinguishing ID 1234567812345678;
// DIGEST: the message is e itself.

function sm2Sign(d: bigint, qx: bigint, qy: bigint, message: Buffer, raw: boolean): Buffer {
  return Buffer.from(sm2.doSignature(message, hex32(d), { der: true, hash: raw, publicKey: `04${hex32(qx)}${hex32(qy)}` }), 'hex');
}

function sm2Verify(qx: bigint, qy: bigint, message: Buffer, sig: Buffer, raw: boolean): boolean {
  if (!decodeSignature(sig)) return false;
  try {
    return sm2.doVerifySignature(message, sig.toString('hex'), `04${hex32(qx)}${hex32(qy)}`, { der: true, hash: raw });
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------------
// Key specs this stand-in implements
// ---------------------------------------------------------------------------------------------

type SupportedKeySpec = 'ECC_NIST_P256' | 'SM2';
type SupportedAlgorithm = 'ECDSA_SHA_256' | 'SM2DSA';

const SPEC_INFO: Record<SupportedKeySpec, { curve: CurveName; algorithm: SupportedAlgorithm; digestBytes: number }> = {
  ECC_NIST_P256: { curve: 'P-256', algorithm: 'ECDSA_SHA_256', digestBytes: 32 },
  SM2: { curve: 'SM2', algorithm: 'SM2DSA', digestBytes: 32 },
};

/** Key usages real KMS allows per key spec (for telling ValidationException from "not here"). */
function usagesFor(spec: string): string[] {
  if (spec === 'SYMMETRIC_DEFAULT') return ['ENCRYPT_DECRYPT'];
  if (spec.startsWith('RSA_')) return ['ENCRYPT_DECRYPT', 'SIGN_VERIFY'];
  if (spec.startsWith('HMAC_')) return ['GENERATE_VERIFY_MAC'];
  if (spec === 'SM2') return ['ENCRYPT_DECRYPT', 'SIGN_VERIFY', 'KEY_AGREEMENT'];
  if (spec.startsWith('ML_DSA_') || spec === 'ECC_NIST_EDWARDS25519') return ['SIGN_VERIFY'];
  if (spec.startsWith('ML_KEM_')) return ['ENCAPSULATE_DECAPSULATE'];
  if (spec.startsWith('ECC_')) return ['SIGN_VERIFY', 'KEY_AGREEMENT'];
  return [];
}

// ---------------------------------------------------------------------------------------------
// Persistent store
// ---------------------------------------------------------------------------------------------

const jwkSchema = z.object({
  kty: z.literal('EC'),
  crv: z.enum(['P-256', 'SM2']),
  x: z.string(),
  y: z.string(),
  d: z.string(),
});

const tagSchema = z.object({ TagKey: z.string(), TagValue: z.string() });
type Tag = z.infer<typeof tagSchema>;

const keyFileSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  keyId: z.uuid(),
  arn: z.string(),
  awsAccountId: z.string(),
  creationDate: z.number(),
  enabled: z.boolean(),
  description: z.string(),
  keyUsage: z.literal('SIGN_VERIFY'),
  keySpec: z.enum(['ECC_NIST_P256', 'SM2']),
  origin: z.literal('AWS_KMS'),
  tags: z.array(tagSchema),
  privateKeyJwk: jwkSchema,
});
type KeyFile = z.infer<typeof keyFileSchema>;

const aliasFileSchema = z.object({
  formatVersion: z.literal(FORMAT_VERSION),
  aliasName: z.string(),
  aliasArn: z.string(),
  targetKeyId: z.uuid(),
  creationDate: z.number(),
  lastUpdatedDate: z.number(),
});
type AliasFile = z.infer<typeof aliasFileSchema>;

interface KeyEntry {
  file: KeyFile;
  curve: Curve;
  d: bigint;
  qx: bigint;
  qy: bigint;
  spki: Buffer;
  /** node:crypto key objects, for the P-256 RAW path (OpenSSL does the hashing and signing). */
  nodePrivate: KeyObject | undefined;
  nodePublic: KeyObject | undefined;
}

const b64url = (v: bigint): string => toBytes32(v).toString('base64url');
const fromB64url = (s: string): bigint => toBigInt(Buffer.from(s, 'base64url'));

function keyEntryFromFile(file: KeyFile): KeyEntry {
  const spec = SPEC_INFO[file.keySpec];
  const curve = CURVES[spec.curve];
  if (file.privateKeyJwk.crv !== curve.name) throw new Error(`key ${file.keyId}: JWK curve does not match ${file.keySpec}`);
  const d = fromB64url(file.privateKeyJwk.d);
  const maxD = curve.name === 'SM2' ? curve.n - 2n : curve.n - 1n;
  if (d < 1n || d > maxD) throw new Error(`key ${file.keyId}: private scalar out of range`);
  const { x: qx, y: qy } = publicPoint(curve, d);
  if (b64url(qx) !== file.privateKeyJwk.x || b64url(qy) !== file.privateKeyJwk.y || !isOnCurve(curve, qx, qy)) {
    throw new Error(`key ${file.keyId}: public key does not match the private key`);
  }
  let nodePrivate: KeyObject | undefined;
  let nodePublic: KeyObject | undefined;
  let spki: Buffer;
  if (curve.name === 'P-256') {
    nodePrivate = createPrivateKey({ key: file.privateKeyJwk as JsonWebKey, format: 'jwk' });
    nodePublic = createPublicKey(nodePrivate);
    spki = nodePublic.export({ type: 'spki', format: 'der' });
  } else {
    spki = Buffer.concat([SM2_SPKI_PREFIX, Buffer.from([0x04]), toBytes32(qx), toBytes32(qy)]);
  }
  return { file, curve, d, qx, qy, spki, nodePrivate, nodePublic };
}

function generateJwk(spec: SupportedKeySpec): KeyFile['privateKeyJwk'] {
  if (spec === 'ECC_NIST_P256') {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    return jwkSchema.parse(privateKey.export({ format: 'jwk' }));
  }
  // SM2: d in [1, n-2] (1 + d must be invertible mod n), drawn by the library from the OS CSPRNG.
  const c = CURVES.SM2;
  let d = 0n;
  while (d < 1n || d > c.n - 2n) d = BigInt(`0x${sm2.generateKeyPairHex().privateKey}`);
  const { x, y } = publicPoint(c, d);
  return { kty: 'EC', crv: 'SM2', x: b64url(x), y: b64url(y), d: b64url(d) };
}

class KeyStore {
  readonly keys = new Map<string, KeyEntry>();
  /** Key ids in creation order (the ListKeys order). */
  readonly keyOrder: string[] = [];
  readonly aliases = new Map<string, AliasFile>();
  private readonly writes = new Map<string, Promise<void>>();

  constructor(private readonly dataDir: string) {}

  private get keysDir(): string {
    return join(this.dataDir, 'keys');
  }

  private get aliasesDir(): string {
    return join(this.dataDir, 'aliases');
  }

  keyPath(keyId: string): string {
    return join(this.keysDir, `${keyId}.json`);
  }

  aliasPath(aliasName: string): string {
    return join(this.aliasesDir, `${Buffer.from(aliasName, 'utf8').toString('hex')}.json`);
  }

  async load(): Promise<void> {
    await mkdir(this.keysDir, { recursive: true, mode: 0o700 });
    await mkdir(this.aliasesDir, { recursive: true, mode: 0o700 });
    const loaded: KeyEntry[] = [];
    for (const name of await readdir(this.keysDir)) {
      if (name.endsWith('.tmp')) {
        await rm(join(this.keysDir, name), { force: true }); // left by a crash before rename
        continue;
      }
      if (!name.endsWith('.json')) continue;
      const path = join(this.keysDir, name);
      const file = parseStored(keyFileSchema, path, await readFile(path, 'utf8'));
      if (`${file.keyId}.json` !== name) throw new Error(`${path}: key id does not match the file name`);
      loaded.push(keyEntryFromFile(file));
    }
    loaded.sort((a, b) => a.file.creationDate - b.file.creationDate || a.file.keyId.localeCompare(b.file.keyId));
    for (const entry of loaded) {
      this.keys.set(entry.file.keyId, entry);
      this.keyOrder.push(entry.file.keyId);
    }
    for (const name of await readdir(this.aliasesDir)) {
      if (name.endsWith('.tmp')) {
        await rm(join(this.aliasesDir, name), { force: true });
        continue;
      }
      if (!name.endsWith('.json')) continue;
      const path = join(this.aliasesDir, name);
      const alias = parseStored(aliasFileSchema, path, await readFile(path, 'utf8'));
      if (this.aliasPath(alias.aliasName) !== path) throw new Error(`${path}: alias name does not match the file name`);
      if (!this.keys.has(alias.targetKeyId)) throw new Error(`${path}: alias points at missing key ${alias.targetKeyId}`);
      this.aliases.set(alias.aliasName, alias);
    }
  }

  /**
   * Writes `snapshot()` to `path` atomically. Writes to one path run one after another, and each
   * takes its snapshot when it starts, so the last write always carries the newest state.
   */
  persist(path: string, snapshot: () => unknown): Promise<void> {
    const previous = this.writes.get(path) ?? Promise.resolve();
    const next = previous.catch(() => undefined).then(() => writeFileAtomic(path, `${JSON.stringify(snapshot(), null, 2)}\n`));
    this.writes.set(path, next);
    void next
      .finally(() => {
        if (this.writes.get(path) === next) this.writes.delete(path);
      })
      .catch(() => undefined);
    return next;
  }

  async flush(): Promise<void> {
    await Promise.allSettled([...this.writes.values()]);
  }
}

/** Parses a stored record; a damaged store stops the start-up rather than losing a key silently. */
function parseStored<T>(schema: z.ZodType<T>, path: string, text: string): T {
  const result = schema.safeParse(JSON.parse(text));
  if (!result.success) throw new Error(`${path}: not a valid local KMS record: ${result.error.message}`);
  return result.data;
}

async function writeFileAtomic(path: string, data: string): Promise<void> {
  const tmp = `${path}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.writeFile(data, 'utf8');
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

// ---------------------------------------------------------------------------------------------
// Request parsing
// ---------------------------------------------------------------------------------------------

type Json = Record<string, unknown>;

interface Ctx {
  region: string;
  partition: string;
}

function memberName(field: string): string {
  return field.charAt(0).toLowerCase() + field.slice(1);
}

function optString(input: Json, field: string, min = 0, max = Number.MAX_SAFE_INTEGER): string | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw serialization(`STRING_VALUE can not be converted to ${field}: expected a string`);
  if (v.length < min) throw constraint(v, memberName(field), `Member must have length greater than or equal to ${min}`);
  if (v.length > max) throw constraint(v, memberName(field), `Member must have length less than or equal to ${max}`);
  return v;
}

function reqString(input: Json, field: string, min = 1, max = Number.MAX_SAFE_INTEGER): string {
  const v = optString(input, field, min, max);
  if (v === undefined) throw constraint(undefined, memberName(field), 'Member must not be null');
  return v;
}

function optEnum<T extends string>(input: Json, field: string, values: readonly T[]): T | undefined {
  const v = optString(input, field);
  if (v === undefined) return undefined;
  if (!(values as readonly string[]).includes(v)) {
    throw constraint(v, memberName(field), `Member must satisfy enum value set: [${values.join(', ')}]`);
  }
  return v as T;
}

function reqEnum<T extends string>(input: Json, field: string, values: readonly T[]): T {
  const v = optEnum(input, field, values);
  if (v === undefined) throw constraint(undefined, memberName(field), 'Member must not be null');
  return v;
}

function optBoolean(input: Json, field: string): boolean | undefined {
  const v = input[field];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'boolean') throw serialization(`Value for ${field} must be a boolean`);
  return v;
}

function optLimit(input: Json, max: number): number | undefined {
  const v = input['Limit'];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) throw serialization('Value for Limit must be an integer');
  if (v < 1) throw constraint(v, 'limit', 'Member must have value greater than or equal to 1');
  if (v > max) throw constraint(v, 'limit', `Member must have value less than or equal to ${max}`);
  return v;
}

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

function reqBlob(input: Json, field: string, max: number): Buffer {
  const v = input[field];
  if (v === undefined || v === null) throw constraint(undefined, memberName(field), 'Member must not be null');
  if (typeof v !== 'string' || !BASE64.test(v)) throw serialization(`Value for ${field} is not valid base64`);
  const bytes = Buffer.from(v, 'base64');
  const shown = `java.nio.HeapByteBuffer[pos=0 lim=${bytes.length} cap=${bytes.length}]`;
  if (bytes.length < 1) throw constraint(shown, memberName(field), 'Member must have length greater than or equal to 1');
  if (bytes.length > max) {
    throw constraint(shown, memberName(field), `Member must have length less than or equal to ${max}`);
  }
  return bytes;
}

function regionFromAuthorization(header: string | undefined): string {
  const m = header?.match(/Credential=[^/,\s]+\/\d{8}\/([a-z0-9-]+)\/kms\/aws4_request/);
  return m?.[1] ?? DEFAULT_REGION;
}

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

// ---------------------------------------------------------------------------------------------
// Operations
// ---------------------------------------------------------------------------------------------

const ALL_KEY_SPECS = Object.values(SdkKeySpec);
const ALL_KEY_USAGES = Object.values(KeyUsageType);
const ALL_ALGORITHMS = Object.values(SigningAlgorithmSpec);
const ALL_MESSAGE_TYPES = Object.values(MessageType);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ARN = /^arn:([a-z-]+):kms:([a-z0-9-]+):(\d{12}):(key|alias)\/(.+)$/;

type Handler = (input: Json, ctx: Ctx) => Promise<Json | undefined>;

function createHandlers(store: KeyStore): Record<string, Handler> {
  const nowSeconds = (): number => Date.now() / 1000;

  /** Resolves a KeyId parameter: key id, key ARN, and (where KMS allows it) alias name or ARN. */
  function resolveKey(keyIdParam: string, ctx: Ctx, allowAlias: boolean): KeyEntry {
    const arn = ARN.exec(keyIdParam);
    if (arn) {
      if (arn[4] === 'key') {
        const entry = store.keys.get(arn[5] ?? '');
        if (!entry || entry.file.arn !== keyIdParam) throw notFound(`Key '${keyIdParam}' does not exist`);
        return entry;
      }
      if (allowAlias) {
        const alias = store.aliases.get(`alias/${arn[5] ?? ''}`);
        if (!alias || alias.aliasArn !== keyIdParam) throw notFound(`Alias ${keyIdParam} is not found.`);
        return store.keys.get(alias.targetKeyId) as KeyEntry;
      }
    } else if (keyIdParam.startsWith('alias/')) {
      if (allowAlias) {
        const alias = store.aliases.get(keyIdParam);
        if (!alias) {
          throw notFound(`Alias arn:${ctx.partition}:kms:${ctx.region}:${LOCAL_KMS_ACCOUNT_ID}:${keyIdParam} is not found.`);
        }
        return store.keys.get(alias.targetKeyId) as KeyEntry;
      }
    } else if (UUID.test(keyIdParam)) {
      const entry = store.keys.get(keyIdParam);
      if (!entry) {
        throw notFound(`Key 'arn:${ctx.partition}:kms:${ctx.region}:${LOCAL_KMS_ACCOUNT_ID}:key/${keyIdParam}' does not exist`);
      }
      return entry;
    }
    throw notFound(`Invalid keyId '${keyIdParam}'`);
  }

  function requireEnabled(entry: KeyEntry): void {
    if (!entry.file.enabled) throw new KmsError('DisabledException', `${entry.file.arn} is disabled.`);
  }

  function keyMetadata(entry: KeyEntry): Json {
    const f = entry.file;
    return {
      AWSAccountId: f.awsAccountId,
      KeyId: f.keyId,
      Arn: f.arn,
      CreationDate: f.creationDate,
      Enabled: f.enabled,
      Description: f.description,
      KeyUsage: f.keyUsage,
      KeyState: f.enabled ? 'Enabled' : 'Disabled',
      Origin: f.origin,
      KeyManager: 'CUSTOMER',
      CustomerMasterKeySpec: f.keySpec,
      KeySpec: f.keySpec,
      SigningAlgorithms: [SPEC_INFO[f.keySpec].algorithm],
      MultiRegion: false,
    };
  }

  async function persistKey(entry: KeyEntry): Promise<void> {
    try {
      await store.persist(store.keyPath(entry.file.keyId), () => entry.file);
    } catch (err) {
      throw new KmsError('KMSInternalException', `Could not persist key: ${(err as Error).message}`, 500);
    }
  }

  function parseTags(input: Json): Tag[] {
    const raw = input['Tags'];
    if (raw === undefined || raw === null) return [];
    if (!Array.isArray(raw)) throw serialization('Value for Tags must be a list');
    const tags: Tag[] = [];
    const seen = new Set<string>();
    for (const item of raw as unknown[]) {
      if (typeof item !== 'object' || item === null || Array.isArray(item)) {
        throw serialization('Each Tags entry must be a structure');
      }
      const tag = item as Json;
      const TagKey = reqString(tag, 'TagKey', 1, 128);
      const TagValue = optString(tag, 'TagValue', 0, 256);
      if (TagValue === undefined) throw constraint(undefined, 'tagValue', 'Member must not be null');
      if (seen.has(TagKey)) throw new KmsError('TagException', `Duplicate tag key ${TagKey}`);
      if (TagKey.startsWith('aws:')) throw new KmsError('TagException', 'Tag keys beginning with aws: are reserved');
      seen.add(TagKey);
      tags.push({ TagKey, TagValue });
    }
    if (tags.length > 50) throw new KmsError('TagException', 'A key can have at most 50 tags');
    return tags;
  }

  /** Decodes an opaque pagination marker written by `encodeMarker`. */
  function decodeMarker(input: Json): string | undefined {
    const marker = optString(input, 'Marker', 1, 1024);
    if (marker === undefined) return undefined;
    const decoded = Buffer.from(marker, 'base64url').toString('utf8');
    if (!decoded.startsWith('after:')) throw new KmsError('InvalidMarkerException', 'Invalid marker');
    return decoded.slice('after:'.length);
  }

  const encodeMarker = (after: string): string => Buffer.from(`after:${after}`, 'utf8').toString('base64url');

  function page<T>(items: T[], startAfter: number, limit: number, markerOf: (item: T) => string) {
    const slice = items.slice(startAfter, startAfter + limit);
    const truncated = startAfter + limit < items.length;
    const last = slice[slice.length - 1];
    return { slice, truncated, nextMarker: truncated && last !== undefined ? encodeMarker(markerOf(last)) : undefined };
  }

  /** Shared by Sign and Verify: field validation first (as the AWS front end does), then the key. */
  function checkSigningRequest(input: Json, ctx: Ctx, withSignature: boolean) {
    const keyIdParam = reqString(input, 'KeyId', 1, 2048);
    const messageType = optEnum(input, 'MessageType', ALL_MESSAGE_TYPES) ?? 'RAW';
    const message = reqBlob(input, 'Message', MAX_RAW_MESSAGE_BYTES);
    const signature = withSignature ? reqBlob(input, 'Signature', MAX_SIGNATURE_BYTES) : Buffer.alloc(0);
    const algorithm = reqEnum(input, 'SigningAlgorithm', ALL_ALGORITHMS);
    const dryRun = optBoolean(input, 'DryRun') ?? false;
    const entry = resolveKey(keyIdParam, ctx, true);
    requireEnabled(entry);
    const spec = SPEC_INFO[entry.file.keySpec];
    if (algorithm !== spec.algorithm) {
      throw new KmsError('InvalidKeyUsageException', `Algorithm ${algorithm} is incompatible with key spec ${entry.file.keySpec}.`);
    }
    if (messageType === 'EXTERNAL_MU') {
      throw validation(`MessageType EXTERNAL_MU is valid only with ML_DSA_SHAKE_256, not ${algorithm}.`);
    }
    if (messageType === 'DIGEST' && message.length !== spec.digestBytes) {
      throw validation(`Digest is invalid length for algorithm ${algorithm}.`);
    }
    return { entry, messageType, message, signature, algorithm, dryRun };
  }

  function dryRunOk(): KmsError {
    return new KmsError('DryRunOperationException', 'The request would have succeeded, but the DryRun option is set.');
  }

  return {
    async CreateKey(input, ctx) {
      optString(input, 'Policy', 1, 32768);
      const description = optString(input, 'Description', 0, 8192) ?? '';
      const keyUsage = optEnum(input, 'KeyUsage', ALL_KEY_USAGES) ?? 'ENCRYPT_DECRYPT';
      const keySpecParam = optEnum(input, 'KeySpec', ALL_KEY_SPECS);
      const cmkSpecParam = optEnum(input, 'CustomerMasterKeySpec', ALL_KEY_SPECS);
      if (keySpecParam !== undefined && cmkSpecParam !== undefined) {
        throw validation('You cannot specify KeySpec and CustomerMasterKeySpec in the same request. CustomerMasterKeySpec is deprecated.');
      }
      const keySpec = keySpecParam ?? cmkSpecParam ?? 'SYMMETRIC_DEFAULT';
      const origin = optEnum(input, 'Origin', ['AWS_KMS', 'EXTERNAL', 'AWS_CLOUDHSM', 'EXTERNAL_KEY_STORE']) ?? 'AWS_KMS';
      const multiRegion = optBoolean(input, 'MultiRegion') ?? false;
      optBoolean(input, 'BypassPolicyLockoutSafetyCheck');
      const tags = parseTags(input);
      if (!usagesFor(keySpec).includes(keyUsage)) {
        throw validation(`KeyUsage ${keyUsage} is not compatible with KeySpec ${keySpec}`);
      }
      if (origin !== 'AWS_KMS' || optString(input, 'CustomKeyStoreId') !== undefined || optString(input, 'XksKeyId') !== undefined) {
        throw new KmsError('UnsupportedOperationException', 'The local KMS creates only keys with Origin AWS_KMS, outside custom key stores.');
      }
      if (multiRegion) throw new KmsError('UnsupportedOperationException', 'The local KMS does not create multi-Region keys.');
      if (keyUsage !== 'SIGN_VERIFY' || (keySpec !== 'ECC_NIST_P256' && keySpec !== 'SM2')) {
        throw new KmsError('UnsupportedOperationException', `The local KMS supports only KeyUsage SIGN_VERIFY with KeySpec ECC_NIST_P256 or SM2, not ${keyUsage} with ${keySpec}.`);
      }
      const keyId = randomUUID();
      const file: KeyFile = {
        formatVersion: FORMAT_VERSION,
        keyId,
        arn: `arn:${ctx.partition}:kms:${ctx.region}:${LOCAL_KMS_ACCOUNT_ID}:key/${keyId}`,
        awsAccountId: LOCAL_KMS_ACCOUNT_ID,
        creationDate: nowSeconds(),
        enabled: true,
        description,
        keyUsage: 'SIGN_VERIFY',
        keySpec,
        origin: 'AWS_KMS',
        tags,
        privateKeyJwk: generateJwk(keySpec),
      };
      const entry = keyEntryFromFile(file);
      await persistKey(entry); // only a persisted key becomes visible
      store.keys.set(keyId, entry);
      store.keyOrder.push(keyId);
      return { KeyMetadata: keyMetadata(entry) };
    },

    async DescribeKey(input, ctx) {
      const entry = resolveKey(reqString(input, 'KeyId', 1, 2048), ctx, true);
      return { KeyMetadata: keyMetadata(entry) };
    },

    async ListKeys(input) {
      const limit = optLimit(input, 1000) ?? 100;
      const after = decodeMarker(input);
      let start = 0;
      if (after !== undefined) {
        const i = store.keyOrder.indexOf(after);
        if (i < 0) throw new KmsError('InvalidMarkerException', 'Invalid marker');
        start = i + 1;
      }
      const { slice, truncated, nextMarker } = page(store.keyOrder, start, limit, (id) => id);
      return {
        Keys: slice.map((id) => ({ KeyId: id, KeyArn: store.keys.get(id)?.file.arn })),
        Truncated: truncated,
        ...(nextMarker ? { NextMarker: nextMarker } : {}),
      };
    },

    async CreateAlias(input, ctx) {
      const aliasName = reqString(input, 'AliasName', 1, 256);
      const targetKeyId = reqString(input, 'TargetKeyId', 1, 2048);
      if (!/^[a-zA-Z0-9:/_-]+$/.test(aliasName)) {
        throw constraint(aliasName, 'aliasName', 'Member must satisfy regular expression pattern: ^[a-zA-Z0-9:/_-]+$');
      }
      if (!aliasName.startsWith('alias/') || aliasName.length === 'alias/'.length) {
        throw new KmsError(
          'InvalidAliasNameException',
          `Alias must start with the prefix "alias/". Please see https://docs.aws.amazon.com/kms/latest/developerguide/kms-alias.html`,
        );
      }
      if (aliasName.startsWith('alias/aws/')) {
        throw new KmsError('NotAuthorizedException', "Cannot create alias with prefix 'alias/aws/'");
      }
      const entry = resolveKey(targetKeyId, ctx, false);
      const aliasArn = `arn:${ctx.partition}:kms:${ctx.region}:${LOCAL_KMS_ACCOUNT_ID}:${aliasName}`;
      if (store.aliases.has(aliasName)) throw new KmsError('AlreadyExistsException', `An alias with the name ${aliasArn} already exists`);
      const now = Math.floor(nowSeconds());
      const alias: AliasFile = {
        formatVersion: FORMAT_VERSION,
        aliasName,
        aliasArn,
        targetKeyId: entry.file.keyId,
        creationDate: now,
        lastUpdatedDate: now,
      };
      store.aliases.set(aliasName, alias); // reserve the name before the first await
      try {
        await store.persist(store.aliasPath(aliasName), () => alias);
      } catch (err) {
        store.aliases.delete(aliasName);
        throw new KmsError('KMSInternalException', `Could not persist alias: ${(err as Error).message}`, 500);
      }
      return undefined;
    },

    async ListAliases(input, ctx) {
      const keyIdParam = optString(input, 'KeyId', 1, 2048);
      const limit = optLimit(input, 100) ?? 50;
      const after = decodeMarker(input);
      const target = keyIdParam === undefined ? undefined : resolveKey(keyIdParam, ctx, false).file.keyId;
      const all = [...store.aliases.values()]
        .filter((a) => target === undefined || a.targetKeyId === target)
        .sort((a, b) => (a.aliasName < b.aliasName ? -1 : a.aliasName > b.aliasName ? 1 : 0));
      const start = after === undefined ? 0 : all.filter((a) => a.aliasName <= after).length;
      const { slice, truncated, nextMarker } = page(all, start, limit, (a) => a.aliasName);
      return {
        Aliases: slice.map((a) => ({
          AliasName: a.aliasName,
          AliasArn: a.aliasArn,
          TargetKeyId: a.targetKeyId,
          CreationDate: a.creationDate,
          LastUpdatedDate: a.lastUpdatedDate,
        })),
        Truncated: truncated,
        ...(nextMarker ? { NextMarker: nextMarker } : {}),
      };
    },

    async ListResourceTags(input, ctx) {
      const entry = resolveKey(reqString(input, 'KeyId', 1, 2048), ctx, false);
      const limit = optLimit(input, 50) ?? 50;
      const after = decodeMarker(input);
      const tags = entry.file.tags;
      const start = after === undefined ? 0 : tags.findIndex((t) => t.TagKey === after) + 1;
      if (after !== undefined && start === 0) throw new KmsError('InvalidMarkerException', 'Invalid marker');
      const { slice, truncated, nextMarker } = page(tags, start, limit, (t) => t.TagKey);
      return { Tags: slice, Truncated: truncated, ...(nextMarker ? { NextMarker: nextMarker } : {}) };
    },

    async GetPublicKey(input, ctx) {
      const entry = resolveKey(reqString(input, 'KeyId', 1, 2048), ctx, true);
      requireEnabled(entry);
      return {
        KeyId: entry.file.arn,
        PublicKey: entry.spki.toString('base64'),
        CustomerMasterKeySpec: entry.file.keySpec,
        KeySpec: entry.file.keySpec,
        KeyUsage: entry.file.keyUsage,
        SigningAlgorithms: [SPEC_INFO[entry.file.keySpec].algorithm],
      };
    },

    async Sign(input, ctx) {
      const { entry, messageType, message, algorithm, dryRun } = checkSigningRequest(input, ctx, false);
      if (dryRun) throw dryRunOk();
      let signature: Buffer;
      if (entry.curve.name === 'P-256') {
        signature = messageType === 'RAW' ? nodeSign('sha256', message, { key: entry.nodePrivate as KeyObject, dsaEncoding: 'der' }) : ecdsaSignDigest(entry.d, message);
      } else {
        signature = sm2Sign(entry.d, entry.qx, entry.qy, message, messageType === 'RAW');
      }
      return { KeyId: entry.file.arn, Signature: signature.toString('base64'), SigningAlgorithm: algorithm };
    },

    async Verify(input, ctx) {
      const { entry, messageType, message, signature, algorithm, dryRun } = checkSigningRequest(input, ctx, true);
      if (dryRun) throw dryRunOk();
      let valid: boolean;
      if (entry.curve.name === 'P-256') {
        valid =
          messageType === 'RAW'
            ? nodeVerify('sha256', message, { key: entry.nodePublic as KeyObject, dsaEncoding: 'der' }, signature) && decodeSignature(signature) !== undefined // OpenSSL is lenient about some BER forms; KMS is not
            : ecdsaVerifyDigest(entry.qx, entry.qy, message, signature);
      } else {
        valid = sm2Verify(entry.qx, entry.qy, message, signature, messageType === 'RAW');
      }
      if (!valid) throw new KmsError('KMSInvalidSignatureException', 'The signature is not valid for the message and key.');
      return { KeyId: entry.file.arn, SignatureValid: true, SigningAlgorithm: algorithm };
    },

    async EnableKey(input, ctx) {
      const entry = resolveKey(reqString(input, 'KeyId', 1, 2048), ctx, false);
      entry.file.enabled = true;
      await persistKey(entry);
      return undefined;
    },

    async DisableKey(input, ctx) {
      const entry = resolveKey(reqString(input, 'KeyId', 1, 2048), ctx, false);
      entry.file.enabled = false;
      await persistKey(entry);
      return undefined;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// HTTP
// ---------------------------------------------------------------------------------------------

export async function startLocalKms(opts: LocalKmsOptions): Promise<LocalKms> {
  const host = opts.host ?? '127.0.0.1';
  const store = new KeyStore(opts.dataDir);
  await store.load();
  const handlers = createHandlers(store);

  // Each operation gets the region of the request's credential scope (it goes into ARNs).
  const server = await serveAwsJson({
    host,
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    contentType: 'application/x-amz-json-1.1',
    targetPrefix: 'TrentService.',
    operations: Object.fromEntries(
      Object.entries(handlers).map(([name, handler]) => [
        name,
        (input: Json, req: IncomingMessage) => {
          const region = regionFromAuthorization(req.headers.authorization);
          return handler(input, { region, partition: partitionOf(region) });
        },
      ]),
    ),
    internalErrorType: 'KMSInternalException',
  });

  return {
    endpoint: server.endpoint,
    port: server.port,
    async close() {
      await server.close();
      await store.flush();
    },
  };
}
