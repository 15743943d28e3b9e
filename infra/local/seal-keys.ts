// The embedded platform's seal keys — one asymmetric key per department, and the archive key — in the local KMS signer
// (ECC_NIST_P256, or SM2 with TONGBAN_SEAL_KEY_SPEC=SM2), found again by its alias on every start, and
// the directory's seal registry filled in for any department without an active seal.
import { CreateAliasCommand, CreateKeyCommand, DescribeKeyCommand, NotFoundException } from '@aws-sdk/client-kms';
import type { KMSClient } from '@aws-sdk/client-kms';
import type { DynamoDirectory } from '../../shared/adapters/dynamo-directory.ts';
import type { SealKey } from '../../shared/contracts/directory.ts';

export type LocalSealKeySpec = 'ECC_NIST_P256' | 'SM2';

/** The alias of a department's seal key in the local signer. */
export function localSealAlias(departmentId: string, seal: string): string {
  return `alias/tongban-local-seal-${departmentId.toLowerCase()}-${seal}`;
}

/** Gives every department of the directory an active seal; answers how many keys it registered. */
export async function ensureSealKeys(kms: KMSClient, directory: DynamoDirectory, keySpec: LocalSealKeySpec): Promise<number> {
  const current = await directory.load();
  const seals = [...(current.seals ?? [])];
  let added = 0;
  for (const department of current.departments) {
    if (seals.some((k) => k.department === department.id && k.retiredAt === undefined)) continue;
    const seal = `seal-${seals.filter((k) => k.department === department.id).length + 1}`;
    const alias = localSealAlias(department.id, seal);
    const keyId = (await existingKey(kms, alias)) ?? (await newKey(kms, alias, keySpec, `${department.name} 电子印章 ${seal}`));
    const described = await kms.send(new DescribeKeyCommand({ KeyId: keyId }));
    const spec = described.KeyMetadata?.KeySpec;
    const entry: SealKey = {
      department: department.id,
      seal,
      keyId: described.KeyMetadata!.Arn!,
      alg: spec === 'SM2' ? 'SM2-SM3' : 'ES256',
    };
    seals.push(entry);
    added++;
  }
  if (added > 0) await directory.save({ ...current, seals });
  return added;
}

async function existingKey(kms: KMSClient, alias: string): Promise<string | undefined> {
  try {
    return (await kms.send(new DescribeKeyCommand({ KeyId: alias }))).KeyMetadata?.Arn;
  } catch (e) {
    if (e instanceof NotFoundException) return undefined;
    throw e;
  }
}

async function newKey(kms: KMSClient, alias: string, keySpec: LocalSealKeySpec, description: string): Promise<string> {
  const created = await kms.send(new CreateKeyCommand({ KeySpec: keySpec, KeyUsage: 'SIGN_VERIFY', Description: description }));
  const keyId = created.KeyMetadata!.Arn!;
  await kms.send(new CreateAliasCommand({ AliasName: alias, TargetKeyId: keyId }));
  return keyId;
}

/** The platform's archive key (it seals archive bundles), found by its alias or made; the directory names it. */
export async function ensureArchiveKey(kms: KMSClient, directory: DynamoDirectory, keySpec: LocalSealKeySpec): Promise<void> {
  const current = await directory.load();
  if (current.archiveKey) return;
  const alias = 'alias/tongban-local-archive-seal';
  const keyId = (await existingKey(kms, alias)) ?? (await newKey(kms, alias, keySpec, 'Tongban 电子档案封装印章 archive seal'));
  const spec = (await kms.send(new DescribeKeyCommand({ KeyId: keyId }))).KeyMetadata?.KeySpec;
  await directory.save({ ...current, archiveKey: { keyId, alg: spec === 'SM2' ? 'SM2-SM3' : 'ES256' } });
}
