// An auditor's check of a bundle file, offline (`tongban audit verify`, and the console in a web
// browser: browser-audit.ts): the tar is read once, every file hashed and inspected as it streams past
// (only the bag's small records are kept whole), and the four-property check run over what was found —
// including the archive seal over the tag manifest and, when the auditor has the platform's published
// keys, that the bundle's keys are among them. The platform's own report from ingest is read too, and
// said beside. Nothing here or in what it imports needs Node: one code path for the CLI, the platform's
// read-back check and the browser; where Node runs it, it hands in node:crypto's SHA-256 for speed.
import { concatBytes, utf8Text } from '../bytes.ts';
import type { Sha256 } from '../sha256.ts';
import type { Jwks } from '../seals/jwks.ts';
import type { ArchiveReport, BagSeal, ScanResult } from './bag-assessment.ts';
import { BAG_PATHS, checkBag } from './bag-assessment.ts';
import type { FileFacts } from './file-inspection.ts';
import { FileInspector } from './file-inspection.ts';
import { readTar } from './tar.ts';

/** Files kept whole for the check: the tag files and the bag's own JSON records, up to this size. */
const MAX_KEPT_BYTES = 64 * 1024 * 1024;

export interface BundleAudit {
  root: string | undefined;
  report: ArchiveReport;
  /** The report the platform made at ingest, as the bundle holds it. */
  ingest?: ArchiveReport;
  /** Each seal in the bundle and its result (the report names only those that fail). */
  seals: BagSeal[];
  /** The virus scan the report went by: whether one ran, and if not, why not. */
  scan: ScanResult;
}

export interface AuditOptions {
  /** The virus scanner's word on the bundle (ClamAV where installed), or why there is none. */
  scan: ScanResult;
  /** The keys the platform publishes: the bundle's own must be among them. */
  publishedJwks?: Jwks;
  now?: () => Date;
  /** The SHA-256 the files are hashed with (default: plain JavaScript; Node hands in node:crypto's, native). */
  sha256?: Sha256;
}

export async function auditBundle(stream: AsyncIterable<Uint8Array>, opts: AuditOptions): Promise<BundleAudit> {
  const facts = new Map<string, FileFacts>();
  const texts = new Map<string, Uint8Array>();
  const roots = new Set<string>();
  const keep = (path: string) => !path.startsWith('data/') || /^data\/[^/]+\.json$/.test(path) || path.startsWith('data/results/') || path.startsWith(BAG_PATHS.notices);
  for await (const file of readTar(stream)) {
    const slash = file.path.indexOf('/');
    roots.add(slash < 0 ? '' : file.path.slice(0, slash));
    const path = slash < 0 ? file.path : file.path.slice(slash + 1);
    const inspector = new FileInspector(path, opts.sha256);
    const kept: Uint8Array[] | undefined = keep(path) && file.size <= MAX_KEPT_BYTES ? [] : undefined;
    for await (const chunk of file.content) {
      inspector.update(chunk);
      kept?.push(chunk);
    }
    facts.set(path, inspector.facts());
    if (kept) texts.set(path, concatBytes(kept));
  }
  const { report, seals } = checkBag(
    { files: facts, texts },
    { at: 'audit', checkedAt: (opts.now ?? (() => new Date()))().toISOString(), scan: opts.scan, ...(opts.publishedJwks ? { publishedJwks: opts.publishedJwks } : {}) },
  );
  if (roots.size !== 1) {
    report.properties.integrity.findings.push({
      code: 'BAG_ROOT_INVALID',
      message: `a bundle is one bag under one top directory; this one has ${roots.size === 0 ? 'none' : [...roots].join(', ')}`,
    });
    report.properties.integrity.passed = false;
    report.passed = false;
  }
  let ingest: ArchiveReport | undefined;
  try {
    const kept = texts.get(BAG_PATHS.report);
    ingest = (JSON.parse(kept ? utf8Text(kept) : 'null') as ArchiveReport | null) ?? undefined;
  } catch {
    ingest = undefined;
  }
  return { root: roots.size === 1 ? [...roots][0] : undefined, report, ...(ingest ? { ingest } : {}), seals, scan: opts.scan };
}
