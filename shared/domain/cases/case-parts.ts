// The parts a case is made of beside its status and dates (case-record.ts): its applicant, materials
// and their rules, its acceptance, pauses and
// extension, decision and sealed results, archive record and accepted findings, joint tasks and
// supervision findings. Each is written into the case by the step that makes it (case-commands.ts)
// and read back whole; none has an identity outside its case.
import type { FindingKind, JsonValue, NoticeKind, SpecialProcedure } from '../../contracts/case-vocabulary.ts';
import type { ClockPause } from './legal-clock.ts';
import type * as z from 'zod';
import type { ApplicantSchema, CaseCorrectionRecordSchema, CaseMaterialSchema, LicenceTermsSchema, SupplementProblemSchema } from '../../contracts/cases.ts';

/**
 * A correction of the case record (更正, 000 §30: case-corrections.ts): the ticket it answers, the entry
 * that made it, each field's value before and after, and whether it came after the archiving.
 */
export type CaseCorrection = z.output<typeof CaseCorrectionRecordSchema>;

/** A person or an organisation, as the filing names them (the wire's schema: shared/contracts/cases.ts). */
export type Applicant = z.output<typeof ApplicantSchema>;

/**
 * One delivered material: a file the channel uploaded (its checksum recorded, so the archive can prove
 * it unchanged), or a reference to one of the applicant's own e-licences that the guide accepts in
 * its place (免提交, 000 §12, 004 §17). As the wire has it.
 */
export type CaseMaterial = z.output<typeof CaseMaterialSchema>;

/**
 * The guide's rule for one material, copied into the case when it is filed. The case keeps the item
 * version it was filed under; holding that version's material rules itself keeps every later check
 * (supplements, 容缺) a pure function of the case, with no way to check against another version.
 */
export interface MaterialRule {
  name: string;
  required: boolean;
  tolerable: boolean;
  licenceType?: string;
}

/** One problem of a supplement request: `material` is a material name of the guide, or `form` for the application form itself. */
export type SupplementProblem = z.output<typeof SupplementProblemSchema>;

/** The deciding department's terms for the e-licence an approval issues: its last valid day (absent: valid without end) and data fields (经营项目, 地址…). */
export type LicenceTerms = z.output<typeof LicenceTermsSchema>;

export interface Acceptance {
  /** China date from which the time limits run (the next working day is the first counted). */
  on: string;
  mode: 'normal' | 'pending-materials' | 'deemed';
  /** 容缺: the tolerable materials still to be delivered (delivered ones leave the list). */
  pendingMaterials?: string[];
  pendingDueOn?: string;
  /** 容缺: each pending material as it was delivered, and when. */
  delivered?: { material: string; on: string }[];
}

export interface CasePause extends ClockPause {
  procedure: SpecialProcedure;
  reason: string;
  /** Working days the procedure is expected to take (Art. 45, 004 §19): the applicant is told. */
  expectedDays?: number;
  /** The day it is expected to end: `expectedDays` working days after `from` (computed). */
  expectedUntil?: string;
}

/**
 * An extension of the statutory time limit (行政许可法 Art. 42): once, approved by the head of the
 * department, with reasons the applicant is told; up to 10 working days (15 for joint handling).
 */
export interface CaseExtension {
  days: number;
  approvedBy: string;
  reasons: string[];
  on: string;
}

export interface Decision {
  outcome: 'approved' | 'denied';
  reasons: string[];
  on: string;
  /** Joint cases: every co-department's opinion as it stood when the lead decided. */
  opinions?: JointTask[];
  /** Joint cases approved over a disagreeing opinion: the lead's reasons for overriding it. */
  overrideReasons?: string[];
  /** Approvals of items that issue an e-licence: what the department set for it. */
  licence?: LicenceTerms;
}

/**
 * A sealed document (000 §13-16): its bytes — canonical JSON (RFC 8785), UTF-8 — and its seal, a
 * detached JWS (shared/domain/seals/seal.ts). Anyone holding both can verify them with the published
 * keys, without the platform.
 */
export interface SealedDocument {
  document: string;
  seal: { protected: string; signature: string };
}

/**
 * A written notice the case owes the applicant (case-notices.ts), recorded with the action that owes
 * it: the kind, the entry of that action, and the document's content as of that entry — all but the
 * `record` member (the entry's version and hash), which the seal adds. The content is part of the
 * recorded state, so the history commits to what the notice says before it is sealed.
 */
export interface DueNotice {
  kind: NoticeKind;
  entry: number;
  content: { [key: string]: JsonValue };
}

/** A notice sealed by the case's department (the sealing function's `seal-notices` entry). */
export interface CaseNotice extends SealedDocument {
  kind: NoticeKind;
  /** The entry of the action it notifies. */
  entry: number;
  sealedAt: string;
}

/**
 * What a decided case issues, sealed by the deciding department (its `seal` entry): the decision
 * document (决定书), and for an approval of an item that issues an e-licence, that licence (kept in the
 * licence store under `licenceId`, with its own seal).
 */
export interface CaseResults {
  decision: SealedDocument;
  licenceId?: string;
  sealedAt: string;
}

/**
 * Where an ended case's archive bundle is (电子档案, 000 §15): written once to the archive bucket,
 * locked until `retainUntil` (and under legal hold when kept permanently), its four-property check
 * passed at ingest; or, when the bundle failed its check or could not be written, why — visibly, until
 * a later attempt archives it.
 */
export type CaseArchive =
  | { state: 'archived'; bundleKey: string; sha256: string; size: number; retention: 'permanent' | '30y' | '10y'; retainUntil: string; legalHold: boolean; archivedAt: string }
  | { state: 'failed'; on: string; findings: { property: string; code: string; path?: string; message: string }[]; attempts: number };

/**
 * The findings of the archive's check the platform role may accept for a file of a case that ended
 * before intake refused such files (material-inspection.ts): a file not of its type's format, an
 * encrypted one. Nothing else — a material not as recorded, a broken chain — can ever be accepted.
 */
export const ACCEPTABLE_ARCHIVE_FINDINGS: readonly string[] = ['UNREADABLE', 'ENCRYPTED'];

/** An archive check finding the platform role accepted, with its reasons: the bundle's report lists it as accepted. */
export interface ArchiveException {
  code: string;
  /** The file in the bundle it is about. */
  path: string;
  message: string;
  reasons: string[];
  acceptedBy: string;
  on: string;
}

/**
 * A co-department's part in a joint case (联合办理, 002 §17, 004 §18): its opinion is due
 * `timeLimitDays` working days after dispatch; past that it is escalated (and still awaited), and
 * once the case's statutory deadline has passed without it, it is recorded as missing. A due date
 * counted across a year without official calendar data is provisional (the case's `provisional`
 * lists `jointTasks.<department>.dueOn`); one that cannot be counted at all is flagged (`dueFlag`).
 */
export interface JointTask {
  departmentId: string;
  /** The day the task was given (its working days count from the next one). */
  dispatchedOn: string;
  dueOn?: string;
  dueFlag?: DeadlineFlag;
  /** Working days the opinion is still awaited after its due day (escalated), before it is recorded missing. */
  graceDays?: number;
  /** The last day the opinion is awaited: `graceDays` working days after `dueOn` (computed). */
  graceUntil?: string;
  status: 'pending' | 'escalated' | 'answered' | 'missing';
  escalatedOn?: string;
  missingOn?: string;
  opinion?: { outcome: 'agree' | 'disagree'; reasons: string[]; attachments: Record<string, CaseMaterial>; on: string; by: string; officer?: string };
}

export interface CaseFinding {
  kind: FindingKind;
  /** The day it was due: late from the day after. */
  due: string;
  /** The day it was recorded. */
  on: string;
}

/**
 * A date that cannot be counted even provisionally (a year whose statutory holidays are not known) is
 * flagged, never guessed.
 */
export type DeadlineFlag = 'DEADLINE_CALENDAR_MISSING';
