// An upload through a presigned slot of the S3 material store, as a channel's client makes it.
import { expect } from 'vitest';
import type { S3MaterialStore } from '../../shared/adapters/s3-material-store.ts';
import type { CaseMaterial } from '../../shared/domain/cases/case-record.ts';
import { sha256 } from './case-materials.ts';

/** Uploads `body` (a PDF) through a new slot of `owner`: the material naming the upload. */
export async function uploadThroughSlot(vault: S3MaterialStore, owner: string, body: Buffer): Promise<Extract<CaseMaterial, { kind: 'upload' }>> {
  const announced = { contentType: 'application/pdf', size: body.length, sha256: sha256(body) };
  const slot = await vault.createUploadSlot(owner, announced);
  const { 'content-length': _length, ...headers } = slot.headers; // fetch sets it from the body
  const res = await fetch(slot.url, { method: slot.method, headers, body });
  expect(res.status).toBe(200);
  return { kind: 'upload', objectKey: slot.objectKey, ...announced };
}
