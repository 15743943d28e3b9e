// The files a case keeps, as those who may read the case fetch them: an application material by its
// name in the case's `materials`, a co-department's opinion attachment by the department and its name
// in that opinion — what the case record names, with the type, size and SHA-256 it recorded. (The
// versions a supplement replaced are kept too, and archived with the case; the record names only the
// current ones, and so does this.) A material given as an e-licence (免提交) has no file: the licence
// is read as a licence. The file itself is read from the store through a short-lived link.
import type { CaseMaterial, CaseState } from './case-record.ts';
import { notFound } from '../errors.ts';
import type { ReadLink } from '../materials/material-vault.ts';

type Upload = Extract<CaseMaterial, { kind: 'upload' }>;

/** Which file of a case: a material by its name; with `opinion`, that co-department's attachment of that name. */
export interface CaseFileRef {
  name: string;
  opinion?: string | undefined;
}

/** A link to one file of a case, with what the case records of it. */
export interface CaseMaterialLink extends ReadLink {
  caseNo: string;
  name: string;
  opinion?: string;
  contentType: string;
  size: number;
  sha256: string;
  /** The name the link gives the file (its format's extension added). */
  filename: string;
}

/** The uploaded file `ref` names in the case, or CASE_MATERIAL_NOT_FOUND / CASE_MATERIAL_IS_LICENCE. */
export function keptFile(state: CaseState, ref: CaseFileRef): Upload {
  const { caseNo } = state;
  const { name, opinion } = ref;
  let files: Record<string, CaseMaterial>;
  if (opinion === undefined) files = state.materials;
  else {
    const given = state.jointTasks?.find((t) => t.departmentId === opinion)?.opinion;
    if (!given) {
      throw notFound('CASE_MATERIAL_NOT_FOUND', `办件 ${caseNo} 没有协办部门 ${opinion} 的意见`, `case ${caseNo} holds no opinion of co-department ${opinion}`);
    }
    files = given.attachments;
  }
  // Own keys only: a name such as `constructor` is no material.
  const file = Object.hasOwn(files, name) ? files[name] : undefined;
  if (!file) {
    const what = opinion === undefined ? `名为“${name}”的材料` : `协办部门 ${opinion} 意见中名为“${name}”的附件`;
    throw notFound(
      'CASE_MATERIAL_NOT_FOUND',
      `办件 ${caseNo} 没有${what}`,
      `case ${caseNo} holds no ${opinion === undefined ? 'material' : `attachment of co-department ${opinion}'s opinion`} named "${name}"`,
    );
  }
  if (file.kind === 'licence') {
    throw notFound(
      'CASE_MATERIAL_IS_LICENCE',
      `材料“${name}”以电子证照 ${file.licenceId} 代替（免提交），没有上传的文件：请查看该电子证照`,
      `material "${name}" of case ${caseNo} is the e-licence ${file.licenceId} (免提交), not an uploaded file: read the licence`,
    );
  }
  return file;
}
