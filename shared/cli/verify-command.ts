// `tongban verify <document> <seal> --jwks <file>`: checks a seal offline — no network, no credentials:
// the document as issued (its bytes), the seal (`{"protected", "signature"}`) and the published keys.
// Exit 0 when the seal is valid, 1 when it is not (with the reason), 2 on a usage error.
import { readFile } from 'node:fs/promises';
import type { Jwks } from '../domain/seals/jwks.ts';
import { verifySealWithJwks } from '../domain/seals/jwks.ts';
import type { Seal } from '../domain/seals/seal.ts';
import { UsageError } from './api-client.ts';
import { readJsonFile } from './args.ts';

const REASON_ZH: Record<string, string> = {
  malformed: '印章格式错误',
  'unknown-key': '未知的印章密钥',
  'digest-mismatch': '文件与印章不符（文件被改动，或印章属于另一文件）',
  'bad-signature': '签名验证失败',
  'department-mismatch': '印章所称部门与密钥所属部门不符',
  'retired-key': '印章密钥停用后所盖',
};

export async function verifyCommand(documentPath: string | undefined, sealPath: string | undefined, jwksPath: string | undefined, json: boolean): Promise<number> {
  if (!documentPath || !sealPath) throw new UsageError('verify needs <document> <seal> (files)');
  if (!jwksPath) throw new UsageError('verify needs --jwks <file>: the published seal keys (GET /v1/.well-known/jwks.json)');
  let document: Buffer;
  try {
    document = await readFile(documentPath);
  } catch (e) {
    throw new UsageError(`cannot read the document from ${documentPath}: ${(e as Error).message}`);
  }
  const seal = (await readJsonFile(sealPath, 'the seal')) as Partial<Seal>;
  if (typeof seal?.protected !== 'string' || typeof seal.signature !== 'string') throw new UsageError(`${sealPath} is not a seal: it needs "protected" and "signature"`);
  const jwks = (await readJsonFile(jwksPath, 'the published keys')) as Partial<Jwks>;
  if (!Array.isArray(jwks?.keys)) throw new UsageError(`${jwksPath} is not a JWKS: it needs "keys"`);

  const check = verifySealWithJwks(document, { protected: seal.protected, signature: seal.signature }, jwks as Jwks);
  if (json) console.log(JSON.stringify(check, null, 2));
  else if (check.valid) {
    const h = check.header;
    console.log(`印章有效 / seal valid: department ${h['tongban:department']}, seal ${h['tongban:seal']}, key ${h.kid}, sealed at ${h['tongban:sealedAt']}`);
    console.log(`文件摘要 / document SHA-256: ${h['tongban:digest']}`);
  } else {
    console.log(`印章无效 / seal invalid: ${REASON_ZH[check.reason] ?? check.reason} (${check.reason}): ${check.detail}`);
  }
  return check.valid ? 0 : 1;
}
