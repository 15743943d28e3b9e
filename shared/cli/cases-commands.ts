// `tongban cases file|show|notice|material|history|accept|supplement|refuse|decide|opinion|pause|resume|withdraw|correct|queue|list`
// and `tongban supervision <list>`: each builds the route's request from the options,
// and prints the answer through the caller's `out` (JSON with --json, exit 1 when refused).
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { CaseHistoryView } from '../domain/cases/case-service.ts';
import type { CaseState } from '../domain/cases/case-record.ts';
import { NOTICE_KINDS, NOTICE_TITLE_ZH, SPECIAL_PROCEDURES, SPECIAL_PROCEDURE_ZH } from '../domain/cases/case-record.ts';
import type { SupervisionKind } from '../domain/cases/case-store.ts';
import { SUPERVISION_KINDS } from '../domain/cases/case-store.ts';
import type { ApiClient, ApiResponse } from './api-client.ts';
import { UsageError } from './api-client.ts';
import { FORM_FIELD_PREFIX } from '../contracts/case-vocabulary.ts';
import { baseVersion, exactlyOne, isoDate, positiveInt, readJsonObject } from './args.ts';
import { printCase, printCaseList, printHistory, printJointTaskList, printReceipt, printSupervisionList } from './cases-output.ts';
import { readMaterials, uploadMaterials } from './upload.ts';
import type { CaseMaterialLink } from '../domain/cases/case-files.ts';
import { DownloadMismatch, download } from './download.ts';

export interface CaseOptions {
  json: boolean;
  base?: string;
  item?: string;
  applicant?: string;
  form?: string;
  material?: string[];
  'idempotency-key'?: string;
  pending?: string[];
  'pending-due'?: string;
  problem?: string[];
  reason?: string[];
  outcome?: string;
  'override-reason'?: string[];
  attachment?: string[];
  opinions?: boolean;
  procedure?: string;
  days?: string;
  'approved-by'?: string;
  missing?: string[];
  'next-steps'?: string;
  status?: string;
  limit?: string;
  cursor?: string;
  licence?: string[];
  'valid-until'?: string;
  'licence-data'?: string;
  out?: string;
  opinion?: string;
  ticket?: string;
  field?: string[];
  value?: string[];
}

export interface CommandContext {
  api: ApiClient;
  o: CaseOptions;
  /** Prints the answer (as JSON with --json) and returns the exit code: 0, or 1 when refused. */
  out: (res: ApiResponse, print: (body: never) => void) => number;
}

export async function casesCommand(ctx: CommandContext, command: string | undefined, caseNo: string | undefined, which?: string): Promise<number> {
  const { api, o, out } = ctx;
  const path = (suffix = '') => {
    if (!caseNo) throw new UsageError(`cases ${command} needs the case number`);
    return `/v1/cases/${encodeURIComponent(caseNo)}${suffix}`;
  };
  const act = async (action: string, body: Record<string, unknown>) => {
    const p = path(`/${action}`);
    return out(await api.request('POST', p, { body: { ...baseVersion(o.base), ...body } }), printCase);
  };

  switch (command) {
    case 'file':
      return fileCase(ctx);
    case 'show':
      return out(await api.request('GET', path()), printCase);
    case 'notice':
      return notice(ctx, path(), which);
    case 'material':
      return material(ctx, path('/material'), which);
    case 'history': {
      const res = await history(api, path('/history'), o);
      const code = out(res, printHistory);
      // A history that does not verify is a failure, whatever the format asked for.
      return code === 0 && !(res.body as CaseHistoryView).check.ok ? 1 : code;
    }
    case 'accept': {
      const pending = o.pending !== undefined || o['pending-due'] !== undefined;
      if (o['pending-due'] !== undefined) isoDate(o['pending-due'], '--pending-due');
      return act('accept', pending ? { pendingMaterials: o.pending ?? [], ...(o['pending-due'] ? { pendingDueOn: o['pending-due'] } : {}) } : {});
    }
    case 'supplement':
      return supplement(ctx, path('/supplement'), path('/supplement-request'));
    case 'pre-review': {
      if (o.outcome !== 'passes' && o.outcome !== 'incomplete') throw new UsageError('cases pre-review needs --outcome passes|incomplete');
      if (!o['next-steps']) throw new UsageError('cases pre-review needs --next-steps <what the applicant does next>');
      return act('pre-review', { outcome: o.outcome, ...(o.missing?.length ? { missing: o.missing } : {}), nextSteps: o['next-steps'] });
    }
    case 'deliver': {
      // 容缺: the channel delivers the pending materials.
      if (!o.material?.length && !o.licence?.length)
        throw new UsageError('cases deliver needs --material NAME=PATH (or --licence NAME=<licence id>) for each pending material it delivers');
      const local = await readMaterials(o.material ?? []);
      const materials = {
        ...(await uploadMaterials(api, local)),
        ...licenceReferences(
          o.licence ?? [],
          local.map((m) => m.name),
        ),
      };
      return out(await api.request('POST', path('/deliver'), { body: { ...baseVersion(o.base), materials } }), printCase);
    }
    case 'refuse':
      if (!o.reason?.length) throw new UsageError('cases refuse needs --reason <text> (one or more)');
      return act('refuse', { reasons: o.reason });
    case 'decide': {
      if (o.outcome !== 'approved' && o.outcome !== 'denied') throw new UsageError('cases decide needs --outcome approved|denied');
      if (o['valid-until'] !== undefined) isoDate(o['valid-until'], '--valid-until');
      const data = o['licence-data'] ? await readJsonObject(o['licence-data'], 'the licence data', 'data') : undefined;
      const terms = { ...(o['valid-until'] ? { validUntil: o['valid-until'] } : {}), ...(data ? { data } : {}) };
      return act('decide', {
        outcome: o.outcome,
        ...(o.reason?.length ? { reasons: o.reason } : {}),
        ...(o['override-reason']?.length ? { overrideReasons: o['override-reason'] } : {}),
        ...(Object.keys(terms).length > 0 ? { licence: terms } : {}),
      });
    }
    case 'opinion': {
      if (o.outcome !== 'agree' && o.outcome !== 'disagree') throw new UsageError('cases opinion needs --outcome agree|disagree');
      if (o.outcome === 'disagree' && !o.reason?.length) throw new UsageError('cases opinion --outcome disagree needs --reason <text> (one or more)');
      // Resolved before the case path, so a usage error never leaves uploads behind.
      const target = path('/opinions');
      const local = await readMaterials(o.attachment ?? [], '--attachment');
      const attachments = local.length ? await uploadMaterials(api, local) : undefined;
      const body = { ...baseVersion(o.base), outcome: o.outcome, ...(o.reason?.length ? { reasons: o.reason } : {}), ...(attachments ? { attachments } : {}) };
      return out(await api.request('POST', target, { body }), printCase);
    }
    case 'pause': {
      if (o.days === undefined) throw new UsageError('cases pause needs --days N: the working days the special procedure is expected to take');
      return act('pause', { procedure: procedureOf(o.procedure), reason: exactlyOne(o.reason, '--reason', 'cases pause'), expectedDays: positiveInt(o.days, '--days') });
    }
    case 'extend': {
      if (o.days === undefined) throw new UsageError('cases extend needs --days N (at most 10; 15 for joint handling)');
      if (!o['approved-by']) throw new UsageError('cases extend needs --approved-by <the head of the department who approved it>');
      if (!o.reason?.length) throw new UsageError('cases extend needs --reason <text> (one or more)');
      return act('extend', { days: positiveInt(o.days, '--days'), approvedBy: o['approved-by'], reasons: o.reason });
    }
    case 'resume':
      return act('resume', {});
    case 'withdraw':
      return act('withdraw', { reason: exactlyOne(o.reason, '--reason', 'cases withdraw') });
    case 'accept-archive-findings':
      if (!o.reason?.length) throw new UsageError('cases accept-archive-findings needs --reason <text> (one or more): why the file is archived as it is');
      return act('accept-archive-findings', { reasons: o.reason });
    case 'retry-follow-up':
      if (!o.reason?.length) throw new UsageError('cases retry-follow-up needs --reason <text> (one or more): what was mended');
      return act('retry-follow-up', { reasons: o.reason });
    case 'correct':
      return act('correct', correction(o));
    case 'queue':
      if (o.opinions) {
        if (o.status !== undefined) throw new UsageError('cases queue takes --opinions or --status, not both');
        return out(await api.request('GET', '/v1/queue/opinions', { query: page(o) }), printJointTaskList);
      }
      return out(await api.request('GET', '/v1/queue', { query: { status: o.status, ...page(o) } }), printCaseList);
    case 'list':
      return out(await api.request('GET', '/v1/cases', { query: { applicant: o.applicant, ...page(o) } }), printCaseList);
    default:
      throw new UsageError(command ? `unknown command "cases ${command}"` : 'cases needs a command');
  }
}

export async function supervisionCommand(ctx: CommandContext, kind: string | undefined): Promise<number> {
  if (!SUPERVISION_KINDS.includes(kind as SupervisionKind)) throw new UsageError(`supervision needs one of ${SUPERVISION_KINDS.join(', ')}`);
  return ctx.out(await ctx.api.request('GET', `/v1/supervision/${kind}`, { query: page(ctx.o) }), printSupervisionList);
}

/** Uploads every material, then files; the Idempotency-Key is printed so that a retry can reuse it. */
async function fileCase({ api, o, out }: CommandContext): Promise<number> {
  if (!o.item) throw new UsageError('cases file needs --item <implementation code>');
  if (!o.applicant) throw new UsageError('cases file needs --applicant <applicant.json>');
  const applicant = await readJsonObject(o.applicant, 'the applicant', 'applicant');
  const form = o.form ? await readJsonObject(o.form, 'the form', 'form') : {};
  const local = await readMaterials(o.material ?? []);
  const licences = licenceReferences(
    o.licence ?? [],
    local.map((m) => m.name),
  );
  const key = o['idempotency-key'] ?? randomUUID();
  const retry = `tongban: Idempotency-Key ${key} (retry with --idempotency-key ${key})`;
  try {
    // A retry uploads the files again: the platform compares materials by content, not by upload key.
    const materials = { ...(await uploadMaterials(api, local)), ...licences };
    const res = await api.request('POST', '/v1/cases', { headers: { 'Idempotency-Key': key }, body: { itemCode: o.item, applicant, form, materials } });
    const code = out(res, (body: never) => printReceipt(body, key));
    if (code !== 0 || o.json) console.error(retry);
    return code;
  } catch (e) {
    console.error(retry);
    throw e;
  }
}

/**
 * `cases notice <caseNo> <kind|entry> [--out <dir>]`: a sealed notice of the case, by its kind (the
 * newest of that kind) or the entry it notifies, written as `<dir>/notice-<entry>-<kind>.json` (its
 * bytes as sealed) and `….seal.json` — the files the README's OpenSSL recipe and `tongban verify` take.
 */
async function notice({ api, o, out }: CommandContext, casePath: string, which: string | undefined): Promise<number> {
  if (!which) throw new UsageError(`cases notice needs the notice: its kind (${NOTICE_KINDS.join(', ')}) or the entry it notifies`);
  const byEntry = /^\d{1,10}$/.test(which);
  if (!byEntry && !(NOTICE_KINDS as readonly string[]).includes(which)) {
    throw new UsageError(`cases notice: "${which}" is neither a notice kind (${NOTICE_KINDS.join(', ')}) nor an entry number`);
  }
  const res = await api.request('GET', casePath);
  if (res.status >= 400) return out(res, () => undefined);
  const state = res.body as CaseState;
  const found = (state.notices ?? []).filter((n) => (byEntry ? n.entry === Number(which) : n.kind === which)).at(-1);
  if (!found) {
    const owed = (state.noticesDue ?? []).some((n) => (byEntry ? n.entry === Number(which) : n.kind === which));
    console.error(
      `tongban: case ${state.caseNo} has ${owed ? 'not sealed that notice yet (it is due: the sweep seals it)' : 'no such notice'}; its notices: ${
        (state.notices ?? []).map((n) => `${n.kind} (entry ${n.entry})`).join(', ') || 'none'
      }`,
    );
    return 1;
  }
  const dir = o.out ?? '.';
  const base = join(dir, `notice-${found.entry}-${found.kind}`);
  await mkdir(dir, { recursive: true });
  await writeFile(`${base}.json`, found.document);
  await writeFile(`${base}.seal.json`, JSON.stringify(found.seal));
  const written = {
    caseNo: state.caseNo,
    kind: found.kind,
    title: NOTICE_TITLE_ZH[found.kind],
    entry: found.entry,
    sealedAt: found.sealedAt,
    document: `${base}.json`,
    seal: `${base}.seal.json`,
  };
  if (o.json) console.log(JSON.stringify(written, null, 2));
  else console.log(`${written.title} ${written.kind} (entry ${written.entry}, sealed ${written.sealedAt}): ${written.document} ${written.seal}`);
  return 0;
}

/**
 * `cases material <caseNo> <name> [--opinion <department>] [--out FILE]`: one file the case keeps — a
 * material by its name, with --opinion that co-department's opinion attachment — read through its link
 * and written to FILE (default: the name the link gives it, in the current folder) only if it is the
 * file the case recorded (SHA-256 and size; else exit 1 and nothing written).
 */
async function material({ api, o, out }: CommandContext, materialPath: string, name: string | undefined): Promise<number> {
  if (!name) throw new UsageError("cases material needs the material's name (with --opinion <department>, the attachment's)");
  const res = await api.request('GET', materialPath, { query: { name, opinion: o.opinion } });
  if (res.status >= 400) return out(res, () => undefined);
  const link = res.body as CaseMaterialLink;
  let got;
  try {
    got = await download(link, o.out ?? link.filename);
  } catch (e) {
    if (!(e instanceof DownloadMismatch)) throw e;
    console.error(`tongban: ${e.message}`);
    return 1;
  }
  const written = { caseNo: link.caseNo, name: link.name, ...(link.opinion ? { opinion: link.opinion } : {}), contentType: link.contentType, ...got };
  if (o.json) console.log(JSON.stringify(written, null, 2));
  else console.log(`${link.name} (${link.contentType}, ${got.size} bytes, SHA-256 ${got.sha256} as recorded): ${got.path}`);
  return 0;
}

/** A department's supplement request (--problem) or a channel's supplement (--material/--form). */
async function supplement({ api, o, out }: CommandContext, supplementPath: string, requestPath: string): Promise<number> {
  const delivers = o.material !== undefined || o.licence !== undefined || o.form !== undefined;
  if (delivers === (o.problem !== undefined)) {
    throw new UsageError('cases supplement needs either --problem "MATERIAL:PROBLEM" (department) or --material NAME=PATH / --form <form.json> (channel), not both');
  }
  if (o.problem) {
    const problems = o.problem.map((p) => {
      const at = p.search(/[:：]/); // a full-width colon is as good
      if (at < 1 || at === p.length - 1) throw new UsageError(`--problem needs "MATERIAL:PROBLEM" (MATERIAL a material's name or form), got "${p}"`);
      return { material: p.slice(0, at).trim(), problem: p.slice(at + 1).trim() };
    });
    return out(await api.request('POST', requestPath, { body: { ...baseVersion(o.base), problems } }), printCase);
  }
  const form = o.form ? await readJsonObject(o.form, 'the form', 'form') : undefined;
  const local = await readMaterials(o.material ?? []);
  const licences = licenceReferences(
    o.licence ?? [],
    local.map((m) => m.name),
  );
  const materials = local.length || Object.keys(licences).length ? { ...(await uploadMaterials(api, local)), ...licences } : undefined;
  const body = { ...baseVersion(o.base), ...(materials ? { materials } : {}), ...(form ? { form } : {}) };
  return out(await api.request('POST', supplementPath, { body }), printCase);
}

/** `--licence NAME=<licence id>`: a material given as the applicant's e-licence (免提交). */
function licenceReferences(specs: readonly string[], uploaded: readonly string[]): Record<string, { kind: 'licence'; licenceId: string }> {
  const refs: Record<string, { kind: 'licence'; licenceId: string }> = {};
  for (const spec of specs) {
    const at = spec.indexOf('=');
    if (at < 1 || at === spec.length - 1) throw new UsageError(`--licence needs NAME=<licence id>, got "${spec}"`);
    const name = spec.slice(0, at);
    if (name in refs || uploaded.includes(name)) throw new UsageError(`material "${name}" is given twice (--material and --licence name one material each)`);
    refs[name] = { kind: 'licence', licenceId: spec.slice(at + 1) };
  }
  return refs;
}

/**
 * `cases correct`: the ticket, each `--field` paired with the `--value` in the same place (a form
 * field's value read as JSON when it parses, else as text; an applicant's always as text), the reasons.
 */
function correction(o: CaseOptions): Record<string, unknown> {
  if (!o.ticket) throw new UsageError('cases correct needs --ticket <the correction ticket id>');
  const fields = o.field ?? [];
  const values = o.value ?? [];
  if (fields.length === 0 || fields.length !== values.length) {
    throw new UsageError('cases correct needs --field <field> --value <value> (one or more pairs, each --field with its --value)');
  }
  const corrections = fields.map((field, i) => ({ field, value: field.startsWith(FORM_FIELD_PREFIX) ? jsonOrText(values[i]!) : values[i]! }));
  return { ticketId: o.ticket, corrections, ...(o.reason?.length ? { reasons: o.reason } : {}) };
}

function jsonOrText(value: string): unknown {
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return value;
  }
}

/** A special procedure by its name (site-inspection…) or its Chinese name (现场勘验…). */
function procedureOf(name: string | undefined): string {
  const known = SPECIAL_PROCEDURES.find((p) => p === name || SPECIAL_PROCEDURE_ZH[p] === name);
  if (!known) throw new UsageError(`cases pause needs --procedure, one of ${SPECIAL_PROCEDURES.map((p) => `${p} (${SPECIAL_PROCEDURE_ZH[p]})`).join(', ')}`);
  return known;
}

function page(o: CaseOptions): { limit?: string; cursor?: string } {
  return { ...(o.limit !== undefined ? { limit: String(positiveInt(o.limit, '--limit')) } : {}), ...(o.cursor ? { cursor: o.cursor } : {}) };
}

/**
 * A case's history: the page asked for (--limit, --cursor), or else every entry, page after page (a
 * case's history is bounded by its lists' limits) with the check of the first answer.
 */
async function history(api: ApiClient, path: string, o: CaseOptions): Promise<ApiResponse> {
  const first = await api.request('GET', path, { query: { limit: o.limit, cursor: o.cursor } });
  if (o.limit !== undefined || o.cursor !== undefined || first.status !== 200) return first;
  const whole = first.body as CaseHistoryView;
  const entries = [...whole.entries];
  for (let cursor = whole.nextCursor; cursor !== undefined;) {
    const next = await api.request('GET', path, { query: { cursor } });
    if (next.status !== 200) return next;
    const page = next.body as CaseHistoryView;
    entries.push(...page.entries);
    cursor = page.nextCursor;
  }
  const { nextCursor: _more, ...rest } = whole;
  return { status: first.status, body: { ...rest, entries } };
}
