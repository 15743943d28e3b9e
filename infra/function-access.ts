// What the functions may do, read across the manifests (functions/<name>/manifest.ts): one table per
// kind of grant, by function, as reviewers and the infrastructure tests read them. The manifests are
// the source; these are views of them. Also the KMS actions each kind of grant brings with it.
import type { ArchiveGrant, EventsTableAction, FunctionManifest, JointAction, MaterialsAction, MaterialsArea, SealKeyAction, TableGrants } from '../functions/manifest.ts';
import type { LambdaName } from '../functions/manifests.ts';
import { FUNCTION_MANIFESTS, LAMBDA_NAMES, MANIFESTS } from '../functions/manifests.ts';
import type { FunctionName } from '../shared/contracts/routes.ts';
import { DEFAULT_MAX_UPLOAD_BYTES } from '../shared/domain/materials/upload-policy.ts';

const byFunction = <T>(pick: (m: FunctionManifest) => T): Record<LambdaName, T> =>
  Object.fromEntries(LAMBDA_NAMES.map((name) => [name, pick(FUNCTION_MANIFESTS[name])])) as Record<LambdaName, T>;

/** The functions API Gateway invokes (for the routes whose `function` is theirs), in MANIFESTS order. */
export const FUNCTION_NAMES: readonly FunctionName[] = LAMBDA_NAMES.filter((n) => MANIFESTS[n].trigger.kind === 'api') as FunctionName[];
/** The functions no route reaches: scheduled, run by the state machine, invoked by other functions. */
export const SCHEDULED_FUNCTION_NAMES: readonly Exclude<LambdaName, FunctionName>[] = LAMBDA_NAMES.filter((n) => MANIFESTS[n].trigger.kind !== 'api') as Exclude<
  LambdaName,
  FunctionName
>[];

export const TABLE_ACCESS: Record<LambdaName, TableGrants> = byFunction((m) => m.tables ?? {});
export const MATERIALS_ACCESS: Record<LambdaName, Partial<Record<MaterialsArea, readonly MaterialsAction[]>>> = byFunction((m) =>
  Object.fromEntries(Object.entries(m.materials?.areas ?? {}).map(([area, grant]) => [area, grant.actions])),
);
/** The functions whose s3:ListBucket on the materials bucket is unconditioned (they tell a missing object from a refused one by the 404). */
export const MATERIALS_LIST_ANY: readonly LambdaName[] = LAMBDA_NAMES.filter((n) => FUNCTION_MANIFESTS[n].materials?.listAnywhere === true);
export const JOINT_ACCESS: Record<LambdaName, readonly JointAction[]> = byFunction((m) => m.joint ?? []);
export const SEAL_KEY_ACCESS: Record<LambdaName, readonly SealKeyAction[]> = byFunction((m) => m.sealKeys ?? []);
export const ARCHIVE_SEAL_KEY_ACCESS: Record<LambdaName, readonly SealKeyAction[]> = byFunction((m) => m.archiveSealKey ?? []);
/** The archive function's grants in the e-archive (its manifest's `archive`, without the acknowledgement). */
export const ARCHIVE_WRITER_ACCESS: { bucket: ArchiveGrant['bucket']; bundles: readonly string[]; key: ArchiveGrant['key'] } = {
  bucket: MANIFESTS.archive.archive.bucket,
  bundles: MANIFESTS.archive.archive.areas.bundles.actions,
  key: MANIFESTS.archive.archive.key,
};
/** The anchoring function's grants in the e-archive: the anchor journals (its manifest's `archive`, without the acknowledgement). */
export const ANCHOR_WRITER_ACCESS: { bucket: ArchiveGrant['bucket']; anchors: readonly string[]; key: ArchiveGrant['key'] } = {
  bucket: MANIFESTS.anchoring.archive.bucket,
  anchors: MANIFESTS.anchoring.archive.areas.anchors.actions,
  key: MANIFESTS.anchoring.archive.key,
};

export const SEALING_INVOKERS: readonly string[] = MANIFESTS.sealing.trigger.invokers;
export const ARCHIVE_INVOKERS: readonly string[] = MANIFESTS.archive.trigger.invokers;

/** What each public route reads and returns (the manifests' publicRoutes): the reason it needs no authorisation. */
export const PUBLIC_ROUTE_DATA: Readonly<Record<string, string>> = Object.assign({}, ...LAMBDA_NAMES.map((n) => FUNCTION_MANIFESTS[n].publicRoutes ?? {})) as Record<
  string,
  string
>;

/** The largest material a channel may upload, in bytes (the environment of a function that presigns uploads). */
export const MATERIALS_MAX_BYTES = DEFAULT_MAX_UPLOAD_BYTES;

/**
 * What DynamoDB needs from a caller's identity to use the tables' customer-managed key: reading
 * decrypts, writing also encrypts and generates data keys. The exact actions of CDK's
 * `grantReadWriteData` key grant, spelled out instead of as `kms:ReEncrypt*`/`kms:GenerateDataKey*`
 * and without the key-pair generation those wildcards also cover.
 */
export const KEY_READ_ACTIONS = ['kms:Decrypt', 'kms:DescribeKey'];
export const KEY_WRITE_ACTIONS = ['kms:Encrypt', 'kms:GenerateDataKey', 'kms:GenerateDataKeyWithoutPlaintext', 'kms:ReEncryptFrom', 'kms:ReEncryptTo'];
/** The table actions a manifest may grant that write (TableAction: no function updates an item; only the events table's items are deleted). */
export const TABLE_WRITE_ACTIONS: ReadonlySet<EventsTableAction> = new Set<EventsTableAction>(['dynamodb:PutItem', 'dynamodb:DeleteItem']);
/**
 * What S3 needs from the requester's identity for objects encrypted with the bucket's customer-managed
 * key (SSE-KMS): writing an object (a single-request PUT, or the target of a copy) takes
 * kms:GenerateDataKey, S3 asking KMS for the object's, or the bucket key's, data key on the
 * requester's behalf; reading one (GetObject, HeadObject, the source of a copy) takes kms:Decrypt.
 * Not kms:Encrypt: S3 never calls it for SSE-KMS. A bucket key changes how often S3 calls KMS, not
 * what the requester must be allowed.
 */
export const KEY_OBJECT_WRITE_ACTIONS = ['kms:GenerateDataKey'];
export const KEY_OBJECT_READ_ACTIONS = ['kms:Decrypt'];
/**
 * What Step Functions needs from the identity that starts an execution or answers a task of a state
 * machine encrypted with a customer-managed key: it encrypts the input or output with a data key it
 * generates (kms:GenerateDataKey) and reads the execution's data (kms:Decrypt).
 */
export const KEY_STATE_MACHINE_ACTIONS = ['kms:GenerateDataKey', 'kms:Decrypt'];
