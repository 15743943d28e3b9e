// A food-licence case taken through the lifecycle to its sealed decision, in memory, as the archive
// tests bundle it: filed with every required material, accepted — its 受理通知书 sealed as the sealing
// function seals it: the due content, the entry's record —, decided, and the decision sealed. The
// seals are the test's own: `seal` signs with whatever key the test holds (a node:crypto key, the
// local KMS).
import { createHash } from 'node:crypto';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import type { CaseCommand, CaseContext } from '../../shared/domain/cases/case-lifecycle.ts';
import { SYSTEM_CALLER, applyCaseCommand, fileCase } from '../../shared/domain/cases/case-lifecycle.ts';
import { noticeDocument } from '../../shared/domain/cases/case-notices.ts';
import type { CaseHistoryEntry, CaseMaterial, CaseState, JsonValue } from '../../shared/domain/cases/case-record.ts';
import { decisionDocument } from '../../shared/domain/cases/case-sealing.ts';
import { canonicalize } from '../../shared/domain/seals/jcs.ts';
import type { Seal } from '../../shared/domain/seals/seal.ts';
import { FOOD, MARKET, PORTAL, SHOP } from './case-fixtures.ts';

export interface SealedCase {
  state: CaseState;
  history: CaseHistoryEntry[];
  /** The state after each entry of the history. */
  states: CaseState[];
  /** Each material's bytes, by its name. */
  files: Map<string, Buffer>;
}

/** A small PDF (header, text, padding, trailer): what a material's bytes look like to the archive's check. */
export const pdf = (text: string) => Buffer.from(`%PDF-1.7\n${text}\n${'x'.repeat(3000)}\n%%EOF\n`);

export async function sealedFoodCase(opts: {
  caseNo: string;
  /** The seal over a document at an instant, by the market department's key. */
  seal: (document: string, sealedAt: string) => Promise<Seal>;
  /** The bytes of the material of each name (default: a small PDF naming it). */
  material?: (name: string) => Buffer;
  /** Or the materials as uploaded, when their bytes are never held whole (the bench's): `files` is then empty. */
  uploaded?: Record<string, CaseMaterial>;
  form?: Record<string, JsonValue>;
  /** The decision (default: approved). */
  decision?: Extract<CaseCommand, { action: 'decide' }>;
}): Promise<SealedCase> {
  const files = new Map<string, Buffer>();
  const materials: Record<string, CaseMaterial> = { ...opts.uploaded };
  for (const m of opts.uploaded ? [] : FOOD.materials.filter((x) => x.required)) {
    const bytes = (opts.material ?? pdf)(m.name);
    files.set(m.name, bytes);
    materials[m.name] = {
      kind: 'upload',
      objectKey: `cases/${opts.caseNo}/${m.name}`,
      sha256: createHash('sha256').update(bytes).digest('hex'),
      size: bytes.length,
      contentType: 'application/pdf',
    };
  }
  const filed = fileCase(
    { caseNo: opts.caseNo, item: { code: FOOD.implementationCode, version: 1, guide: FOOD }, applicant: SHOP, form: opts.form ?? {}, materials },
    on('2026-10-09', PORTAL),
  );
  const history: CaseHistoryEntry[] = [filed.entry];
  const states: CaseState[] = [filed.state];
  let state = filed.state;
  const apply = (command: CaseCommand, ctx: CaseContext) => {
    const next = applyCaseCommand(state, command, ctx);
    history.push(next.entry);
    states.push(next.state);
    state = next.state;
  };
  apply({ action: 'accept' }, on('2026-10-09', MARKET, 1));
  const due = state.noticesDue![0]!;
  const notice = noticeDocument(due, state.hash);
  const noticeSeal = await opts.seal(notice, '2026-10-09T02:01:01.000Z');
  apply(
    { action: 'seal-notices', notices: [{ kind: due.kind, entry: due.entry, document: notice, seal: noticeSeal, sealedAt: '2026-10-09T02:01:01.000Z' }] },
    on('2026-10-09', SYSTEM_CALLER, 2),
  );
  apply(opts.decision ?? { action: 'decide', outcome: 'approved' }, on('2026-10-12', MARKET));
  const document = canonicalize(decisionDocument(state, undefined));
  const seal = await opts.seal(document, '2026-10-12T02:00:01.000Z');
  apply({ action: 'seal', results: { decision: { document, seal }, sealedAt: '2026-10-12T02:00:01.000Z' } }, on('2026-10-12', SYSTEM_CALLER, 1));
  return { state, history, states, files };
}

/** The context of an action by `actor` on `date` at 02:`minute` UTC (10:`minute` China time). */
function on(date: string, actor: Caller, minute = 0): CaseContext {
  return { actor, at: `${date}T02:${String(minute).padStart(2, '0')}:00.000Z`, today: date, calendar: officialCalendar };
}
