// Reading cases: a case, its history and a link to each file it keeps for those who may read it (its
// department, its co-departments, the filing channel; the history also for auditors, who check it
// against the anchor journals: its entries hold digests, not the state — and who read the files of an
// ended case in its archive bundle), a department's queue, a channel's cases, a co-department's open
// joint tasks, and the supervision lists for the platform role. The case service (which acts) extends it.
import type { Caller } from '../access/caller.ts';
import { requireRole } from '../access/caller.ts';
import type { DomainError } from '../errors.ts';
import { conflict, forbidden, notFound } from '../errors.ts';
import { HistoryChainCheck } from './case-history.ts';
import type { CaseState, CaseStatus } from './case-record.ts';
import type { CaseList, CasePage, CaseStore, SupervisionKind } from './case-store.ts';
import type { MaterialVault } from '../materials/material-vault.ts';
import { safeFileName } from '../archive/file-inspection.ts';
import type { CaseFileRef, CaseMaterialLink } from './case-files.ts';
import { keptFile } from './case-files.ts';
import { MAX_CASE_PAGE_SIZE } from './case-store.ts';
import type { CaseHistoryView, JointTaskEntry, SupervisionEntry } from './case-views.ts';

/** What reading needs: the cases, and the vault's links to the files they keep. */
export interface CaseReadingDeps {
  store: CaseStore;
  materials: Pick<MaterialVault, 'readLink'>;
}

export class CaseQueries<D extends CaseReadingDeps = CaseReadingDeps> {
  constructor(protected readonly deps: D) {}

  /** A co-department's open joint tasks, soonest due first: its own task on each case, and what it needs of the case. */
  async jointTasks(caller: Caller, page: CasePage): Promise<{ tasks: JointTaskEntry[]; nextCursor?: string }> {
    requireRole(caller, 'department');
    const departmentId = caller.departmentId!;
    const { cases, nextCursor } = await this.deps.store.jointTaskQueue(departmentId, page);
    const tasks = cases.flatMap((c): JointTaskEntry[] => {
      const task = c.jointTasks?.find((t) => t.departmentId === departmentId);
      if (!task) return [];
      return [
        {
          caseNo: c.caseNo,
          itemCode: c.itemCode,
          itemName: c.itemName,
          leadDepartmentId: c.departmentId,
          caseStatus: c.status,
          task,
          ...(c.deadlines ? { deadlines: c.deadlines } : {}),
          ...(c.provisional ? { provisional: c.provisional } : {}),
        },
      ];
    });
    return nextCursor ? { tasks, nextCursor } : { tasks };
  }

  async get(caller: Caller, caseNo: string): Promise<CaseState> {
    const state = await this.existing(caseNo);
    requireReader(caller, state);
    return state;
  }

  /**
   * A short-lived link to one file the case keeps (case-files.ts), for those who may read the case, with
   * the type, size and SHA-256 the case recorded: the link answers with that type, whatever the stored
   * object says, and the reader checks the bytes against that SHA-256.
   */
  async materialLink(caller: Caller, caseNo: string, ref: CaseFileRef): Promise<CaseMaterialLink> {
    const state = await this.get(caller, caseNo);
    const { objectKey, contentType, size, sha256 } = keptFile(state, ref);
    // Once archived, the bundle is the record: the working copies are deleted (case-archiving.ts), and a
    // link would answer 404. Say where the file is instead.
    if (state.archive?.state === 'archived') {
      throw conflict(
        'CASE_MATERIAL_ARCHIVED',
        `办件 ${caseNo} 已归档，材料“${ref.name}”只保存在电子档案 ${state.archive.bundleKey} 中：请向档案管理（审计）人员调阅`,
        `case ${caseNo} is archived: its file "${ref.name}" is kept only in the archive bundle ${state.archive.bundleKey}, which auditors fetch (tongban audit fetch)`,
        'caseNo',
      );
    }
    const filename = safeFileName(ref.name, contentType);
    const link = await this.deps.materials.readLink(objectKey, { contentType, filename });
    return { caseNo, name: ref.name, ...(ref.opinion !== undefined ? { opinion: ref.opinion } : {}), contentType, size, sha256, filename, ...link };
  }

  /**
   * A page of the case's history, with the check of the whole chain (read a page at a time, holding
   * one entry: memory in proportion to the page, not to the case). A broken case is shown too — the
   * check says where it breaks — so that those who read it learn of it.
   */
  async history(caller: Caller, caseNo: string, page: CasePage = { limit: MAX_CASE_PAGE_SIZE }): Promise<CaseHistoryView> {
    const read = await this.deps.store.read(caseNo);
    if (!read) throw caseNotFound(caseNo);
    const { state } = read;
    if (caller.role !== 'auditor') requireReader(caller, state);
    const { entries, nextCursor } = await this.deps.store.historyPage(caseNo, page);
    // Entries an action appended after the state was read are left for the next read: the check is
    // of the history up to the state it ends in.
    const chain = new HistoryChainCheck();
    for await (const entry of this.deps.store.entries(caseNo)) {
      if (entry.n > state.version || !chain.push(entry)) break;
    }
    const shown = entries.filter((e) => e.n <= state.version);
    const more = nextCursor !== undefined && shown.length === entries.length && shown.at(-1)!.n < state.version;
    return { caseNo, entries: shown, ...(more ? { nextCursor } : {}), check: chain.result(state) };
  }

  async queue(caller: Caller, status: CaseStatus, page: CasePage): Promise<CaseList> {
    requireRole(caller, 'department');
    return this.deps.store.departmentQueue(caller.departmentId!, status, page);
  }

  async channelCases(caller: Caller, applicantId: string | undefined, page: CasePage): Promise<CaseList> {
    requireRole(caller, 'channel');
    return this.deps.store.channelCases(caller.channelId!, applicantId, page);
  }

  async supervision(caller: Caller, kind: SupervisionKind, page: CasePage): Promise<{ cases: SupervisionEntry[]; nextCursor?: string }> {
    requireRole(caller, 'platform');
    const { cases, nextCursor } = await this.deps.store.listSupervision(kind, page);
    const entries = cases.map(({ state: c, passedDeadline }): SupervisionEntry => ({
      caseNo: c.caseNo,
      itemCode: c.itemCode,
      itemName: c.itemName,
      departmentId: c.departmentId,
      status: c.status,
      supervision: kind,
      ...(passedDeadline ? { passedDeadline } : {}),
      ...(c.acceptance ? { acceptedOn: c.acceptance.on } : {}),
      ...(c.deadlines ? { deadlines: c.deadlines } : {}),
      ...(c.decision ? { decidedOn: c.decision.on } : {}),
    }));
    return nextCursor ? { cases: entries, nextCursor } : { cases: entries };
  }

  protected async existing(caseNo: string): Promise<CaseState> {
    const state = await this.deps.store.get(caseNo);
    if (!state) throw caseNotFound(caseNo);
    return state;
  }
}

function caseNotFound(caseNo: string): DomainError {
  return notFound('CASE_NOT_FOUND', `办件 ${caseNo} 不存在`, `no case ${caseNo}`);
}

/** Only the case's department, its co-departments and the filing channel may read a case. */
function requireReader(caller: Caller, state: CaseState): void {
  const department = caller.role === 'department' && (caller.departmentId === state.departmentId || state.coDepartmentIds.includes(caller.departmentId ?? ''));
  const channel = caller.role === 'channel' && caller.channelId === state.channelId;
  if (!department && !channel) {
    throw forbidden(
      'CASE_READ_FORBIDDEN',
      '只有办件的受理部门、协办部门和提交渠道可以查看该办件',
      `case ${state.caseNo} is readable by its department, its co-departments and the channel that filed it; not by ${caller.name}`,
    );
  }
}
