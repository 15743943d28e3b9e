// `tongban licences show|amend|revoke|list`: an e-licence with its seal and status (its newest version,
// or an earlier one with --version) and its amendments, a correction by the issuing department (000
// §30: the next version, sealed anew), revocation, and a channel's list of the valid licences of the
// applicant it acts for. `show` can save the sealed document and its seal (--document, --seal) for
// `tongban verify` or OpenSSL.
import { writeFile } from 'node:fs/promises';
import type { LicenceView } from '../domain/licences/licence-service.ts';
import { UsageError } from './api-client.ts';
import { baseVersion, exactlyOne, positiveInt, readJsonObject } from './args.ts';
import type { CommandContext } from './cases-commands.ts';
import { printTable } from './output.ts';

export interface LicenceOptions {
  holder?: string;
  type?: string;
  document?: string;
  seal?: string;
  version?: string;
  'holder-name'?: string;
  ticket?: string;
}

const STATUS_ZH: Record<LicenceView['status'], string> = { valid: '有效', revoked: '已撤销', expired: '已过期' };

export async function licencesCommand(ctx: CommandContext & { o: LicenceOptions }, command: string | undefined, id: string | undefined): Promise<number> {
  const { api, o, out } = ctx;
  const path = (suffix = '') => {
    if (!id) throw new UsageError(`licences ${command} needs the licence identifier`);
    return `/v1/licences/${encodeURIComponent(id)}${suffix}`;
  };
  switch (command) {
    case 'show': {
      const version = o.version !== undefined ? String(positiveInt(o.version, '--version')) : undefined;
      const res = await api.request('GET', path(), { query: { holder: o.holder, version } });
      const code = out(res, printLicence);
      if (code === 0) {
        const view = res.body as LicenceView;
        // Written exactly as issued: the seal covers these bytes.
        if (o.document) await writeFile(o.document, view.document);
        if (o.seal) await writeFile(o.seal, JSON.stringify(view.seal) + '\n');
      }
      return code;
    }
    case 'amend': {
      const data = ctx.o['licence-data'] ? await readJsonObject(ctx.o['licence-data'], 'the corrected data fields', 'data') : undefined;
      if (o['holder-name'] === undefined && data === undefined) throw new UsageError('licences amend needs --holder-name <name> or --licence-data <file.json>: what to correct');
      const body = {
        changes: { ...(o['holder-name'] !== undefined ? { holderName: o['holder-name'] } : {}), ...(data ? { data } : {}) },
        reasons: exactlyOne(ctx.o.reason, '--reason', 'licences amend'),
        ...(o.ticket !== undefined ? { ticketId: o.ticket } : {}),
        ...baseVersion(ctx.o.base),
      };
      return out(await api.request('POST', path('/amend'), { body }), printLicence);
    }
    case 'revoke':
      return out(await api.request('POST', path('/revoke'), { body: { reason: exactlyOne(ctx.o.reason, '--reason', 'licences revoke') } }), printLicence);
    case 'list': {
      if (!o.holder) throw new UsageError('licences list needs --holder <resident ID or credit code>: the applicant the channel acts for');
      const query = {
        holder: o.holder,
        type: o.type,
        ...(ctx.o.limit !== undefined ? { limit: String(positiveInt(ctx.o.limit, '--limit')) } : {}),
        ...(ctx.o.cursor ? { cursor: ctx.o.cursor } : {}),
      };
      return out(await api.request('GET', '/v1/licences', { query }), printLicenceList);
    }
    default:
      throw new UsageError(command ? `unknown command "licences ${command}"` : 'licences needs a command');
  }
}

function printLicence(v: LicenceView): void {
  const l = v.licence;
  const header = JSON.parse(Buffer.from(v.seal.protected, 'base64url').toString('utf8')) as Record<string, string>;
  console.log(`${l.id}`);
  const superseded = v.newestVersion > l.version ? ` · 已被第${v.newestVersion}版取代 superseded by version ${v.newestVersion}` : '';
  console.log(`${l.name} (${l.typeCode}) · 状态 status: ${STATUS_ZH[v.status]} ${v.status} · 版本 version ${l.version}${superseded}${v.replayed ? ' (replayed)' : ''}`);
  console.log(`持证人 holder: ${l.holder.name} (${l.holder.id}) · 颁发 issuer ${l.issuer} · case ${l.caseNo}`);
  console.log(`有效期 valid: ${l.validFrom} → ${l.validUntil ?? '长期 no end'}`);
  for (const [k, value] of Object.entries(l.data)) console.log(`  ${k}: ${show(value)}`);
  if (l.revocation) console.log(`撤销 revoked on ${l.revocation.on} by ${l.revocation.by}: ${l.revocation.reason}`);
  for (const a of v.amendments ?? []) {
    console.log(`更正 amended → version ${a.version} on ${a.on} by ${a.by}${a.ticketId ? ` · ticket ${a.ticketId}` : ''}: ${a.reasons}`);
    for (const c of a.changes) console.log(`  ${c.field}: ${c.from === undefined ? '（无 none）' : show(c.from)} → ${show(c.to)}`);
  }
  console.log(`电子印章 seal: ${header['tongban:seal']} of ${header['tongban:department']} · ${header.alg} · key ${header.kid} · ${header['tongban:sealedAt']}`);
}

const show = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

function printLicenceList(body: { licences: LicenceView[]; nextCursor?: string }): void {
  printTable(
    ['licence', 'type', 'name', 'valid until', 'issuer'],
    body.licences.map((v) => [v.licence.id, v.licence.typeCode, v.licence.name, v.licence.validUntil ?? '—', v.licence.issuer]),
  );
  if (body.nextCursor) console.log(`more: --cursor ${body.nextCursor}`);
}
