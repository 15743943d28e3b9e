// What a channel may upload as an application material: formats a department can open and archive
// (PDF, OFD — the national fixed-layout format, JPEG, PNG), within a size limit, announced with its
// SHA-256 before the upload so the storage can refuse anything else.
import { invalid } from '../errors.ts';

export const ALLOWED_CONTENT_TYPES: Readonly<Record<string, string>> = {
  'application/pdf': 'PDF',
  'application/ofd': 'OFD',
  'image/jpeg': 'JPEG',
  'image/png': 'PNG',
};

export const DEFAULT_MAX_UPLOAD_BYTES = 50 * 1024 * 1024;

export interface UploadRequest {
  contentType: string;
  size: number;
  /** Lower-case hex SHA-256 of the file. */
  sha256: string;
}

export function checkUploadRequest(req: UploadRequest, maxBytes = DEFAULT_MAX_UPLOAD_BYTES): void {
  if (!ALLOWED_CONTENT_TYPES[req.contentType]) {
    throw invalid(
      'MATERIAL_TYPE_NOT_ALLOWED',
      'contentType',
      `不支持的材料格式 ${req.contentType}；可上传 PDF、OFD、JPEG、PNG`,
      `content type ${req.contentType} is not accepted; allowed: ${Object.keys(ALLOWED_CONTENT_TYPES).join(', ')}`,
    );
  }
  if (!Number.isSafeInteger(req.size) || req.size < 1) {
    throw invalid('MATERIAL_EMPTY', 'size', '材料不能为空文件', 'the file size must be a positive whole number of bytes');
  }
  if (req.size > maxBytes) {
    throw invalid('MATERIAL_TOO_LARGE', 'size', `材料超过 ${Math.floor(maxBytes / 1024 / 1024)} MB 上限`, `the file is ${req.size} bytes; the limit is ${maxBytes}`);
  }
  if (!/^[0-9a-f]{64}$/.test(req.sha256)) {
    throw invalid('INVALID_SHA256', 'sha256', 'SHA-256 摘要应为64位小写十六进制', 'sha256 must be 64 lower-case hexadecimal characters');
  }
}

/** S3 wants the checksum base64-encoded; the platform speaks hex. */
export function sha256HexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}
