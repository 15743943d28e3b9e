// What intake refuses of an uploaded file by its bytes, with the very codes of the archive's
// four-property check (bag-assessment.ts): a file that is not what its type says (UNREADABLE: a
// "PDF" without the %PDF- header, an "OFD" that is no zip package, a JPEG without its SOI marker, a
// PNG without its signature) or that is encrypted (ENCRYPTED: a PDF with an /Encrypt dictionary, an
// OFD with an encrypted entry). Refused at filing, supplement, delivery and with an opinion's
// attachments, so that no ended case holds a file its archive bundle would fail on.
import { FileInspector, extensionOf } from '../archive/file-inspection.ts';
import type { FileFacts } from '../archive/file-inspection.ts';
import { invalid } from '../errors.ts';
import { nodeSha256 } from '../node-sha256.ts';
import { ALLOWED_CONTENT_TYPES } from './upload-policy.ts';

/** An inspector for a file of an accepted content type, checking it as the archive will (hashing with node:crypto: uploads run to 50 MB). */
export function materialInspector(contentType: string): FileInspector {
  const extension = extensionOf(contentType);
  if (!extension || !ALLOWED_CONTENT_TYPES[contentType]) throw new Error(`no material format for ${contentType}`);
  return new FileInspector(`material.${extension}`, nodeSha256);
}

/**
 * Whether the format check needs every byte (a PDF's /Encrypt anywhere, an OFD's zip entries) or
 * only the first few (a JPEG's or PNG's signature).
 */
export function inspectionNeedsWholeFile(contentType: string): boolean {
  return contentType === 'application/pdf' || contentType === 'application/ofd';
}

/** Refuses a file the archive's check would find unreadable or encrypted. */
export function refuseUnarchivable(facts: Pick<FileFacts, 'readable' | 'unreadable' | 'encrypted'>, contentType: string, field: string): void {
  const format = ALLOWED_CONTENT_TYPES[contentType] ?? contentType;
  if (!facts.readable) {
    throw invalid(
      'UNREADABLE',
      field,
      `上传的文件不是有效的 ${format} 文件，无法查阅和归档：请上传 ${format} 原件`,
      `the uploaded file is not a ${format} file (${facts.unreadable ?? 'unreadable'}): it could neither be read nor archived`,
    );
  }
  if (facts.encrypted) {
    throw invalid(
      'ENCRYPTED',
      field,
      `上传的 ${format} 文件已加密（设有密码或权限保护），无法查阅和归档：请上传未加密的文件`,
      `the uploaded ${format} file is encrypted: it could be read only with its key, and cannot be archived`,
    );
  }
}
