// What only AWS KMS shows, with aws-sdk-client-mock: which key and algorithm a seal asks for, RAW for
// a small signing input and DIGEST (its 32-byte SHA-256) for a large one, one Sign call per sealed
// document, and a key KMS denies failing the seal rather than producing one.
import { DisabledException, KMSClient, KMSServiceException, SignCommand } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { KmsSealSigner } from '../../shared/adapters/kms-seal-signer.ts';
import { canonicalBytes } from '../../shared/domain/seals/jcs.ts';
import { sealDocument, signingInput, verifySeal } from '../../shared/domain/seals/seal.ts';

const KEY_ARN = 'arn:aws-cn:kms:cn-north-1:111122223333:key/5f0c1e4a-0000-4000-8000-000000000001';
const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const spki = publicKey.export({ type: 'spki', format: 'der' });
const kms = mockClient(KMSClient);
afterEach(() => kms.reset());

/**
 * Answers Sign with a DER ECDSA_SHA_256 signature, as KMS does: over the message for RAW (node cannot
 * sign a given digest, so for DIGEST the signature is only well-formed: these tests look at the call).
 */
function signLikeKms(): void {
  kms
    .on(SignCommand)
    .callsFake((input: { Message: Uint8Array }) => ({ Signature: sign('sha256', Buffer.from(input.Message), privateKey), KeyId: KEY_ARN, SigningAlgorithm: 'ECDSA_SHA_256' }));
}
const request = { keyId: KEY_ARN, department: '11530100015283015U', seal: 'seal-1', sealedAt: '2026-11-30T02:00:00.000Z' };

describe('sealing through KMS', () => {
  it('signs a small signing input as it is: RAW, ECDSA_SHA_256, the department key, once', async () => {
    signLikeKms();
    const document = canonicalBytes({ caseNo: 'A1', outcome: 'approved' });
    const s = await sealDocument(document, request, new KmsSealSigner(new KMSClient({ region: 'cn-north-1' })));
    const calls = kms.commandCalls(SignCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toMatchObject({ KeyId: KEY_ARN, SigningAlgorithm: 'ECDSA_SHA_256', MessageType: 'RAW' });
    expect(Buffer.from(calls[0]!.args[0].input.Message!).equals(signingInput(s.protected, document))).toBe(true);
    expect(verifySeal(document, s, (kid) => (kid === KEY_ARN ? { alg: 'ES256', spki } : undefined))).toMatchObject({ valid: true });
  });

  it('signs a large signing input as its SHA-256: DIGEST, 32 bytes, and says so in the header', async () => {
    signLikeKms();
    const document = canonicalBytes({ caseNo: 'A2', scans: 'x'.repeat(5000) });
    const s = await sealDocument(document, request, new KmsSealSigner(new KMSClient({ region: 'cn-north-1' })));
    const calls = kms.commandCalls(SignCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toMatchObject({ KeyId: KEY_ARN, SigningAlgorithm: 'ECDSA_SHA_256', MessageType: 'DIGEST' });
    const digest = createHash('sha256').update(signingInput(s.protected, document)).digest();
    expect(Buffer.from(calls[0]!.args[0].input.Message!).equals(digest)).toBe(true);
    expect(JSON.parse(Buffer.from(s.protected, 'base64url').toString('utf8'))).toMatchObject({ 'tongban:signed': 'digest' });
  });

  it('fails the seal when KMS denies the key (IAM) or the key is disabled (a retired seal), and makes no seal', async () => {
    const document = canonicalBytes({ caseNo: 'A3' });
    const denied = new KMSServiceException({
      name: 'AccessDeniedException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
      message: 'User is not authorized to perform: kms:Sign',
    });
    kms
      .on(SignCommand)
      .rejectsOnce(denied)
      .rejectsOnce(new DisabledException({ message: 'key is disabled', $metadata: {} }));
    const signer = new KmsSealSigner(new KMSClient({ region: 'cn-north-1' }));
    await expect(sealDocument(document, request, signer)).rejects.toMatchObject({ name: 'AccessDeniedException' });
    await expect(sealDocument(document, request, signer)).rejects.toBeInstanceOf(DisabledException);
    expect(kms.commandCalls(SignCommand)).toHaveLength(2);
  });
});
