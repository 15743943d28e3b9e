// The words of a case that the wire and the domain share: its statuses, the special procedures that
// stop its clock, the supervision lists, what a case number looks like, a page's size and the JSON of
// a form. The schemas (cases.ts, licences.ts) are built from them and the domain (shared/domain/cases)
// holds its cases in them; no zod here, so whatever imports the domain's records stays light.

/** Statuses a case passes through. `FINAL_STATUSES` (case-record.ts) end it; see case-lifecycle.ts for the graph. */
export type CaseStatus = 'received' | 'supplement-requested' | 'accepted' | 'opinions-complete' | 'refused' | 'decided' | 'withdrawn';

export const CASE_STATUSES: readonly CaseStatus[] = ['received', 'supplement-requested', 'accepted', 'opinions-complete', 'refused', 'decided', 'withdrawn'];

/**
 * Special procedures whose time does not count towards the time limits (行政许可法 Art. 45,
 * 002 §16, 004 §19): 现场勘验, 听证, 检验检测, 专家评审, 公示, 招标拍卖, 检疫.
 */
/** The actions a person takes on a case (the others are the platform's own: the sweep's, the workflow's, the sealing's). */
export const PERSON_CASE_ACTIONS = [
  'request-supplement',
  'supplement',
  'accept',
  'accept-pending',
  'refuse',
  'pause',
  'resume',
  'decide',
  'withdraw',
  'extend',
  'deliver',
  'pre-review',
  'opinion',
  'accept-archive-findings',
  'retry-follow-up',
  'correct',
] as const;
export type PersonCaseAction = (typeof PERSON_CASE_ACTIONS)[number];

export const SPECIAL_PROCEDURES = ['site-inspection', 'hearing', 'testing', 'expert-review', 'public-notice', 'tender-auction', 'quarantine'] as const;
export type SpecialProcedure = (typeof SPECIAL_PROCEDURES)[number];

export type SupervisionMark = 'overdue' | 'violation';

/**
 * A supervision finding besides the time limits' marks: a special procedure running past the length
 * it stated (行政许可法 Art. 45, 004 §19), a pre-review opinion not given within its 2 working days
 * (001 §14, 004 §18), 容缺 materials not delivered by their due day (004 §18).
 */
export type FindingKind = 'procedure-overrun' | 'pre-review-late' | 'materials-late';
export const FINDING_KINDS: readonly FindingKind[] = ['procedure-overrun', 'pre-review-late', 'materials-late'];

/**
 * The supervision lists: the legal clock's readings past the promised or the statutory deadline, and
 * one list per kind of finding (case-findings.ts).
 */
export type SupervisionKind = SupervisionMark | FindingKind;
export const SUPERVISION_KINDS: readonly SupervisionKind[] = ['overdue', 'violation', ...FINDING_KINDS];

/** The most cases (or licences) one page of a list holds. */
export const MAX_CASE_PAGE_SIZE = 100;

/** Any case number the platform reads: 1-64 letters, digits and hyphens. */
export const CASE_NO_PATTERN = /^[0-9A-Za-z-]{1,64}$/;

/**
 * A ticket id (consultations, complaints, correction requests: shared/contracts/tickets.ts): 32
 * lower-case hex digits. Here because a case's correction names the correction ticket it answers.
 */
export const TICKET_ID_PATTERN = /^[0-9a-f]{32}$/;

/** The fields a correction of a case record (更正, 000 §30) may name: the applicant's, by the applicant's kind, and `form.<key>` for a key the form has. */
export const CORRECTABLE_APPLICANT_FIELDS = {
  person: ['applicant.name', 'applicant.residentId', 'applicant.phone'],
  organisation: ['applicant.name', 'applicant.creditCode', 'applicant.contact.name', 'applicant.contact.phone'],
} as const;
/** The prefix of a form field a correction names (`form.经营项目`). */
export const FORM_FIELD_PREFIX = 'form.';
/** Fields one correction may set. */
export const MAX_CORRECTION_FIELDS = 10;

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };

/**
 * The written notices an applicant is given as the case goes (002 §14, 004 §19; 行政许可法 Art. 32,
 * 38, 42, 45), each a document sealed by the department (shared/domain/cases/case-notices.ts):
 * 受理通知书, 容缺受理告知书, 不予受理通知书, 补齐补正通知书, 延期通知书, 特别程序告知书.
 */
export const NOTICE_KINDS = ['acceptance', 'pending-acceptance', 'refusal', 'supplement', 'extension', 'special-procedure'] as const;
export type NoticeKind = (typeof NOTICE_KINDS)[number];

/** Each notice's Chinese title, as the document and the CLI name it. */
export const NOTICE_TITLE_ZH: Readonly<Record<NoticeKind, string>> = {
  acceptance: '受理通知书',
  'pending-acceptance': '容缺受理告知书',
  refusal: '不予受理通知书',
  supplement: '补齐补正通知书',
  extension: '延期通知书',
  'special-procedure': '特别程序告知书',
};

/**
 * The most versions a licence has (its first issue and its amendments); shared/domain/licences/licence.ts
 * holds it to this, licences.ts's schemas too. Here, without zod, so the domain's licences stay light.
 */
export const MAX_LICENCE_VERSION = 100;
