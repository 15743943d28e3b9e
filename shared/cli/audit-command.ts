// `tongban audit verify <bundle.tar> [--jwks <published jwks.json>]`: an auditor's four-property check
// of an archive bundle, offline — no network, no credentials. Prints the report (--json: as JSON) and
// exits 0 when every property holds, 1 when any fails, 2 on a usage error. With --jwks (the platform's
// published keys, fetched once from GET /v1/.well-known/jwks.json), the bundle's own keys must be among
// them; without it the bundle's keys are taken as they are, and the report says so.
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { clamAvScan } from '../adapters/clamav-scanner.ts';
import type { ArchiveReport } from '../domain/archive/bag-assessment.ts';
import { PROPERTY_ZH } from '../domain/archive/bag-assessment.ts';
import { auditBundle } from '../domain/archive/bundle-audit.ts';
import type { Jwks } from '../domain/seals/jwks.ts';
import { UsageError } from './api-client.ts';
import { readJsonFile } from './args.ts';

export async function auditCommand(command: string | undefined, file: string | undefined, jwksPath: string | undefined, json: boolean): Promise<number> {
  if (command !== 'verify') throw new UsageError(command ? `unknown command "audit ${command}"` : 'audit needs a command: verify');
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
    audit = await auditBundle(createReadStream(file), { scan, ...(published ? { publishedJwks: published } : {}) });
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
    for (const c of result.checked) console.log(`    · ${c}`);
  }
  console.log(ingest ? `入库检测 ingest check (${ingest.checkedAt}): ${ingest.passed ? 'passed' : 'FAILED'}` : '入库检测 ingest check: no report in the bundle');
  if (!publishedChecked) console.log('note: the bundle\'s own keys were used; pass --jwks <published jwks.json> to check they are the platform\'s');
}
