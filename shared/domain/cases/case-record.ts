// A case (办件) as the domain holds it. Every action on a case — filing, a supplement request, an
// acceptance, a pause — produces the case's next state and one immutable history entry; the entries
// are hash-chained per case, so a history that was edited, cut or reordered no longer verifies
// (case-history.ts). The state is a snapshot for reading and indexing; the history is the record.
import type { CaseStatus, FindingKind, JsonValue, NoticeKind, SpecialProcedure, SupervisionMark } from '../../contracts/case-vocabulary.ts';
import type { Role } from '../../contracts/directory.ts';
import type {
  Acceptance,
  Applicant,
  ArchiveException,
  CaseArchive,
  CaseCorrection,
  CaseExtension,
  CaseFinding,
  CaseMaterial,
  CaseNotice,
  CasePause,
  CaseResults,
  Decision,
  DeadlineFlag,
  DueNotice,
  JointTask,
  MaterialRule,
  SupplementProblem,
} from './case-parts.ts';

// The statuses, special procedures and supervision findings are the wire's words (shared/contracts).
export { CASE_STATUSES, FINDING_KINDS, NOTICE_KINDS, NOTICE_TITLE_ZH, SPECIAL_PROCEDURES } from '../../contracts/case-vocabulary.ts';
export type { CaseStatus, FindingKind, JsonValue, NoticeKind, SpecialProcedure, SupervisionMark };

/** What a status is called in Chinese: in refusals, and wherever a case is shown to people. */
export const CASE_STATUS_ZH: Readonly<Record<CaseStatus, string>> = {
  received: '已收件',
  'supplement-requested': '待补正',
  accepted: '已受理',
  'opinions-complete': '协办意见已齐',
  refused: '不予受理',
  decided: '已作出决定',
  withdrawn: '已撤回',
};

/** Outcome statuses: nothing changes the outcome of a case after them (archiving reads them). */
export const FINAL_STATUSES: readonly CaseStatus[] = ['refused', 'decided', 'withdrawn'];

export type CaseAction =
  | 'request-supplement'
  | 'supplement'
  | 'accept'
  | 'accept-pending'
  | 'deem-accepted'
  | 'refuse'
  | 'pause'
  | 'resume'
  | 'decide'
  | 'withdraw'
  | 'mark-overdue'
  | 'mark-violation'
  | 'record-findings'
  | 'recompute-dates'
  | 'extend'
  | 'deliver'
  | 'pre-review'
  | 'dispatch'
  | 'opinion'
  | 'escalate'
  | 'record-missing'
  | 'joint-failed'
  | 'seal'
  | 'seal-notices'
  | 'archive'
  | 'archive-failed'
  | 'accept-archive-findings'
  | 'follow-up-failed'
  | 'retry-follow-up'
  | 'correct';

/**
 * What a history entry records: the filing, or one action. `complete-deadlines` is how entries made
 * before `recompute-dates` replaced it name the same step.
 */
export type CaseEventType = 'file' | CaseAction | 'complete-deadlines';

export const SPECIAL_PROCEDURE_ZH: Record<SpecialProcedure, string> = {
  'site-inspection': '现场勘验',
  hearing: '听证',
  testing: '检验检测',
  'expert-review': '专家评审',
  'public-notice': '公示',
  'tender-auction': '招标拍卖',
  quarantine: '检疫',
};

// The parts a case is made of (case-parts.ts).
export * from './case-parts.ts';
export type {
  Acceptance,
  Applicant,
  ArchiveException,
  CaseArchive,
  CaseCorrection,
  CaseExtension,
  CaseFinding,
  CaseMaterial,
  CaseNotice,
  CasePause,
  CaseResults,
  Decision,
  DeadlineFlag,
  DueNotice,
  JointTask,
  LicenceTerms,
  MaterialRule,
  SealedDocument,
  SupplementProblem,
} from './case-parts.ts';

/** A case after its n-th event. */
export interface CaseState {
  caseNo: string;
  itemCode: string;
  /** The item's name in the version filed under, for receipts and queues. */
  itemName: string;
  /** The published item version the case was filed under; later versions never apply to it. */
  itemVersion: number;
  /** Lead department: the item's implementing department, the only one that may act on the case. */
  departmentId: string;
  /** Co-departments of a joint-handling item: they may read the case and give their opinion. */
  coDepartmentIds: string[];
  /** Working days each co-department has for its opinion, from the item version filed under. */
  coDepartmentDays?: Record<string, number>;
  /** Joint cases after dispatch: one task per co-department, in `coDepartmentIds` order. */
  jointTasks?: JointTask[];
  /** The channel that filed the case: the only one that may supplement or withdraw it. */
  channelId: string;
  applicant: Applicant;
  form: Record<string, JsonValue>;
  /** Per guide material name; a tolerable material not delivered is absent. */
  materials: Record<string, CaseMaterial>;
  materialRules: MaterialRule[];
  status: CaseStatus;
  receivedAt: string;
  receivedOn: string;
  /**
   * China date the department's current answer runs from: the filing, or the newest supplement.
   * Art. 32 counts the answer period from the receipt of the materials, and a deemed acceptance
   * takes effect from that day.
   */
  materialsReceivedOn: string;
  /** Working days the department has to answer before the case counts as accepted (Art. 32). */
  deemedAcceptanceDays: number;
  /** Pre-review opinion due: 2 working days after `materialsReceivedOn` (001 §14, 004 §18). */
  preReviewDue?: string;
  /** Whether the item offers online pre-review (办理形式 网上预审+窗口): the department then owes the opinion. */
  preReviewOffered?: boolean;
  /** The department's pre-review opinion on the materials as last received; `late` if given after `preReviewDue`. */
  preReview?: { outcome: 'passes' | 'incomplete'; missing: string[]; nextSteps: string; on: string; late: boolean };
  /** The last day the department may answer; from the day after, the case counts as accepted. */
  deemedAcceptedOn?: string;
  /** Set when `preReviewDue` or `deemedAcceptedOn` could not be computed at all. */
  dueFlag?: DeadlineFlag;
  /** The problems of the current supplement request (一次性告知), while the applicant's turn. */
  supplementRequest?: SupplementProblem[];
  /** Supplement requests made so far (bounded: case-limits.ts). */
  supplementRounds?: number;
  /**
   * What the newest supplement delivered (material names, and `form` for a corrected form): after a
   * supplement, a new request may name problems in these only (一次性告知, 行政许可法 Art. 32).
   */
  lastSupplement?: { on: string; delivered: string[] };
  acceptance?: Acceptance;
  limits: { promisedDays: number; statutoryDays: number };
  pauses: CasePause[];
  /** The statutory limit's extension (Art. 42), if the department granted one. */
  extension?: CaseExtension;
  /**
   * The time-limit deadlines as of the newest event, for queues and supervision; absent before
   * acceptance and while the clock is paused (the deadline moves with the pause). Each is computed on
   * its own; `flag` says one of them could not be computed at all.
   */
  deadlines?: { promised?: string; statutory?: string; flag?: DeadlineFlag };
  /**
   * The computed dates that are provisional, by their place in the case (`preReviewDue`,
   * `deemedAcceptedOn`, `deadlines.promised`, `deadlines.statutory`, `jointTasks.<department>.dueOn`):
   * counted across a year whose official arrangement is not loaded, on its statutory holidays alone.
   * A provisional date makes nobody late; it is replaced when the year is loaded.
   */
  provisional?: string[];
  /** The calendar data version of each year the live dates were counted across; 0: counted provisionally. */
  calendarVersions?: Record<string, number>;
  /**
   * Set by the sweep when the clock has passed the promised deadline (`overdue`) or the statutory one
   * (`violation`, 行政许可法 Art. 82): what the supervision lists hold. A mark is never taken back —
   * a later pause cannot undo days already over — and `violation` supersedes `overdue`.
   */
  supervision?: SupervisionMark;
  /** The deadline the case had passed when it was marked (the supervision lists sort by it). */
  supervisionDeadline?: string;
  /**
   * What else supervision found late on the case (case-findings.ts): each recorded once, by the first
   * action (the sweep's included) taken after the day it fell due; never taken back.
   */
  findings?: CaseFinding[];
  decision?: Decision;
  /**
   * Joint cases whose workflow failed for good (after its retries): what failed, recorded by the
   * workflow's last step so the lead sees it on the case (an alarm tells the platform team).
   */
  jointFailure?: { error: string; cause: string; on: string };
  /** A decided case's sealed results (the sealing function's `seal` entry); absent until sealed. */
  results?: CaseResults;
  /**
   * The written notices the case owes the applicant and the sealing function has not sealed yet
   * (case-notices.ts): recorded by the action that owes each, taken off by the `seal-notices` entry.
   */
  noticesDue?: DueNotice[];
  /** The notices sealed by the case's department, oldest first (bounded by the actions that owe them: case-limits.ts). */
  notices?: CaseNotice[];
  /** An ended case's archive bundle, or why archiving it failed (the archive function's entries). */
  archive?: CaseArchive;
  /**
   * A step the platform owes the case (its seal, its notices' seals, its archiving) that failed in a way retrying cannot
   * mend (a refusal, not an outage; for archiving, MAX_ARCHIVE_ATTEMPTS failed checks): recorded once,
   * with the alarm, and the step is no longer taken by the sweep until the platform role retries it
   * (`retry-follow-up`, or `accept-archive-findings`).
   */
  followUpFailure?: FollowUpFailure;
  /** Findings of the archive's check the platform role accepted (`accept-archive-findings`), each with its reasons. */
  archiveExceptions?: ArchiveException[];
  /**
   * Corrections of the record (更正, 000 §30: case-corrections.ts), oldest first, bounded
   * (case-limits.ts): each field's value before and after, the ticket answered, the entry that made it.
   * The applicant and form above carry the corrected values; the filing's entry keeps the originals.
   */
  corrections?: CaseCorrection[];
  refusal?: { reasons: string[]; on: string };
  withdrawal?: { reason: string; on: string };
  /** Number of events so far, = `n` of the newest history entry. */
  version: number;
  /** Instant of the newest event. */
  updatedAt: string;
  /** Hash of the newest history entry. */
  hash: string;
}

/** A follow-up the platform gave up on (see CaseState.followUpFailure). */
export interface FollowUpFailure {
  step: 'seal' | 'seal-notices' | 'archive';
  /** The refusal's code (for archiving: ARCHIVE_CHECK_FAILED). */
  code: string;
  reason: string;
  on: string;
}

/** One immutable history entry; `hash` covers every other member, `previousHash` links the chain. */
export interface CaseHistoryEntry {
  caseNo: string;
  /** 1 for the filing, then consecutive. */
  n: number;
  type: CaseEventType;
  /** The principal, its role and, for a named principal, the officer (absent from entries written before officers were named). */
  actor: { name: string; role: Role; officer?: string };
  at: string;
  on: string;
  from: CaseStatus | null;
  to: CaseStatus;
  /** SHA-256 (hex) of the canonical JSON of the filing input or the command. */
  payloadDigest: string;
  /** SHA-256 (hex) of the canonical JSON of the state after this event, without its `hash`. */
  stateDigest: string;
  previousHash?: string;
  hash: string;
}

export interface CaseTransition {
  state: CaseState;
  entry: CaseHistoryEntry;
}
