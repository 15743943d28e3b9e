// Human-readable rendering of API answers for the terminal.
import type { ApiResponse } from './api-client.ts';

interface Summary {
  code: string;
  name: string;
  type: string;
  departmentId: string;
  departmentName?: string;
  version?: number;
  state?: string;
  effectivePublicState: string;
  publishedVersion?: number;
  jointHandling: boolean;
}

interface Guide {
  name: string;
  type: string;
  departmentId: string;
  timeLimits: { statutoryDays: number; promisedDays: number };
  materials: { name: string; required: boolean; tolerable: boolean; replaceableByLicenceType?: string }[];
  handlingMode: string;
  visits: number;
  retention: string;
  jointHandling?: { coDepartments: { departmentId: string; responsibility: string; timeLimitDays: number }[] };
}

export function printList(body: { items: Summary[]; nextCursor?: string }): void {
  if (body.items.length === 0) {
    console.log('(no items)');
    return;
  }
  const rows = body.items.map((i) => [
    i.code,
    i.name + (i.jointHandling ? ' [联办]' : ''),
    i.departmentName ?? i.departmentId,
    i.type,
    `v${i.version ?? i.publishedVersion ?? '?'}`,
    i.state ?? '',
    i.effectivePublicState,
  ]);
  printTable(['CODE', 'NAME', 'DEPARTMENT', 'TYPE', 'VER', 'STATE', 'PUBLIC'], rows);
  if (body.nextCursor) console.log(`\nmore: --cursor ${body.nextCursor}   (or --all)`);
}

export function printItem(body: {
  code: string;
  publishedVersion: number;
  latestVersion?: number;
  departmentName?: string;
  effectivePublicState: string;
  suspension?: { kind: string; effectiveFrom: string; reason: string };
  guide: Guide;
}): void {
  console.log(`${body.guide.name}  (${body.code})${body.departmentName ? `  ${body.departmentName}` : ''}`);
  const newest = body.latestVersion !== undefined && body.latestVersion !== body.publishedVersion ? ` (newest: ${body.latestVersion})` : '';
  console.log(`published version ${body.publishedVersion}${newest} · ${body.effectivePublicState}`);
  if (body.suspension) console.log(`suspension: ${body.suspension.kind} from ${body.suspension.effectiveFrom}: ${body.suspension.reason}`);
  printGuide(body.guide);
}

export function printVersion(body: {
  code: string;
  version: number;
  action: string;
  actor: string;
  at: string;
  state: string;
  publicState: string;
  reviewDueDate?: string;
  reviewDueProvisional?: boolean;
  reviewDueFlag?: string;
  suspension?: { kind: string; effectiveFrom: string; reason: string; notice?: string };
  reasons?: string[];
  guide: Guide;
}): void {
  console.log(`${body.guide.name}  (${body.code})`);
  console.log(`version ${body.version}: ${body.action} by ${body.actor} at ${body.at} → ${body.state} / ${body.publicState}`);
  if (body.reviewDueDate)
    console.log(`review due by ${body.reviewDueDate}${body.reviewDueProvisional ? " (暂定 provisional: that year's holiday arrangement is not loaded yet)" : ''}`);
  if (body.reviewDueFlag) console.log(`review deadline unknown (${body.reviewDueFlag}): the statutory holidays of that year are not known`);
  if (body.suspension) {
    const s = body.suspension;
    console.log(`suspension (${s.kind}) from ${s.effectiveFrom}: ${s.reason}${s.notice ? ` — notice: ${s.notice}` : ''}`);
  }
  if (body.reasons?.length) console.log(`reasons: ${body.reasons.join('; ')}`);
  printGuide(body.guide);
}

export function printError(res: ApiResponse, json: boolean): void {
  if (json) {
    console.error(JSON.stringify(res.body, null, 2));
    return;
  }
  const err = (res.body as { error?: { code: string; messageZh: string; message: string; field?: string } } | undefined)?.error;
  if (!err) {
    console.error(`HTTP ${res.status}: ${typeof res.body === 'string' ? res.body : JSON.stringify(res.body)}`);
    return;
  }
  console.error(`HTTP ${res.status} ${err.code}${err.field ? ` (${err.field})` : ''}\n${err.messageZh}\n${err.message}`);
}

function printGuide(g: Guide): void {
  console.log(`  type ${g.type} · department ${g.departmentId} · ${g.handlingMode}, ${g.visits} visit(s) · retention ${g.retention}`);
  console.log(`  time limits: promised ${g.timeLimits.promisedDays} / statutory ${g.timeLimits.statutoryDays} working days`);
  for (const m of g.materials) {
    const tags = [m.required ? '必需' : '非必需', m.tolerable ? '可容缺' : '', m.replaceableByLicenceType ? `证照${m.replaceableByLicenceType}可免交` : ''].filter(Boolean);
    console.log(`  - ${m.name} (${tags.join(', ')})`);
  }
  for (const co of g.jointHandling?.coDepartments ?? []) console.log(`  co-department ${co.departmentId}: ${co.responsibility}, ${co.timeLimitDays} working days`);
}

export function printTable(header: string[], rows: string[][]): void {
  const width = (s: string) => [...s].reduce((w, ch) => w + (/[\u1100-\uffff]/.test(ch) ? 2 : 1), 0);
  const widths = header.map((h, i) => Math.max(width(h), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (r: string[]) =>
    r
      .map((c, i) => c + ' '.repeat(widths[i]! - width(c)))
      .join('  ')
      .trimEnd();
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}
