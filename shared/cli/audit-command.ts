// `tongban audit list|fetch|verify`: an auditor's access to the archive.
// - list [--department <code>] [--item <code>] [--from <date>] [--to <date>]: the bundles, by the day
//   their case ended, read straight from the archive bucket (on AWS with the auditor's own role:
//   --profile and --bucket or TONGBAN_ARCHIVE_BUCKET; embedded, --as auditor uses the local archive);
// - fetch <bundle key> [--out <file>] [--tier Standard|Bulk] [--days <n>]: downloads one bundle. A
//   bundle the archive has moved to Deep Archive (30 days after it was written) is read once restored:
//   the first fetch asks S3 for the restore (RestoreObject, tier Standard: within 12 hours; Bulk:
//   within 48, cheaper), says when it will be ready and exits 3; a fetch while it runs says so and
//   exits 3; once restored (kept --days, 7 unless told) the fetch downloads it. The same for an object
//   S3 answers InvalidObjectState for (a replica, an object moved to a cold class otherwise);
// - verify <bundle.tar> [--jwks <published jwks.json>]: its four-property check, offline — no network,
//   no credentials. Prints the report (--json: as JSON) and exits 0 when every property holds, 1 when
//   any fails, 2 on a usage error. With --jwks (the platform's published keys, fetched once from
//   GET /v1/.well-known/jwks.json), the bundle's own keys must be among them; without it the bundle's
//   keys are taken as they are, and the report says so.
// - anchors verify|fetch <caseNo>: the case's history against the anchor journals (anchors-command.ts).
import { S3Client } from '@aws-sdk/client-s3';
import { fromNodeProviderChain } from '@aws-sdk/credential-providers';
import { createReadStream, createWriteStream } from 'node:fs';
import { readFile, rm, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { S3ArchiveStore } from '../adapters/s3-archive-store.ts';
import type { RestoreTier } from '../adapters/s3-archive-store.ts';
import { LocalCredentialsSchema } from '../contracts/local-credentials.ts';
import type { BundleListing } from '../domain/archive/archive-store.ts';
import { BUNDLES_PREFIX } from '../domain/archive/case-archiving.ts';
import { clamAvScan } from '../adapters/clamav-scanner.ts';
import type { ArchiveReport } from '../domain/archive/bag-assessment.ts';
import { PROPERTY_ZH } from '../domain/archive/bag-assessment.ts';
import { auditBundle } from '../domain/archive/bundle-audit.ts';
import { nodeSha256 } from '../domain/node-sha256.ts';
import type { Jwks } from '../domain/seals/jwks.ts';
import { UsageError } from './api-client.ts';
import { isoDate, positiveInt, readJsonFile } from './args.ts';
import { printTable } from './output.ts';
import type { AnchorsDeps } from './anchors-command.ts';
import { anchorsCommand } from './anchors-command.ts';
import { S3AnchorArchive } from '../adapters/s3-anchor-archive.ts';

export interface AuditOptions {
  json: boolean;
  jwks?: string;
  department?: string;
  item?: string;
  from?: string;
  to?: string;
  out?: string;
  bucket?: string;
  limit?: string;
  cursor?: string;
  as?: string;
  profile?: string;
  region?: string;
  credentials?: string;
  tier?: string;
  days?: string;
}

/** `audit fetch`'s exit status when the bundle is not readable yet: its restore was requested, or is under way. */
export const FETCH_NOT_READY = 3;

/** Hours a restore takes at most, by storage class and tier (S3's published retrieval times). */
const RESTORE_HOURS: Record<string, Partial<Record<RestoreTier, number>>> = {
  DEEP_ARCHIVE: { Standard: 12, Bulk: 48 },
  GLACIER: { Expedited: 0.1, Standard: 5, Bulk: 12 },
};

const TIER_ZH: Record<RestoreTier, string> = { Standard: '标准', Bulk: '批量', Expedited: '加急' };

/** `audit anchors <command> <caseNo>`: the case number, and the API the history is read from. */
export interface AuditAnchors {
  caseNo: string | undefined;
  api: AnchorsDeps['api'];
}

export async function auditCommand(command: string | undefined, arg: string | undefined, o: AuditOptions, anchors?: AuditAnchors): Promise<number> {
  if (command === 'list') return listBundles(o);
  if (command === 'fetch') return fetchBundle(arg, o);
  if (command === 'anchors') {
    if (!anchors) throw new UsageError('audit anchors needs the API');
    return anchorsCommand(arg, anchors.caseNo, o, {
      api: anchors.api,
      archive: async () => {
        const { s3, bucket } = await archiveBucketOf(o);
        return new S3AnchorArchive(s3, bucket);
      },
    });
  }
  if (command !== 'verify') throw new UsageError(command ? `unknown command "audit ${command}"` : 'audit needs a command: list, fetch, verify or anchors');
  return verifyBundle(arg, o.jwks, o.json);
}

/** The archive store an auditor reads: the embedded platform's (--as) or the deployment's (--profile/--bucket). */
async function archiveOf(o: AuditOptions): Promise<S3ArchiveStore> {
  const { s3, bucket } = await archiveBucketOf(o);
  return new S3ArchiveStore(s3, bucket);
}

/** The archive bucket as an auditor reaches it: the embedded platform's (--as) or the deployment's (--profile/--bucket). */
async function archiveBucketOf(o: AuditOptions): Promise<{ s3: S3Client; bucket: string }> {
  if (o.as !== undefined) {
    const path = o.credentials ?? process.env.TONGBAN_CREDENTIALS ?? '.tongban/credentials.json';
    let file;
    try {
      file = LocalCredentialsSchema.parse(JSON.parse(await readFile(path, 'utf8')));
    } catch (e) {
      throw new UsageError(`cannot read ${path} (${(e as Error).message}); start the platform with \`npm start\` or pass --credentials`);
    }
    if (!file.principals[o.as]) throw new UsageError(`no principal ${o.as} in ${path}`);
    const principal = file.principals[o.as]!;
    if (principal.role !== 'auditor') throw new UsageError(`${o.as} is not an auditor: the archive is read by auditors`);
    if (!file.archive) throw new UsageError(`${path} names no archive: restart the platform to update it`);
    const { endpoint, bucket } = file.archive;
    // The auditor's own key pair, as on AWS its role: the archive's S3 endpoint lets it list and read.
    const credentials = { accessKeyId: principal.accessKeyId, secretAccessKey: principal.secretAccessKey };
    return { s3: new S3Client({ endpoint, region: file.region, forcePathStyle: true, credentials }), bucket };
  }
  const bucket = o.bucket ?? process.env.TONGBAN_ARCHIVE_BUCKET;
  if (!bucket) throw new UsageError('which archive? pass --as auditor (embedded platform), or --bucket <ArchiveBucketName output> (or TONGBAN_ARCHIVE_BUCKET) with --profile');
  const region = o.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new UsageError('no region: pass --region or set AWS_REGION');
  return { s3: new S3Client({ region, credentials: fromNodeProviderChain(o.profile ? { profile: o.profile } : {}) }), bucket };
}

async function listBundles(o: AuditOptions): Promise<number> {
  if (o.item && !o.department) throw new UsageError('audit list --item needs --department (bundles are kept by department, then item)');
  for (const [flag, value] of [
    ['--from', o.from],
    ['--to', o.to],
  ] as const)
    if (value !== undefined) isoDate(value, flag);
  const store = await archiveOf(o);
  const prefix = `${BUNDLES_PREFIX}${o.department ? `${o.department}/` : ''}${o.item ? `${o.item}/` : ''}`;
  const limit = o.limit !== undefined ? positiveInt(o.limit, '--limit') : 1000;
  const bundles: BundleListing[] = [];
  let cursor = o.cursor;
  // Every page (dates are filtered here: the keys are by department and item first).
  do {
    const page = await store.list(prefix, { limit, ...(cursor ? { cursor } : {}) });
    bundles.push(...page.bundles);
    cursor = page.nextCursor;
  } while (cursor);
  const dated = bundles
    .map((b) => ({ ...b, endedOn: b.key.split('/').at(-2) ?? '' }))
    .filter((b) => (!o.from || b.endedOn >= o.from) && (!o.to || b.endedOn <= o.to))
    .sort((a, b) => (a.endedOn < b.endedOn ? -1 : a.endedOn > b.endedOn ? 1 : a.key < b.key ? -1 : 1));
  if (o.json) console.log(JSON.stringify({ bundles: dated }, null, 2));
  else {
    printTable(
      ['ended on', 'case', 'department', 'item', 'bytes', 'key'],
      dated.map((b) => {
        const [, department = '', item = '', , file = ''] = b.key.split('/');
        return [b.endedOn, file.replace(/\.tar$/, ''), department, item, String(b.size), b.key];
      }),
    );
  }
  return 0;
}

async function fetchBundle(key: string | undefined, o: AuditOptions): Promise<number> {
  if (!key || !key.startsWith(BUNDLES_PREFIX) || !key.endsWith('.tar')) throw new UsageError('audit fetch needs a bundle key (bundles/…/<caseNo>.tar, as audit list prints it)');
  const tier = (o.tier ?? 'Standard') as RestoreTier;
  if (!['Standard', 'Bulk', 'Expedited'].includes(tier)) throw new UsageError('--tier is Standard (Deep Archive: within 12 hours) or Bulk (within 48 hours, cheaper)');
  const days = o.days !== undefined ? positiveInt(o.days, '--days') : 7;
  const store = await archiveOf(o);
  const availability = await store.availability(key);
  if (!availability) {
    console.error(`tongban: no bundle ${key}`);
    return 1;
  }
  if (availability.state === 'cold' || availability.state === 'restoring') return restoreBundle(store, key, availability.storageClass, tier, days);
  const out = o.out ?? basename(key);
  try {
    await pipeline(Readable.from(store.read(key)), createWriteStream(out, { flags: 'wx' }));
  } catch (e) {
    // S3 holds it in a cold class its head did not say (or moved it since): restored first.
    if ((e as { name?: string }).name !== 'InvalidObjectState') throw e;
    await rm(out, { force: true });
    return restoreBundle(store, key, availability.storageClass === 'STANDARD' ? 'DEEP_ARCHIVE' : availability.storageClass, tier, days);
  }
  console.log(`${key} → ${out} (${(await stat(out)).size} bytes); check it: tongban audit verify ${out} --jwks <published jwks.json>`);
  return 0;
}

/** Asks for a cold bundle's restore (or finds it under way) and says, in Chinese and English, when to fetch again. */
async function restoreBundle(store: S3ArchiveStore, key: string, storageClass: string, tier: RestoreTier, days: number): Promise<number> {
  const answer = await store.restore(key, tier, days);
  const hours = RESTORE_HOURS[storageClass]?.[tier];
  const within = hours === undefined ? '' : hours < 1 ? '，预计数分钟内完成' : `，预计 ${hours} 小时内完成（${chinaTime(new Date(Date.now() + hours * 3_600_000))} 前）`;
  if (answer === 'restored') {
    console.log(`${key}: 已恢复，再次运行 tongban audit fetch 即可下载 / restored: fetch it again`);
    return FETCH_NOT_READY;
  }
  if (answer === 'in-progress') {
    console.log(
      `归档包 ${key} 存于 ${storageClass} 存储，恢复正在进行中${hours === undefined ? '' : `（${TIER_ZH[tier]}恢复最长 ${hours} 小时）`}；完成后再次运行 tongban audit fetch ${key} 即可下载。`,
    );
    console.log(`restore in progress (${storageClass}); fetch again once it is done`);
    return FETCH_NOT_READY;
  }
  console.log(
    `归档包 ${key} 已转入 ${storageClass} 存储，需先恢复方可下载：已申请${TIER_ZH[tier]}恢复（${tier}）${within}；恢复后的副本保留 ${days} 天，届时再次运行 tongban audit fetch ${key} 即可下载。`,
  );
  console.log(`restore requested (${storageClass}, tier ${tier}${hours === undefined ? '' : `, within ${hours} h`}, kept ${days} days): fetch again once it is done`);
  return FETCH_NOT_READY;
}

/** An instant as China's wall clock reads it (UTC+8), to the minute. */
function chinaTime(at: Date): string {
  return new Date(at.getTime() + 8 * 3_600_000).toISOString().slice(0, 16).replace('T', ' ');
}

async function verifyBundle(file: string | undefined, jwksPath: string | undefined, json: boolean): Promise<number> {
  if (!file) throw new UsageError('audit verify needs <bundle file> (the .tar)');
  try {
    await stat(file);
  } catch (e) {
    throw new UsageError(`cannot read the bundle ${file}: ${(e as Error).message}`);
  }
  let published: Jwks | undefined;
  if (jwksPath) {
    published = (await readJsonFile(jwksPath, 'the published keys')) as Jwks;
    if (!Array.isArray(published?.keys)) throw new UsageError(`${jwksPath} is not a JWKS: it needs "keys"`);
  }
  const scan = await clamAvScan(file);
  let audit;
  try {
    // node:crypto's SHA-256, native: the same check as the browser's, several times faster on big bundles.
    audit = await auditBundle(createReadStream(file), { scan, sha256: nodeSha256, ...(published ? { publishedJwks: published } : {}) });
  } catch (e) {
    // Not a readable tar at all: that is the bundle failing, not the command.
    const message = (e as Error).message;
    if (json) console.log(JSON.stringify({ passed: false, error: message }, null, 2));
    else console.log(`四性检测未通过 / check failed: the bundle cannot be read: ${message}`);
    return 1;
  }
  if (json) console.log(JSON.stringify({ ...audit.report, ingest: audit.ingest ?? null, publishedKeysChecked: published !== undefined }, null, 2));
  else printReport(audit.report, audit.ingest, published !== undefined);
  return audit.report.passed ? 0 : 1;
}

function printReport(report: ArchiveReport, ingest: ArchiveReport | undefined, publishedChecked: boolean): void {
  console.log(`办件 case ${report.caseNo}: 四性检测 four-property check ${report.passed ? '通过 passed' : '未通过 FAILED'}`);
  for (const [property, result] of Object.entries(report.properties) as [keyof typeof PROPERTY_ZH, ArchiveReport['properties']['integrity']][]) {
    console.log(`  ${PROPERTY_ZH[property]} ${property}: ${result.passed ? 'ok' : 'FAILED'}`);
    for (const f of result.findings) console.log(`    ✗ ${f.code}${f.path ? ` ${f.path}` : ''}: ${f.message}`);
    for (const f of result.accepted ?? []) console.log(`    ! ${f.code} ${f.path ?? ''}: ${f.message} — 已接受 accepted on ${f.on} by ${f.acceptedBy}: ${f.reasons.join('; ')}`);
    for (const c of result.checked) console.log(`    · ${c}`);
  }
  console.log(ingest ? `入库检测 ingest check (${ingest.checkedAt}): ${ingest.passed ? 'passed' : 'FAILED'}` : '入库检测 ingest check: no report in the bundle');
  if (!publishedChecked) console.log("note: the bundle's own keys were used; pass --jwks <published jwks.json> to check they are the platform's");
}
