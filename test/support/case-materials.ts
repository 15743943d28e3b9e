// An uploaded material as a filing names it, derived from the material's name so tests can repeat it.
import { createHash } from 'node:crypto';
import type { CaseMaterial } from '../../shared/domain/cases/case-record.ts';

export function upload(name: string): CaseMaterial {
  return {
    kind: 'upload',
    objectKey: `uploads/kunming-portal/${createHash('sha256').update(name).digest('hex').slice(0, 16)}.pdf`,
    sha256: createHash('sha256').update(`content of ${name}`).digest('hex'),
    size: 245_760,
    contentType: 'application/pdf',
  };
}
