// A file to the platform the way the CLI sends one: its SHA-256 and size announced for an upload
// slot, then PUT to the slot's presigned URL with exactly the headers the slot signed (S3 refuses
// any other type, size or body), reporting its progress as it goes.
import { must } from './api/client.ts';
import type { Api } from './api/client.ts';

export interface Uploaded {
  kind: 'upload';
  objectKey: string;
  sha256: string;
  size: number;
  contentType: string;
}

const TYPES: Record<string, string> = { pdf: 'application/pdf', ofd: 'application/ofd', jpg: 'image/jpeg', jpeg: 'image/jpeg', png: 'image/png' };
/** The headers a browser sets itself and a script may not. */
const BROWSER_SET = new Set(['content-length', 'host']);

export function contentTypeOf(file: File): string | undefined {
  return TYPES[file.name.split('.').pop()?.toLowerCase() ?? ''] ?? (Object.values(TYPES).includes(file.type) ? file.type : undefined);
}

export async function sha256Hex(file: Blob): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', await file.arrayBuffer());
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

export async function uploadFile(api: Api, file: File, onProgress: (fraction: number) => void): Promise<Uploaded> {
  const contentType = contentTypeOf(file) ?? file.type;
  const sha256 = await sha256Hex(file);
  const slot = await must(api.POST('/v1/materials/uploads', { body: { contentType, size: file.size, sha256 } }));
  await new Promise<void>((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open(slot.method, slot.url);
    for (const [name, value] of Object.entries(slot.headers)) if (!BROWSER_SET.has(name.toLowerCase())) xhr.setRequestHeader(name, value);
    xhr.upload.onprogress = (e) => e.lengthComputable && onProgress(e.loaded / e.total);
    xhr.onload = () =>
      xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error(`上传被存储拒绝 / the store refused the upload: HTTP ${xhr.status} ${xhr.responseText.slice(0, 300)}`));
    xhr.onerror = () => reject(new Error('上传失败：网络错误 / the upload failed: network error'));
    xhr.send(file);
  });
  onProgress(1);
  return { kind: 'upload', objectKey: slot.objectKey, sha256, size: file.size, contentType };
}
