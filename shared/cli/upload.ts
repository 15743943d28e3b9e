// Uploading application materials: `--material NAME=PATH` read and checked locally (type from the
// extension, SHA-256 and size), an upload slot asked for each, and the file PUT to the presigned URL
// with exactly the headers the slot names (they are signed: S3 refuses any other size, type or body).
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import type { UploadSlot } from '../adapters/s3-material-store.ts';
import type { ApiClient } from './api-client.ts';
import { ApiRefusal, UsageError } from './api-client.ts';

const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.pdf': 'application/pdf',
  '.ofd': 'application/ofd',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
};

export interface LocalMaterial {
  name: string;
  path: string;
  bytes: Buffer;
  contentType: string;
  size: number;
  sha256: string;
}

export interface UploadedMaterial {
  kind: 'upload';
  objectKey: string;
  sha256: string;
  size: number;
  contentType: string;
}

export function contentTypeOf(path: string): string {
  const type = CONTENT_TYPES[extname(path).toLowerCase()];
  if (!type) throw new UsageError(`${path}: unsupported file type; materials are ${Object.keys(CONTENT_TYPES).join(', ')}`);
  return type;
}

/** Every `NAME=PATH`, read and checked before anything is sent: a usage error uploads nothing. */
export async function readMaterials(specs: readonly string[], option = '--material'): Promise<LocalMaterial[]> {
  const seen = new Set<string>();
  const parsed = specs.map((spec) => {
    const at = spec.indexOf('=');
    if (at < 1 || at === spec.length - 1) throw new UsageError(`${option} needs NAME=PATH, got "${spec}"`);
    const name = spec.slice(0, at);
    const path = spec.slice(at + 1);
    if (seen.has(name)) throw new UsageError(`${option} "${name}" is given twice`);
    seen.add(name);
    return { name, path, contentType: contentTypeOf(path) };
  });
  return Promise.all(
    parsed.map(async (m) => {
      let bytes: Buffer;
      try {
        bytes = await readFile(m.path);
      } catch (e) {
        throw new UsageError(`cannot read material "${m.name}" from ${m.path}: ${(e as Error).message}`);
      }
      if (bytes.length === 0) throw new UsageError(`material "${m.name}" (${m.path}) is empty`);
      return { ...m, bytes, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex') };
    }),
  );
}

/** Uploads each material; the answer is what a filing or a supplement names per material. */
export async function uploadMaterials(api: ApiClient, materials: readonly LocalMaterial[]): Promise<Record<string, UploadedMaterial>> {
  const named: Record<string, UploadedMaterial> = {};
  for (const m of materials) {
    const res = await api.request('POST', '/v1/materials/uploads', { body: { contentType: m.contentType, size: m.size, sha256: m.sha256 } });
    if (res.status >= 400) throw new ApiRefusal(res);
    const slot = res.body as UploadSlot;
    const put = await fetch(slot.url, { method: slot.method, headers: slot.headers, body: m.bytes });
    if (!put.ok) throw new ApiRefusal({ status: put.status, body: `uploading "${m.name}" (${m.path}) was refused by the storage: ${await put.text()}` });
    named[m.name] = { kind: 'upload', objectKey: slot.objectKey, sha256: m.sha256, size: m.size, contentType: m.contentType };
  }
  return named;
}
