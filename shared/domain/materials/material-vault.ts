// Port: where application materials are kept. A channel uploads a file under its own prefix
// (`uploads/<channelId>/<id>`; a department — the attachments of a co-department's opinion — under its
// credit code, which no channel id can be: channel ids start with a lower-case letter); a case that names it takes it into its own keeping
// (`cases/<caseNo>/<id>`), from where nothing expires it. The key of the kept copy is a function of
// the upload's key and the case number, and back, so a filing that stopped half-way can be finished
// from the case's record alone. Those who may read the case read a kept file through a short-lived
// link to the store (`readLink`), never through the platform: files run to tens of megabytes.
import type { CaseMaterial } from '../cases/case-record.ts';
import { DomainError, forbidden, invalid } from '../errors.ts';
import type { UploadRequest } from './upload-policy.ts';
import { checkUploadRequest } from './upload-policy.ts';

export const UPLOADS_PREFIX = 'uploads/';
export const CASES_PREFIX = 'cases/';

/** A short-lived link that reads one kept file straight from the store (the platform passes no bytes). */
export interface ReadLink {
  method: 'GET';
  url: string;
  expiresAt: string;
}

export interface MaterialVault {
  /**
   * Succeeds only if the upload exists and is the announced file, of the format its type says and not
   * encrypted; otherwise a MATERIAL_* refusal (UNREADABLE, ENCRYPTED: material-inspection.ts) naming `field`.
   */
  verify(objectKey: string, expected: UploadRequest, field: string): Promise<void>;
  /** Copies an upload into a case's keeping. Idempotent: a copy already in place is left as it is. */
  keep(uploadKey: string, caseKey: string): Promise<void>;
  /**
   * A link reading the file a case keeps under `caseKey` for a few minutes, answered as `contentType`
   * (whatever the stored object says) and to be shown inline as `filename`. Whoever holds it reads the
   * file: the caller decides who may have one.
   */
  readLink(caseKey: string, file: { contentType: string; filename: string }): Promise<ReadLink>;
}

type Upload = Extract<CaseMaterial, { kind: 'upload' }>;

const UPLOAD_ID = /^[0-9A-Za-z-]{1,64}$/;

/** `uploads/<channelId>/<id>` → `cases/<caseNo>/<id>`. */
export function caseMaterialKey(caseNo: string, uploadKey: string): string {
  return `${CASES_PREFIX}${caseNo}/${uploadKey.slice(uploadKey.lastIndexOf('/') + 1)}`;
}

/** `cases/<caseNo>/<id>` → `uploads/<channelId>/<id>`, the upload a kept material was copied from. */
export function uploadKeyOf(caseKey: string, caseNo: string, channelId: string): string {
  const prefix = `${CASES_PREFIX}${caseNo}/`;
  if (!caseKey.startsWith(prefix)) throw new Error(`material ${caseKey} is not kept by case ${caseNo}`);
  return `${UPLOADS_PREFIX}${channelId}/${caseKey.slice(prefix.length)}`;
}

/**
 * A material a channel names in a filing or a supplement: one of its own uploads (a key it was given
 * by an upload slot), of an accepted type and size. Whether the file is there and is that file is
 * the vault's `verify`.
 */
export function checkUploadedMaterial(material: Upload, channelId: string, field: string, maxBytes?: number): void {
  const key = typeof material.objectKey === 'string' ? material.objectKey : '';
  const own = `${UPLOADS_PREFIX}${channelId}/`;
  if (!key.startsWith(UPLOADS_PREFIX) || !UPLOAD_ID.test(key.slice(key.lastIndexOf('/') + 1)) || key.split('/').length !== 3) {
    throw invalid(
      'MATERIAL_KEY_INVALID',
      `${field}.objectKey`,
      '材料文件标识无效：请使用上传时获得的 objectKey',
      `"${key}" is not the key of an upload slot (uploads/<channelId>/<id>)`,
    );
  }
  if (!key.startsWith(own)) {
    throw forbidden('MATERIAL_UPLOAD_FORBIDDEN', '只能使用本渠道（本部门）自己上传的文件', `${key} was not uploaded by ${channelId}`, `${field}.objectKey`);
  }
  try {
    checkUploadRequest({ contentType: material.contentType, size: material.size, sha256: material.sha256 }, maxBytes);
  } catch (e) {
    if (!(e instanceof DomainError)) throw e;
    throw new DomainError({ code: e.code, kind: e.kind, message: e.message, messageZh: e.messageZh, field: `${field}.${e.field ?? ''}` });
  }
}
