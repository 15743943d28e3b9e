// What the case routes answer besides a case's state: the filing's request and result with its
// receipt (收件回执), a case's history with its chain check, and the entries of the supervision lists
// and of a co-department's queue — each carrying what its reader may see and no more.
import type * as z from 'zod';
import type { FilingRequestSchema, ReceiptSchema } from '../../contracts/cases.ts';
import { isProvisional } from './case-dates.ts';
import type { HistoryCheck } from './case-history.ts';
import type { CaseHistoryEntry, CaseState, CaseStatus, JointTask } from './case-record.ts';
import type { SupervisionKind } from './case-store.ts';

/** A channel's application for an applicant: the filing route's body, parsed (shared/contracts/cases.ts). */
export type FilingRequest = z.output<typeof FilingRequestSchema>;

/**
 * 收件回执: what the applicant is given on filing, the same for every retry of the filing — as the
 * filing's answer carries it (ReceiptSchema): every material (the files uploaded, and the e-licences
 * supplied instead of a file, 免提交), the pre-review opinion's due day (2 working days), the last day
 * the department may answer (Art. 32), which of those two are provisional, and the hash of the filing's
 * history entry, which ties the receipt to the case's record.
 */
export type Receipt = z.output<typeof ReceiptSchema>;

export interface FilingResult {
  caseNo: string;
  receipt: Receipt;
  case: CaseState;
  /** True when the answer is a retry's: the case was filed by an earlier request with this key. */
  replayed: boolean;
}

export interface CaseHistoryView {
  caseNo: string;
  /** A page of the entries, oldest first. */
  entries: CaseHistoryEntry[];
  /** Present while there are more entries: pass it back for the next page. */
  nextCursor?: string;
  /** The chain check over every entry (not only this page's) and the newest state. */
  check: HistoryCheck;
}

/** A case on a supervision list: what supervision needs, no applicant's personal data. */
export interface SupervisionEntry {
  caseNo: string;
  itemCode: string;
  itemName: string;
  departmentId: string;
  status: CaseStatus;
  supervision: SupervisionKind;
  /** The deadline the case had passed when it was marked, or the finding's due day. */
  passedDeadline?: string;
  acceptedOn?: string;
  deadlines?: CaseState['deadlines'];
  decidedOn?: string;
}

/** A co-department's open joint task, as its queue lists it. */
export interface JointTaskEntry {
  caseNo: string;
  itemCode: string;
  itemName: string;
  /** The lead department, which decides once the opinions are complete. */
  leadDepartmentId: string;
  caseStatus: CaseStatus;
  task: JointTask;
  /** The case's time limits: the opinion is recorded missing after the statutory one. */
  deadlines?: CaseState['deadlines'];
  /** The case's provisional dates (the task's due date among them, if it is). */
  provisional?: string[];
}

/** Body of a department's or channel's action; `baseVersion`, when given, must be the newest version. */

export function receiptOf(state: CaseState, entry: CaseHistoryEntry): Receipt {
  return {
    caseNo: state.caseNo,
    itemCode: state.itemCode,
    itemName: state.itemName,
    itemVersion: state.itemVersion,
    departmentId: state.departmentId,
    channelId: state.channelId,
    receivedAt: state.receivedAt,
    materials: Object.entries(state.materials).map(([name, m]) =>
      m.kind === 'upload'
        ? { kind: 'upload' as const, name, sha256: m.sha256, size: m.size, contentType: m.contentType }
        : { kind: 'licence' as const, name, licenceId: m.licenceId },
    ),
    ...(state.preReviewDue ? { preReviewDue: state.preReviewDue } : {}),
    ...(state.deemedAcceptedOn ? { answerDueOn: state.deemedAcceptedOn } : {}),
    ...(receiptProvisional(state).length > 0 ? { provisional: receiptProvisional(state) } : {}),
    ...(state.dueFlag ? { dueFlag: state.dueFlag } : {}),
    entryHash: entry.hash,
  };
}

export function receiptProvisional(state: CaseState): ('preReviewDue' | 'answerDueOn')[] {
  return [...(isProvisional(state, 'preReviewDue') ? ['preReviewDue' as const] : []), ...(isProvisional(state, 'deemedAcceptedOn') ? ['answerDueOn' as const] : [])];
}
