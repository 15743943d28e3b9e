// An in-memory MaterialVault for service tests. An upload is stored as its slot binds it (S3 takes
// only the announced bytes through a slot, so the bytes are simply kept, with the slot's content
// type); `verify` refuses as S3MaterialStore does, in its order and with its codes — not uploaded,
// another size, another type, another checksum, then the bytes' format (material-inspection.ts) —
// and `keep` copies an upload into a case's keeping, leaving a copy already in place as it is. A read
// link is a `memory:` URL that `read` answers as S3 answers a presigned GET: the bytes, with the type
// and name the link pins.
import { randomUUID } from 'node:crypto';
import type { CaseMaterial } from '../../shared/domain/cases/case-record.ts';
import { invalid } from '../../shared/domain/errors.ts';
import { materialInspector, refuseUnarchivable } from '../../shared/domain/materials/material-inspection.ts';
import type { MaterialVault, ReadLink } from '../../shared/domain/materials/material-vault.ts';
import { UPLOADS_PREFIX } from '../../shared/domain/materials/material-vault.ts';
import type { UploadRequest } from '../../shared/domain/materials/upload-policy.ts';
import { sha256 } from './case-materials.ts';

type Upload = Extract<CaseMaterial, { kind: 'upload' }>;
interface StoredObject {
  bytes: Buffer;
  contentType: string;
}

export class MemoryMaterialVault implements MaterialVault {
  readonly #objects = new Map<string, StoredObject>();

  /** The key of a new upload slot of `owner` (a channel id, or a department's credit code); nothing is uploaded yet. */
  slot(owner: string): string {
    return `${UPLOADS_PREFIX}${owner}/${randomUUID()}`;
  }

  /** Uploads `bytes` through a new slot of `owner`, as its client would: the material naming the upload. */
  upload(owner: string, bytes: Buffer, contentType = 'application/pdf'): Upload {
    const objectKey = this.slot(owner);
    this.#objects.set(objectKey, { bytes: Buffer.from(bytes), contentType });
    return { kind: 'upload', objectKey, contentType, size: bytes.length, sha256: sha256(bytes) };
  }

  /** The object under `key` as the vault holds it, if any. */
  stored(key: string): { size: number; contentType: string; sha256: string } | undefined {
    const object = this.#objects.get(key);
    return object && { size: object.bytes.length, contentType: object.contentType, sha256: sha256(object.bytes) };
  }

  async verify(objectKey: string, expected: UploadRequest, field = 'objectKey'): Promise<void> {
    const object = this.#objects.get(objectKey);
    if (!object) throw invalid('MATERIAL_NOT_UPLOADED', field, '材料尚未上传', `no uploaded object ${objectKey}`);
    const { bytes, contentType } = object;
    if (bytes.length !== expected.size) throw invalid('MATERIAL_SIZE_MISMATCH', field, '上传的材料大小与申报不符', `object ${objectKey} has ${bytes.length} bytes`);
    if (contentType !== expected.contentType) throw invalid('MATERIAL_TYPE_MISMATCH', field, '上传的材料格式与申报不符', `object ${objectKey} is ${contentType}`);
    const inspector = materialInspector(expected.contentType);
    inspector.update(bytes);
    const facts = inspector.facts();
    if (facts.sha256 !== expected.sha256) throw invalid('MATERIAL_CHECKSUM_MISMATCH', field, '上传的材料与申报的 SHA-256 摘要不符', `object ${objectKey} is another file`);
    refuseUnarchivable(facts, expected.contentType, field);
  }

  readonly #links = new Map<string, { key: string; contentType: string; filename: string }>();

  async readLink(caseKey: string, file: { contentType: string; filename: string }): Promise<ReadLink> {
    const url = `memory:${randomUUID()}`;
    this.#links.set(url, { key: caseKey, ...file });
    return { method: 'GET', url, expiresAt: new Date(Date.now() + 300_000).toISOString() };
  }

  /** What a read link reads: the kept bytes, answered as the link's type and name; 404 for a link or an object it does not know. */
  async read(url: string): Promise<{ status: number; contentType?: string; filename?: string; body: Buffer }> {
    const link = this.#links.get(url);
    const object = link && this.#objects.get(link.key);
    if (!link || !object) return { status: 404, body: Buffer.alloc(0) };
    return { status: 200, contentType: link.contentType, filename: link.filename, body: Buffer.from(object.bytes) };
  }

  async keep(uploadKey: string, caseKey: string): Promise<void> {
    if (this.#objects.has(caseKey)) return;
    const upload = this.#objects.get(uploadKey);
    if (!upload) throw invalid('MATERIAL_NOT_UPLOADED', 'materials', '材料已过期或尚未上传，请重新上传', `upload ${uploadKey} is gone (expired?); upload it again`);
    this.#objects.set(caseKey, { bytes: Buffer.from(upload.bytes), contentType: upload.contentType });
  }
}
