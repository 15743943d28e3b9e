// The local KMS stand-in, driven by the unmodified AWS SDK v3 KMS client over real HTTP.
// Every signature is also checked by an independent implementation: node:crypto (OpenSSL) for
// ECDSA P-256, `sm-crypto` for SM2.
import { createHash, createPrivateKey, createPublicKey, sign as nodeSign, verify as nodeVerify } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import smCrypto from 'sm-crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AlreadyExistsException,
  CreateAliasCommand,
  CreateKeyCommand,
  DescribeKeyCommand,
  DisabledException,
  DisableKeyCommand,
  EnableKeyCommand,
  GetPublicKeyCommand,
  InvalidKeyUsageException,
  InvalidMarkerException,
  KMSClient,
  KMSInvalidSignatureException,
  KMSServiceException,
  ListAliasesCommand,
  ListKeysCommand,
  ListResourceTagsCommand,
  NotFoundException,
  SignCommand,
  UnsupportedOperationException,
  VerifyCommand,
  type KeyMetadata,
} from '@aws-sdk/client-kms';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { failure } from '../support/refusal.ts';
import { startLocalKms, type LocalKms } from '../../infra/local/kms-server.ts';

const credentials = { accessKeyId: 'AKIDLOCALTEST', secretAccessKey: 'local-secret' };
const REGION = 'us-west-2';

let dataDir: string;
let kms: LocalKms;
let client: KMSClient;

function clientFor(server: LocalKms, region = REGION): KMSClient {
  return new KMSClient({ endpoint: server.endpoint, region, credentials, maxAttempts: 1 });
}

async function createSigningKey(c: KMSClient, extra: { Description?: string; Tags?: { TagKey: string; TagValue: string }[] } = {}) {
  const out = await c.send(new CreateKeyCommand({ KeyUsage: 'SIGN_VERIFY', KeySpec: 'ECC_NIST_P256', ...extra }));
  return out.KeyMetadata as KeyMetadata & { KeyId: string; Arn: string };
}

async function publicKeyOf(c: KMSClient, keyId: string) {
  const out = await c.send(new GetPublicKeyCommand({ KeyId: keyId }));
  return { der: Buffer.from(out.PublicKey ?? new Uint8Array()), out };
}

async function rawPost(target: string | undefined, body: string | Buffer): Promise<{ status: number; json: unknown }> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-amz-json-1.1' };
  if (target) headers['X-Amz-Target'] = target;
  const res = await fetch(`${kms.endpoint}/`, { method: 'POST', headers, body });
  return { status: res.status, json: await res.json() };
}

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tongban-kms-'));
  kms = await startLocalKms({ dataDir, port: 0 });
  client = clientFor(kms);
});

afterAll(async () => {
  client?.destroy();
  await kms?.close();
  await rm(dataDir, { recursive: true, force: true });
});

describe('local KMS: keys and aliases', () => {
  it('creates an ECC_NIST_P256 signing key with the metadata KMS returns', async () => {
    const before = Date.now();
    const meta = await createSigningKey(client, { Description: 'seal of dept A', Tags: [{ TagKey: 'dept', TagValue: 'A' }] });
    expect(meta.KeyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(meta.Arn).toBe(`arn:aws:kms:${REGION}:000000000000:key/${meta.KeyId}`);
    expect(meta).toMatchObject({
      AWSAccountId: '000000000000',
      Enabled: true,
      KeyState: 'Enabled',
      KeyUsage: 'SIGN_VERIFY',
      KeySpec: 'ECC_NIST_P256',
      CustomerMasterKeySpec: 'ECC_NIST_P256',
      SigningAlgorithms: ['ECDSA_SHA_256'],
      KeyManager: 'CUSTOMER',
      Origin: 'AWS_KMS',
      MultiRegion: false,
      Description: 'seal of dept A',
    });
    // Epoch seconds on the wire, a Date after the SDK parsed it.
    expect(meta.CreationDate).toBeInstanceOf(Date);
    expect(meta.CreationDate!.getTime()).toBeGreaterThanOrEqual(before - 1000);
    expect(meta.CreationDate!.getTime()).toBeLessThanOrEqual(Date.now() + 1000);

    const tags = await client.send(new ListResourceTagsCommand({ KeyId: meta.KeyId }));
    expect(tags.Tags).toEqual([{ TagKey: 'dept', TagValue: 'A' }]);
  });

  it('resolves a key by id, key ARN, alias name and alias ARN, and lists aliases', async () => {
    const meta = await createSigningKey(client);
    const other = await createSigningKey(client);
    await client.send(new CreateAliasCommand({ AliasName: 'alias/seal-resolve', TargetKeyId: meta.KeyId }));
    await client.send(new CreateAliasCommand({ AliasName: 'alias/seal-other', TargetKeyId: other.Arn }));

    const aliasArn = `arn:aws:kms:${REGION}:000000000000:alias/seal-resolve`;
    for (const id of [meta.KeyId, meta.Arn, 'alias/seal-resolve', aliasArn]) {
      const out = await client.send(new DescribeKeyCommand({ KeyId: id }));
      expect(out.KeyMetadata?.KeyId).toBe(meta.KeyId);
    }

    const forKey = await client.send(new ListAliasesCommand({ KeyId: meta.KeyId }));
    expect(forKey.Aliases?.map((a) => [a.AliasName, a.AliasArn, a.TargetKeyId])).toEqual([['alias/seal-resolve', aliasArn, meta.KeyId]]);
    expect(forKey.Aliases?.[0]?.CreationDate).toBeInstanceOf(Date);
    const all = await client.send(new ListAliasesCommand({}));
    expect(all.Aliases?.map((a) => a.AliasName)).toEqual(expect.arrayContaining(['alias/seal-resolve', 'alias/seal-other']));

    const dup = await failure(client.send(new CreateAliasCommand({ AliasName: 'alias/seal-resolve', TargetKeyId: other.KeyId })));
    expect(dup).toBeInstanceOf(AlreadyExistsException);
    // The failed attempt did not move the alias.
    const still = await client.send(new DescribeKeyCommand({ KeyId: 'alias/seal-resolve' }));
    expect(still.KeyMetadata?.KeyId).toBe(meta.KeyId);

    const wrongRegionArn = `arn:aws:kms:eu-west-1:000000000000:key/${meta.KeyId}`;
    expect(await failure(client.send(new DescribeKeyCommand({ KeyId: wrongRegionArn })))).toBeInstanceOf(NotFoundException);
  });

  it('pages ListKeys with Limit and Marker and rejects a forged marker', async () => {
    for (let i = 0; i < 3; i++) await createSigningKey(client);
    const everything = await client.send(new ListKeysCommand({ Limit: 1000 }));
    expect(everything.Truncated).toBe(false);
    expect(everything.NextMarker).toBeUndefined();
    const expected = everything.Keys?.map((k) => k.KeyId) ?? [];
    expect(expected.length).toBeGreaterThanOrEqual(3);
    for (const k of everything.Keys ?? []) expect(k.KeyArn).toBe(`arn:aws:kms:${REGION}:000000000000:key/${k.KeyId}`);

    const seen: string[] = [];
    let marker: string | undefined;
    let pages = 0;
    do {
      const page = await client.send(new ListKeysCommand({ Limit: 2, Marker: marker }));
      pages++;
      expect(page.Keys?.length).toBeLessThanOrEqual(2);
      seen.push(...(page.Keys?.map((k) => k.KeyId ?? '') ?? []));
      expect(page.Truncated).toBe(page.NextMarker !== undefined);
      marker = page.NextMarker;
    } while (marker);
    expect(seen).toEqual(expected);
    expect(pages).toBe(Math.ceil(expected.length / 2));

    expect(await failure(client.send(new ListKeysCommand({ Marker: 'bm90LWEtbWFya2Vy' })))).toBeInstanceOf(InvalidMarkerException);
    const badLimit = (await failure(client.send(new ListKeysCommand({ Limit: 0 })))) as KMSServiceException;
    expect(badLimit.name).toBe('ValidationException');
  });
});

describe('local KMS: ECDSA P-256 signing', () => {
  let meta: KeyMetadata & { KeyId: string; Arn: string };
  let publicKeyDer: Buffer;

  beforeAll(async () => {
    meta = await createSigningKey(client);
    await client.send(new CreateAliasCommand({ AliasName: 'alias/dept-seal', TargetKeyId: meta.KeyId }));
    const { der, out } = await publicKeyOf(client, 'alias/dept-seal');
    publicKeyDer = der;
    expect(out).toMatchObject({
      KeyId: meta.Arn,
      KeySpec: 'ECC_NIST_P256',
      KeyUsage: 'SIGN_VERIFY',
      SigningAlgorithms: ['ECDSA_SHA_256'],
    });
  });

  it('publishes a DER SubjectPublicKeyInfo that node:crypto reads as a P-256 key', () => {
    const key = createPublicKey({ key: publicKeyDer, format: 'der', type: 'spki' });
    expect(key.asymmetricKeyType).toBe('ec');
    expect(key.asymmetricKeyDetails?.namedCurve).toBe('prime256v1');
  });

  it('signs RAW messages: DER signatures that KMS Verify and OpenSSL both accept', async () => {
    const message = Buffer.from('办件 2024-000123: 准予许可', 'utf8');
    const out = await client.send(new SignCommand({ KeyId: 'alias/dept-seal', Message: message, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }));
    expect(out.KeyId).toBe(meta.Arn);
    expect(out.SigningAlgorithm).toBe('ECDSA_SHA_256');
    const signature = Buffer.from(out.Signature ?? new Uint8Array());
    expect(signature[0]).toBe(0x30); // DER SEQUENCE, not raw r‖s

    const key = createPublicKey({ key: publicKeyDer, format: 'der', type: 'spki' });
    expect(nodeVerify('sha256', message, { key, dsaEncoding: 'der' }, signature)).toBe(true);
    expect(nodeVerify('sha256', Buffer.from('tampered'), { key, dsaEncoding: 'der' }, signature)).toBe(false);

    const verified = await client.send(new VerifyCommand({ KeyId: meta.KeyId, Message: message, Signature: signature, SigningAlgorithm: 'ECDSA_SHA_256' }));
    expect(verified).toMatchObject({ KeyId: meta.Arn, SignatureValid: true, SigningAlgorithm: 'ECDSA_SHA_256' });

    const tampered = await failure(
      client.send(new VerifyCommand({ KeyId: meta.KeyId, Message: Buffer.from('tampered'), Signature: signature, SigningAlgorithm: 'ECDSA_SHA_256' })),
    );
    expect(tampered).toBeInstanceOf(KMSInvalidSignatureException);
    expect((tampered as KMSServiceException).$metadata.httpStatusCode).toBe(400);

    // ECDSA needs a fresh nonce per signature: the same message never yields the same signature.
    const again = await client.send(new SignCommand({ KeyId: meta.KeyId, Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }));
    expect(Buffer.from(again.Signature ?? new Uint8Array()).equals(signature)).toBe(false);
  });

  it('signs a DIGEST as a prehash: the signature is over the message, not over its hash again', async () => {
    const document = Buffer.alloc(10_000, 'scanned page ');
    const digest = createHash('sha256').update(document).digest();
    const key = createPublicKey({ key: publicKeyDer, format: 'der', type: 'spki' });

    const signatures = new Set<string>();
    for (let i = 0; i < 5; i++) {
      const out = await client.send(new SignCommand({ KeyId: meta.Arn, Message: digest, MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' }));
      const signature = Buffer.from(out.Signature ?? new Uint8Array());
      signatures.add(signature.toString('hex'));
      expect(nodeVerify('sha256', document, { key, dsaEncoding: 'der' }, signature)).toBe(true);
      expect(nodeVerify('sha256', digest, { key, dsaEncoding: 'der' }, signature)).toBe(false);
      const byDigest = await client.send(new VerifyCommand({ KeyId: meta.KeyId, Message: digest, MessageType: 'DIGEST', Signature: signature, SigningAlgorithm: 'ECDSA_SHA_256' }));
      expect(byDigest.SignatureValid).toBe(true);
    }
    expect(signatures.size).toBe(5); // a fresh nonce every time

    // RAW over the digest bytes hashes once more, as KMS does.
    const raw = await client.send(new SignCommand({ KeyId: meta.KeyId, Message: digest, MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' }));
    const rawSig = Buffer.from(raw.Signature ?? new Uint8Array());
    expect(nodeVerify('sha256', digest, { key, dsaEncoding: 'der' }, rawSig)).toBe(true);
    expect(nodeVerify('sha256', document, { key, dsaEncoding: 'der' }, rawSig)).toBe(false);

    const shortDigest = (await failure(
      client.send(new SignCommand({ KeyId: meta.KeyId, Message: digest.subarray(0, 31), MessageType: 'DIGEST', SigningAlgorithm: 'ECDSA_SHA_256' })),
    )) as KMSServiceException;
    expect(shortDigest).toBeInstanceOf(KMSServiceException);
    expect(shortDigest.name).toBe('ValidationException');
  });

  it('verifies DIGEST signatures made by OpenSSL with the stored key, and rejects wrong ones', async () => {
    // The key file holds the private key as a JWK; sign with OpenSSL directly and ask KMS Verify.
    const stored = JSON.parse(await readFile(join(dataDir, 'keys', `${meta.KeyId}.json`), 'utf8')) as {
      privateKeyJwk: { kty: string; crv: string; d: string; x: string; y: string };
    };
    expect(stored.privateKeyJwk.crv).toBe('P-256');
    const privateKey = createPrivateKey({ key: stored.privateKeyJwk, format: 'jwk' });
    const message = Buffer.from('seal record 42');
    const digest = createHash('sha256').update(message).digest();
    const signature = nodeSign('sha256', message, { key: privateKey, dsaEncoding: 'der' });

    const ok = await client.send(new VerifyCommand({ KeyId: meta.KeyId, Message: digest, MessageType: 'DIGEST', Signature: signature, SigningAlgorithm: 'ECDSA_SHA_256' }));
    expect(ok.SignatureValid).toBe(true);

    const otherDigest = createHash('sha256').update('seal record 43').digest();
    const bad = await failure(
      client.send(new VerifyCommand({ KeyId: meta.KeyId, Message: otherDigest, MessageType: 'DIGEST', Signature: signature, SigningAlgorithm: 'ECDSA_SHA_256' })),
    );
    expect(bad).toBeInstanceOf(KMSInvalidSignatureException);

    const garbage = await failure(
      client.send(new VerifyCommand({ KeyId: meta.KeyId, Message: digest, MessageType: 'DIGEST', Signature: Buffer.from('not a signature'), SigningAlgorithm: 'ECDSA_SHA_256' })),
    );
    expect(garbage).toBeInstanceOf(KMSInvalidSignatureException);
  });
});

describe('local KMS: errors the SDK maps to its exception classes', () => {
  it('answers NotFoundException for unknown keys and aliases', async () => {
    for (const id of ['1234abcd-12ab-34cd-56ef-1234567890ab', 'alias/no-such-alias', 'not-a-key-id']) {
      const err = await failure(client.send(new DescribeKeyCommand({ KeyId: id })));
      expect(err).toBeInstanceOf(NotFoundException);
      expect((err as NotFoundException).$metadata.httpStatusCode).toBe(400);
    }
    const err = await failure(client.send(new SignCommand({ KeyId: 'alias/no-such-alias', Message: Buffer.from('x'), SigningAlgorithm: 'ECDSA_SHA_256' })));
    expect(err).toBeInstanceOf(NotFoundException);
  });

  it('answers ValidationException for a RAW message over 4096 bytes, and signs exactly 4096', async () => {
    const meta = await createSigningKey(client);
    const err = (await failure(
      client.send(new SignCommand({ KeyId: meta.KeyId, Message: Buffer.alloc(4097, 1), MessageType: 'RAW', SigningAlgorithm: 'ECDSA_SHA_256' })),
    )) as KMSServiceException;
    expect(err).toBeInstanceOf(KMSServiceException);
    expect(err.name).toBe('ValidationException');
    expect(err.message).toMatch(/length less than or equal to 4096/);
    expect(err.$metadata.httpStatusCode).toBe(400);

    const ok = await client.send(new SignCommand({ KeyId: meta.KeyId, Message: Buffer.alloc(4096, 1), SigningAlgorithm: 'ECDSA_SHA_256' }));
    expect(ok.Signature?.length).toBeGreaterThan(60);
  });

  it('answers InvalidKeyUsageException for an algorithm the key cannot do, ValidationException for no algorithm at all', async () => {
    const meta = await createSigningKey(client);
    const wrong = await failure(client.send(new SignCommand({ KeyId: meta.KeyId, Message: Buffer.from('x'), SigningAlgorithm: 'RSASSA_PSS_SHA_256' })));
    expect(wrong).toBeInstanceOf(InvalidKeyUsageException);
    const bogus = (await failure(client.send(new SignCommand({ KeyId: meta.KeyId, Message: Buffer.from('x'), SigningAlgorithm: 'ECDSA_SHA_1' as never })))) as KMSServiceException;
    expect(bogus.name).toBe('ValidationException');
    expect(bogus.message).toMatch(/enum value set/);
  });

  it('answers DisabledException while a key is disabled, and signs again once enabled', async () => {
    const meta = await createSigningKey(client);
    await client.send(new DisableKeyCommand({ KeyId: meta.KeyId }));
    const described = await client.send(new DescribeKeyCommand({ KeyId: meta.Arn }));
    expect(described.KeyMetadata).toMatchObject({ Enabled: false, KeyState: 'Disabled' });

    const err = await failure(client.send(new SignCommand({ KeyId: meta.KeyId, Message: Buffer.from('x'), SigningAlgorithm: 'ECDSA_SHA_256' })));
    expect(err).toBeInstanceOf(DisabledException);
    expect(await failure(client.send(new GetPublicKeyCommand({ KeyId: meta.KeyId })))).toBeInstanceOf(DisabledException);

    await client.send(new EnableKeyCommand({ KeyId: meta.KeyId }));
    const ok = await client.send(new SignCommand({ KeyId: meta.KeyId, Message: Buffer.from('x'), SigningAlgorithm: 'ECDSA_SHA_256' }));
    expect(ok.KeyId).toBe(meta.Arn);
  });

  it('refuses key specs it does not implement with UnsupportedOperationException, bad combinations with ValidationException', async () => {
    const rsa = await failure(client.send(new CreateKeyCommand({ KeyUsage: 'SIGN_VERIFY', KeySpec: 'RSA_2048' })));
    expect(rsa).toBeInstanceOf(UnsupportedOperationException);
    const symmetric = await failure(client.send(new CreateKeyCommand({})));
    expect(symmetric).toBeInstanceOf(UnsupportedOperationException);
    const mismatch = (await failure(client.send(new CreateKeyCommand({ KeyUsage: 'ENCRYPT_DECRYPT', KeySpec: 'ECC_NIST_P256' })))) as KMSServiceException;
    expect(mismatch.name).toBe('ValidationException');
  });

  it('speaks the wire format: __type bodies for unknown operations, bad JSON and oversized bodies', async () => {
    const unknown = await rawPost('TrentService.Decrypt', '{}');
    expect(unknown.status).toBe(400);
    expect(unknown.json).toMatchObject({ __type: 'UnknownOperationException' });

    const noTarget = await rawPost(undefined, '{}');
    expect(noTarget.json).toMatchObject({ __type: 'UnknownOperationException' });

    const malformed = await rawPost('TrentService.DescribeKey', '{"KeyId": ');
    expect(malformed.status).toBe(400);
    expect(malformed.json).toMatchObject({ __type: 'SerializationException' });

    const wrongType = await rawPost('TrentService.DescribeKey', '{"KeyId": 42}');
    expect(wrongType.json).toMatchObject({ __type: 'SerializationException' });

    const notFound = await rawPost('TrentService.DescribeKey', '{"KeyId":"alias/missing"}');
    expect(notFound).toEqual({
      status: 400,
      json: { __type: 'NotFoundException', message: 'Alias arn:aws:kms:us-east-1:000000000000:alias/missing is not found.' },
    });

    const huge = await rawPost('TrentService.Sign', Buffer.alloc(1024 * 1024 + 1, 0x20));
    expect(huge.status).toBe(413);
    expect(huge.json).toMatchObject({ __type: 'RequestEntityTooLargeException' });
    // The server is still there for the next caller.
    const after = await rawPost('TrentService.ListKeys', '{"Limit": 1}');
    expect(after.status).toBe(200);
  });
});

describe('local KMS: SM2 (SM2DSA, distinguishing ID 1234567812345678)', () => {
  const cnClient = (): KMSClient => clientFor(kms, 'cn-north-1');
  let c: KMSClient;
  let meta: KeyMetadata & { KeyId: string; Arn: string };
  let publicKeyHex: string;

  // SM2 curve parameters (GB/T 32918.5) for computing Z_A in the test itself.
  const SM2 = {
    a: 'fffffffeffffffffffffffffffffffffffffffff00000000fffffffffffffffc',
    b: '28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93',
    gx: '32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7',
    gy: 'bc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0',
  };
  const sm2Digest = (pubHex: string, message: Buffer): Buffer => {
    const za = createHash('sm3')
      .update(Buffer.from('0080', 'hex'))
      .update('1234567812345678')
      .update(Buffer.from(SM2.a + SM2.b + SM2.gx + SM2.gy + pubHex.slice(2), 'hex'))
      .digest();
    return createHash('sm3').update(za).update(message).digest();
  };

  beforeAll(async () => {
    c = cnClient();
    const out = await c.send(new CreateKeyCommand({ KeyUsage: 'SIGN_VERIFY', KeySpec: 'SM2' }));
    meta = out.KeyMetadata as typeof meta;
    const pub = await c.send(new GetPublicKeyCommand({ KeyId: meta.KeyId }));
    const der = Buffer.from(pub.PublicKey ?? new Uint8Array());
    // SubjectPublicKeyInfo { id-ecPublicKey, sm2p256v1 (1.2.156.10197.1.301) }, uncompressed point.
    // OpenSSL (via node:crypto) parses it; Node reports no curve details for SM2, so check the DER.
    const key = createPublicKey({ key: der, format: 'der', type: 'spki' });
    expect(key.export({ type: 'spki', format: 'der' }).equals(der)).toBe(true);
    expect(der.length).toBe(91);
    expect(der.subarray(0, 26).toString('hex')).toBe('3059301306072a8648ce3d020106082a811ccf5501822d034200');
    publicKeyHex = der.subarray(der.length - 65).toString('hex');
    expect(publicKeyHex.startsWith('04')).toBe(true);
  });

  afterAll(() => c.destroy());

  it('creates the key in the aws-cn partition with SM2DSA', () => {
    expect(meta.Arn).toBe(`arn:aws-cn:kms:cn-north-1:000000000000:key/${meta.KeyId}`);
    expect(meta).toMatchObject({ KeySpec: 'SM2', KeyUsage: 'SIGN_VERIFY', SigningAlgorithms: ['SM2DSA'] });
  });

  it('signs RAW messages that sm-crypto verifies with the default ID', async () => {
    const message = Buffer.from('电子证照 签发', 'utf8');
    const out = await c.send(new SignCommand({ KeyId: meta.KeyId, Message: message, SigningAlgorithm: 'SM2DSA' }));
    const sigHex = Buffer.from(out.Signature ?? new Uint8Array()).toString('hex');
    expect(smCrypto.sm2.doVerifySignature(message, sigHex, publicKeyHex, { der: true, hash: true })).toBe(true);
    expect(smCrypto.sm2.doVerifySignature(Buffer.from('电子证照 伪造'), sigHex, publicKeyHex, { der: true, hash: true })).toBe(false);
    const verified = await c.send(new VerifyCommand({ KeyId: meta.Arn, Message: message, Signature: Buffer.from(sigHex, 'hex'), SigningAlgorithm: 'SM2DSA' }));
    expect(verified.SignatureValid).toBe(true);
  });

  it('signs a DIGEST e = SM3(Z_A ‖ M) so that the signature verifies over M', async () => {
    const message = Buffer.from('archive tag manifest', 'utf8');
    const e = sm2Digest(publicKeyHex, message);
    const out = await c.send(new SignCommand({ KeyId: meta.KeyId, Message: e, MessageType: 'DIGEST', SigningAlgorithm: 'SM2DSA' }));
    const sig = Buffer.from(out.Signature ?? new Uint8Array());
    expect(smCrypto.sm2.doVerifySignature(message, sig.toString('hex'), publicKeyHex, { der: true, hash: true })).toBe(true);
    const again = await c.send(new SignCommand({ KeyId: meta.KeyId, Message: e, MessageType: 'DIGEST', SigningAlgorithm: 'SM2DSA' }));
    expect(Buffer.from(again.Signature ?? new Uint8Array()).equals(sig)).toBe(false); // fresh nonce
    const raw = await c.send(new VerifyCommand({ KeyId: meta.KeyId, Message: message, Signature: sig, SigningAlgorithm: 'SM2DSA' }));
    expect(raw.SignatureValid).toBe(true);
  });

  it('verifies signatures made by sm-crypto with the stored key, and rejects tampered ones', async () => {
    const stored = JSON.parse(await readFile(join(dataDir, 'keys', `${meta.KeyId}.json`), 'utf8')) as {
      privateKeyJwk: { crv: string; d: string };
    };
    expect(stored.privateKeyJwk.crv).toBe('SM2');
    const dHex = Buffer.from(stored.privateKeyJwk.d, 'base64url').toString('hex');
    const message = Buffer.from('joint handling opinion', 'utf8');
    const sig = Buffer.from(smCrypto.sm2.doSignature(message, dHex, { der: true, hash: true }), 'hex');
    const ok = await c.send(new VerifyCommand({ KeyId: meta.KeyId, Message: message, Signature: sig, SigningAlgorithm: 'SM2DSA' }));
    expect(ok.SignatureValid).toBe(true);
    const bad = await failure(c.send(new VerifyCommand({ KeyId: meta.KeyId, Message: Buffer.from('joint handling opinion!'), Signature: sig, SigningAlgorithm: 'SM2DSA' })));
    expect(bad).toBeInstanceOf(KMSInvalidSignatureException);
  });

  it('refuses ECDSA_SHA_256 on an SM2 key', async () => {
    const err = await failure(c.send(new SignCommand({ KeyId: meta.KeyId, Message: Buffer.from('x'), SigningAlgorithm: 'ECDSA_SHA_256' })));
    expect(err).toBeInstanceOf(InvalidKeyUsageException);
  });
});

describe('local KMS: persistence', () => {
  it('keeps keys, aliases and key state across a restart on the same data directory', async () => {
    const meta = await createSigningKey(client);
    await client.send(new CreateAliasCommand({ AliasName: 'alias/restart-seal', TargetKeyId: meta.KeyId }));
    const { der: oldPublicKey } = await publicKeyOf(client, meta.KeyId);
    const disabled = await createSigningKey(client);
    await client.send(new DisableKeyCommand({ KeyId: disabled.KeyId }));
    const keysBefore = (await client.send(new ListKeysCommand({ Limit: 1000 }))).Keys?.map((k) => k.KeyId);

    client.destroy();
    await kms.close();
    kms = await startLocalKms({ dataDir, port: 0 });
    client = clientFor(kms);
    expect(kms.endpoint).toBe(`http://127.0.0.1:${kms.port}`);

    const keysAfter = (await client.send(new ListKeysCommand({ Limit: 1000 }))).Keys?.map((k) => k.KeyId);
    expect(keysAfter).toEqual(keysBefore);
    const described = await client.send(new DescribeKeyCommand({ KeyId: disabled.KeyId }));
    expect(described.KeyMetadata?.KeyState).toBe('Disabled');

    const message = Buffer.from('signed after restart');
    const out = await client.send(new SignCommand({ KeyId: 'alias/restart-seal', Message: message, SigningAlgorithm: 'ECDSA_SHA_256' }));
    expect(out.KeyId).toBe(meta.Arn);
    const key = createPublicKey({ key: oldPublicKey, format: 'der', type: 'spki' });
    expect(nodeVerify('sha256', message, { key, dsaEncoding: 'der' }, Buffer.from(out.Signature ?? new Uint8Array()))).toBe(true);

    // Atomic writes leave no temp files behind.
    const files = [...(await readdir(join(dataDir, 'keys'))), ...(await readdir(join(dataDir, 'aliases')))];
    expect(files.filter((f) => !f.endsWith('.json'))).toEqual([]);
  });
});
