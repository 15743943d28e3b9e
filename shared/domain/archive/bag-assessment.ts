// The four-property check (四性检测, DA/T 70-2018) of a case bundle — a BagIt bag (RFC 8493) — one
// function for both moments it is made: at ingest, over the bag as it is being built (before its tag
// manifest exists), and by an auditor over a bundle file years later (`tongban audit verify`):
//   - authenticity (真实性): every seal inside verifies with the bundled public keys — the decision's,
//     the licence's, each notice's, and (audit) the archive seal over the tag manifest; the history chain verifies and
//     ends at the case's state; the metadata says what the case says; each material is the file the
//     case recorded (its SHA-256); (audit, given the published keys) the bundled keys are the published ones;
//   - integrity (完整性): bagit.txt as RFC 8493 says, every file in the manifests present with its
//     checksum, no payload file unlisted, Payload-Oxum right, the history without gaps;
//   - usability (可用性): every file in a bundle format and readable as that format;
//   - security (安全性): nothing encrypted, nothing of an unknown format, and the virus scan's word.
// Besides the report, the check answers each seal's own result (checkBag), for a screen that lists them.
// No Node in it, nor in what it imports: a web browser runs this very check (browser-audit.ts).
import { utf8Text } from '../bytes.ts';
import type { CaseHistoryEntry, CaseState, SealedDocument } from '../cases/case-record.ts';
import { ACCEPTABLE_ARCHIVE_FINDINGS } from '../cases/case-record.ts';
import { verifyCaseHistory } from '../cases/case-history.ts';
import type { Jwks, JwksSealCheck } from '../seals/jwks.ts';
import { verifySealWithJwks } from '../seals/jwks.ts';
import type { FileFacts } from './file-inspection.ts';

export const BAGIT_TXT = 'BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n';
export const BAG_PATHS = {
  bagit: 'bagit.txt',
  bagInfo: 'bag-info.txt',
  manifest: 'manifest-sha256.txt',
  tagManifest: 'tagmanifest-sha256.txt',
  /** The archive seal over the tag manifest: outside the tag manifest, which cannot list itself. */
  tagManifestSeal: 'tagmanifest-sha256.txt.seal.json',
  jwks: 'keys/jwks.json',
  report: 'check-report.json',
  caseState: 'data/case.json',
  history: 'data/history.json',
  metadata: 'data/metadata.json',
  decision: 'data/results/decision.json',
  decisionSeal: 'data/results/decision.seal.json',
  licence: 'data/results/licence.json',
  licenceSeal: 'data/results/licence.seal.json',
  /** The sealed notices: `noticePaths`. */
  notices: 'data/notices/',
} as const;

/** Where a sealed notice and its seal are in the bag: by the entry it notifies and its kind. */
export function noticePaths(notice: { kind: string; entry: number }): { document: string; seal: string } {
  const name = `${BAG_PATHS.notices}${String(notice.entry).padStart(6, '0')}-${notice.kind}`;
  return { document: `${name}.json`, seal: `${name}.seal.json` };
}

export type Property = 'authenticity' | 'integrity' | 'usability' | 'security';
export const PROPERTY_ZH: Record<Property, string> = { authenticity: '真实性', integrity: '完整性', usability: '可用性', security: '安全性' };

export interface Finding {
  code: string;
  path?: string;
  message: string;
}

/** A finding the platform role accepted for the case (its `archiveExceptions`): listed, not failing the property. */
export interface AcceptedFinding extends Finding {
  reasons: string[];
  acceptedBy: string;
  on: string;
}

export interface PropertyResult {
  passed: boolean;
  /** What was checked, in words. */
  checked: string[];
  findings: Finding[];
  /** Findings the case's record says the platform role accepted, with why, by whom and when. */
  accepted?: AcceptedFinding[];
}

export interface ArchiveReport {
  caseNo: string;
  /** `ingest` (made by the platform when it archived the case, and kept in the bundle) or `audit`. */
  at: 'ingest' | 'audit';
  checkedAt: string;
  passed: boolean;
  properties: Record<Property, PropertyResult>;
}

/** A virus scanner's word on the bundle's files. */
export interface ScanResult {
  ran: boolean;
  /** The scanner, or why none ran. */
  scanner: string;
  infected: { path: string; signature: string }[];
}

/** A virus scanner fed each file's bytes as they stream into the bundle (ClamAV where installed). */
export interface StreamScanner {
  name: string;
  start(path: string): {
    /** Resolves when the scanner has taken the chunk (backpressure). */
    write(chunk: Uint8Array): Promise<void>;
    /** The signature found, or undefined when clean. */
    end(): Promise<string | undefined>;
  };
}

/** A file of a bundle as it was metadata-described (data/metadata.json `files`). */
export interface BundleFileRecord {
  path: string;
  /** What it is: the case material of that name, a superseded version of one, an opinion attachment… */
  role: 'material' | 'superseded-material' | 'attachment' | 'record';
  name?: string;
  /** As the case recorded it (superseded versions: absent; the manifest has every file's). */
  sha256?: string;
  size: number;
  contentType: string;
}

/** A bag as the check sees it: the facts of every file, and the bytes of the small ones (tags, JSON). */
export interface CollectedBag {
  files: ReadonlyMap<string, FileFacts>;
  texts: ReadonlyMap<string, Uint8Array>;
}

export interface AssessOptions {
  at: 'ingest' | 'audit';
  checkedAt: string;
  scan: ScanResult;
  /** Audit: the keys the platform publishes; the bundled ones must be among them. */
  publishedJwks?: Jwks;
}

/** A seal in the bag, as the check found it. */
export interface BagSeal {
  /** What it seals, in words ("the decision document"). */
  what: string;
  /** The sealed document's path in the bag, and its seal's. */
  document: string;
  seal: string;
  /**
   * `valid` or `invalid` by its check; `missing`: the document or its seal is not in the bag;
   * `unchecked`: the bag has no keys to check it with.
   */
  result: 'valid' | 'invalid' | 'missing' | 'unchecked';
  /** The check's answer (the seal's header — department, seal, key, algorithm, time — and why not, when not). */
  check?: JwksSealCheck;
}

/** The four-property report, and each seal's result. */
export interface BagCheck {
  report: ArchiveReport;
  seals: BagSeal[];
}

/** The four-property report of `bag`. */
export function assessBag(bag: CollectedBag, opts: AssessOptions): ArchiveReport {
  return checkBag(bag, opts).report;
}

/** The four-property report of `bag`, and the result of each seal in it. */
export function checkBag(bag: CollectedBag, opts: AssessOptions): BagCheck {
  const results: Record<Property, PropertyResult> = {
    authenticity: { passed: true, checked: [], findings: [] },
    integrity: { passed: true, checked: [], findings: [] },
    usability: { passed: true, checked: [], findings: [] },
    security: { passed: true, checked: [], findings: [] },
  };
  const find = (p: Property, code: string, message: string, path?: string) => results[p].findings.push({ code, message, ...(path ? { path } : {}) });
  const checked = (p: Property, what: string) => results[p].checked.push(what);
  const json = <T>(path: string): T | undefined => {
    const t = bag.texts.get(path);
    if (!t) return undefined;
    try {
      return JSON.parse(utf8Text(t)) as T;
    } catch {
      return undefined;
    }
  };

  // Integrity ---------------------------------------------------------------------------------------
  checked('integrity', 'bagit.txt declares BagIt 1.0, UTF-8');
  if (textOf(bag, BAG_PATHS.bagit) !== BAGIT_TXT) find('integrity', 'BAGIT_DECLARATION_INVALID', 'bagit.txt is missing or not the BagIt 1.0 declaration', BAG_PATHS.bagit);
  const manifest = parseManifest(bag.texts.get(BAG_PATHS.manifest));
  checked('integrity', 'every payload file listed in manifest-sha256.txt is present with its SHA-256, and none is unlisted');
  if (!manifest) find('integrity', 'MANIFEST_MISSING', 'manifest-sha256.txt is missing', BAG_PATHS.manifest);
  else checkListed(manifest, (p) => p.startsWith('data/'), 'payload');
  if (opts.at === 'audit') {
    const tags = parseManifest(bag.texts.get(BAG_PATHS.tagManifest));
    checked('integrity', 'every tag file listed in tagmanifest-sha256.txt is present with its SHA-256, and none is unlisted');
    if (!tags) find('integrity', 'TAG_MANIFEST_MISSING', 'tagmanifest-sha256.txt is missing', BAG_PATHS.tagManifest);
    else checkListed(tags, (p) => !p.startsWith('data/') && p !== BAG_PATHS.tagManifest && p !== BAG_PATHS.tagManifestSeal, 'tag');
  }
  const oxum = /^Payload-Oxum: (\d+)\.(\d+)$/m.exec(textOf(bag, BAG_PATHS.bagInfo) ?? '');
  const payload = [...bag.files].filter(([p]) => p.startsWith('data/'));
  checked('integrity', 'Payload-Oxum in bag-info.txt counts the payload');
  if (!oxum || Number(oxum[1]) !== payload.reduce((n, [, f]) => n + f.size, 0) || Number(oxum[2]) !== payload.length) {
    find(
      'integrity',
      'PAYLOAD_OXUM_MISMATCH',
      `bag-info.txt's Payload-Oxum is ${oxum ? `${oxum[1]}.${oxum[2]}` : 'missing'}; the payload is ${payload.reduce((n, [, f]) => n + f.size, 0)}.${payload.length}`,
      BAG_PATHS.bagInfo,
    );
  }
  const state = json<CaseState>(BAG_PATHS.caseState);
  const history = json<CaseHistoryEntry[]>(BAG_PATHS.history);
  checked('integrity', "the case history is complete: entries 1…n without gaps, ending at the case's state");
  checked('authenticity', 'the case history is hash-chained, every entry intact');
  if (!state) find('integrity', 'CASE_RECORD_MISSING', 'data/case.json is missing or not JSON', BAG_PATHS.caseState);
  if (!history || !Array.isArray(history)) find('integrity', 'HISTORY_MISSING', 'data/history.json is missing or not a list of entries', BAG_PATHS.history);
  else {
    const check = verifyCaseHistory(history, state);
    if (!check.ok) {
      const gap = /missing|appears again|not chained/.test(check.reason);
      find(gap ? 'integrity' : 'authenticity', gap ? 'HISTORY_GAP' : 'HISTORY_BROKEN', `history entry ${check.n}: ${check.reason}`, BAG_PATHS.history);
    }
  }

  // Authenticity ------------------------------------------------------------------------------------
  const bundled = json<Jwks>(BAG_PATHS.jwks);
  const jwks = bundled && Array.isArray(bundled.keys) ? bundled : undefined;
  if (!jwks) find('authenticity', 'KEYS_MISSING', 'keys/jwks.json is missing: no seal can be checked', BAG_PATHS.jwks);
  const seals: BagSeal[] = [];
  const sealed = (documentPath: string, sealPath: string, what: string, note = true) => {
    if (note) checked('authenticity', `${what} seal verifies with the bundled keys`);
    const document = bag.texts.get(documentPath);
    const seal = json<SealedDocument['seal']>(sealPath);
    const place = { what, document: documentPath, seal: sealPath };
    if (!document || !seal) {
      seals.push({ ...place, result: 'missing' });
      return find('authenticity', 'SEAL_MISSING', `${what} or its seal is missing`, documentPath);
    }
    if (!jwks) return seals.push({ ...place, result: 'unchecked' });
    const result = verifySealWithJwks(document, seal, jwks);
    seals.push({ ...place, result: result.valid ? 'valid' : 'invalid', check: result });
    if (!result.valid) find('authenticity', 'SEAL_INVALID', `${what}: ${result.reason}: ${result.detail}`, documentPath);
  };
  if (state?.results) {
    sealed(BAG_PATHS.decision, BAG_PATHS.decisionSeal, 'the decision document');
    if (state.results.decision.document !== textOf(bag, BAG_PATHS.decision)) {
      find('authenticity', 'METADATA_MISMATCH', 'the decision document is not the one the case records', BAG_PATHS.decision);
    }
    if (state.results.licenceId) sealed(BAG_PATHS.licence, BAG_PATHS.licenceSeal, 'the e-licence');
  }
  const notices = state?.notices ?? [];
  if (notices.length > 0) checked('authenticity', "every notice's seal verifies with the bundled keys, and each is the document the case records");
  for (const notice of notices) {
    const paths = noticePaths(notice);
    sealed(paths.document, paths.seal, `the ${notice.kind} notice of entry ${notice.entry}`, false);
    if (bag.texts.has(paths.document) && notice.document !== textOf(bag, paths.document)) {
      find('authenticity', 'METADATA_MISMATCH', `the ${notice.kind} notice of entry ${notice.entry} is not the one the case records`, paths.document);
    }
  }
  if (state) {
    checked('integrity', 'every notice the case owed is sealed and in the bundle');
    for (const due of state.noticesDue ?? []) find('integrity', 'NOTICE_NOT_SEALED', `the ${due.kind} notice of entry ${due.entry} was never sealed`, BAG_PATHS.caseState);
  }
  if (opts.at === 'audit') sealed(BAG_PATHS.tagManifest, BAG_PATHS.tagManifestSeal, 'the tag manifest (archive seal)');
  const metadata = json<{ caseNo?: string; itemCode?: string; departmentId?: string; status?: string; files?: BundleFileRecord[] }>(BAG_PATHS.metadata);
  checked('authenticity', 'the metadata describes this case, and every material is the file the case recorded');
  if (!metadata || !state) find('authenticity', 'METADATA_MISSING', 'data/metadata.json is missing or not JSON', BAG_PATHS.metadata);
  else {
    for (const field of ['caseNo', 'itemCode', 'departmentId', 'status'] as const) {
      if (metadata[field] !== state[field])
        find('authenticity', 'METADATA_MISMATCH', `metadata ${field} is ${String(metadata[field])}, the case says ${state[field]}`, BAG_PATHS.metadata);
    }
    for (const [name, m] of Object.entries(state.materials)) {
      if (m.kind !== 'upload') continue;
      const record = metadata.files?.find((f) => f.role === 'material' && f.name === name);
      const facts = record ? bag.files.get(record.path) : undefined;
      if (!record || !facts) find('integrity', 'MATERIAL_MISSING', `the material "${name}" is not in the bundle`);
      else if (facts.sha256 !== m.sha256)
        find('authenticity', 'MATERIAL_NOT_AS_RECORDED', `"${name}" is not the file the case recorded (SHA-256 ${facts.sha256}, recorded ${m.sha256})`, record.path);
    }
  }
  if (opts.publishedJwks && jwks) {
    checked('authenticity', 'the bundled keys are keys the platform publishes');
    for (const k of jwks.keys) {
      const published = opts.publishedJwks.keys.find((p) => p.kid === k.kid);
      if (!published || published['tongban:spki'] !== k['tongban:spki']) find('authenticity', 'KEY_NOT_PUBLISHED', `key ${k.kid} is not among the published keys`, BAG_PATHS.jwks);
    }
  }

  // Usability and security --------------------------------------------------------------------------
  checked('usability', 'every file is in a bundle format (PDF, OFD, JPEG, PNG, JSON, text) and reads as that format');
  checked('security', 'no file is encrypted or of an unknown format');
  // A file of a case that ended before intake refused such files may carry a finding the platform
  // role accepted (the case's archiveExceptions, in data/case.json): listed as accepted, not failing.
  const exceptions = state?.archiveExceptions ?? [];
  if (exceptions.length > 0) checked('usability', 'findings the platform role accepted for the case (data/case.json archiveExceptions) are listed as accepted');
  const findOfFile = (p: Property, code: string, message: string, path: string) => {
    const exception = ACCEPTABLE_ARCHIVE_FINDINGS.includes(code) ? exceptions.find((e) => e.code === code && e.path === path) : undefined;
    if (!exception) return find(p, code, message, path);
    (results[p].accepted ??= []).push({ code, message, path, reasons: exception.reasons, acceptedBy: exception.acceptedBy, on: exception.on });
  };
  for (const [path, facts] of bag.files) {
    if (facts.unknownFormat) find('security', 'UNKNOWN_FORMAT', facts.unreadable ?? 'unknown format', path);
    else if (!facts.readable) findOfFile('usability', 'UNREADABLE', facts.unreadable ?? 'unreadable', path);
    if (facts.encrypted) findOfFile('security', 'ENCRYPTED', 'the file is encrypted: it could not be read without its key', path);
  }
  checked('security', opts.scan.ran ? `virus scan by ${opts.scan.scanner}` : `virus scan not run: ${opts.scan.scanner}`);
  for (const v of opts.scan.infected) find('security', 'VIRUS_FOUND', `${opts.scan.scanner} found ${v.signature}`, v.path);

  for (const p of Object.values(results)) p.passed = p.findings.length === 0;
  const report: ArchiveReport = {
    caseNo: state?.caseNo ?? '?',
    at: opts.at,
    checkedAt: opts.checkedAt,
    passed: Object.values(results).every((p) => p.passed),
    properties: results,
  };
  return { report, seals };

  function checkListed(listed: Map<string, string>, belongs: (path: string) => boolean, what: string) {
    for (const [path, sha] of listed) {
      const facts = bag.files.get(path);
      if (!facts) find('integrity', 'MISSING', `the ${what} file ${path} is listed but not in the bundle`, path);
      else if (facts.sha256 !== sha) find('integrity', 'CHECKSUM_MISMATCH', `the ${what} file ${path} does not have its listed SHA-256`, path);
    }
    for (const path of bag.files.keys()) if (belongs(path) && !listed.has(path)) find('integrity', 'UNLISTED', `${path} is in the bundle but not in the ${what} manifest`, path);
  }
}

/** `<sha256>  <path>` lines (RFC 8493 §2.1.3; CR, LF and % percent-encoded in paths). */
export function parseManifest(text: Uint8Array | undefined): Map<string, string> | undefined {
  if (!text) return undefined;
  const out = new Map<string, string>();
  for (const line of utf8Text(text).split('\n')) {
    if (line.trim() === '') continue;
    const m = /^([0-9a-f]{64}) +(.+)$/.exec(line);
    if (m) out.set(decodeURIComponent(m[2]!.replace(/%(?!0A|0D|25)/gi, '%25')), m[1]!);
  }
  return out;
}

/** A manifest's text: one `<sha256>  <path>` line per file, sorted by path. */
export function manifestText(files: Iterable<[string, { sha256: string }]>): string {
  return [...files]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([path, f]) => `${f.sha256}  ${path.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A')}\n`)
    .join('');
}

/** A small file of the bag as text (UTF-8), if the bag has it. */
function textOf(bag: CollectedBag, path: string): string | undefined {
  const bytes = bag.texts.get(path);
  return bytes && utf8Text(bytes);
}
