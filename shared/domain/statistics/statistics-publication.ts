// The month's sealed statistics document (001 §28): the month's public figures as canonical JSON
// (RFC 8785), sealed with the platform's archive seal key like the anchor journals, written once to the
// archive bucket under `statistics/<yyyy-mm>.json` with its seal beside it (`….seal.json`, the same
// detached JWS: README, verify with OpenSSL), and kept in the statistics table, from which the public
// route answers that month ever after. Made by the publication function's hourly run once the month
// has ended a day ago and none of its days waits for a roll-up; never rewritten: a retry takes what the
// archive holds.
import type { AnchorArchive } from '../anchors/anchor-ports.ts';
import { ARCHIVE_SEAL } from '../archive/case-bundle.ts';
import { chinaDate, dayNumber, fromDayNumber } from '../calendar/china-date.ts';
import { canonicalBytes } from '../seals/jcs.ts';
import type { Seal, SealAlgorithm, SealSigner } from '../seals/seal.ts';
import { sealDocument } from '../seals/seal.ts';
import { parsePeriod } from './statistics-figures.ts';
import type { StatisticsStore, StoredDocument } from './statistics-ports.ts';
import type { StatisticsService } from './statistics-service.ts';

/** Where the archive bucket keeps the sealed statistics documents. */
export const STATISTICS_PREFIX = 'statistics/';
export const statisticsDocumentKey = (month: string) => `${STATISTICS_PREFIX}${month}.json`;
export const statisticsSealKey = (month: string) => `${STATISTICS_PREFIX}${month}.seal.json`;
/** The document's `type`. */
export const STATISTICS_DOCUMENT_TYPE = 'tongban.statistics.month';

export interface PublicationDeps {
  statistics: Pick<StatisticsService, 'computePublic'>;
  store: StatisticsStore;
  archive: Pick<AnchorArchive, 'putOnce' | 'get'>;
  signer: SealSigner;
  /** The platform's archive seal key (the directory's `archiveKey`). */
  archiveKey: () => Promise<{ keyId: string; alg: SealAlgorithm } | undefined>;
  now: () => Date;
}

export class StatisticsPublication {
  constructor(private readonly deps: PublicationDeps) {}

  /** The month before today's, once due (from its second day after, its days rolled up): published, or undefined. */
  async publishDue(): Promise<string | undefined> {
    const today = chinaDate(this.deps.now());
    const firstOfThisMonth = `${today.slice(0, 7)}-01`;
    const month = fromDayNumber(dayNumber(firstOfThisMonth) - 1).slice(0, 7);
    if (today <= firstOfThisMonth) return undefined;
    if (await this.deps.store.document(month)) return undefined;
    const waiting = await this.deps.store.changedBuckets(1);
    if (waiting.some((b) => b.day < firstOfThisMonth)) return undefined;
    await this.publish(month);
    return month;
  }

  /** Seals and keeps the month's document (what the archive holds already, if a run before wrote it). */
  async publish(month: string): Promise<StoredDocument> {
    const key = statisticsDocumentKey(month);
    let bytes = await this.deps.archive.get(key);
    if (!bytes) {
      const fresh = canonicalBytes({
        type: STATISTICS_DOCUMENT_TYPE,
        month,
        issuedAt: this.deps.now().toISOString(),
        statistics: await this.deps.statistics.computePublic(parsePeriod(month)),
      });
      bytes = (await this.deps.archive.putOnce(key, fresh, 'application/json')) === 'written' ? fresh : await this.deps.archive.get(key);
      if (!bytes) throw new Error(`${key} is taken in the archive but cannot be read back`);
    }
    const sealKey = statisticsSealKey(month);
    const kept = await this.deps.archive.get(sealKey);
    let seal: Seal;
    if (kept) {
      seal = JSON.parse(kept.toString('utf8')) as Seal;
    } else {
      const archiveKey = await this.deps.archiveKey();
      if (!archiveKey) throw new Error('the directory names no archive key: the statistics document cannot be sealed');
      seal = await sealDocument(
        bytes,
        { keyId: archiveKey.keyId, alg: archiveKey.alg, department: ARCHIVE_SEAL.department, seal: ARCHIVE_SEAL.seal, sealedAt: this.deps.now().toISOString() },
        this.deps.signer,
      );
      await this.deps.archive.putOnce(sealKey, canonicalBytes(seal), 'application/json');
    }
    const header = JSON.parse(Buffer.from(seal.protected, 'base64url').toString('utf8')) as { 'tongban:sealedAt': string };
    const doc: StoredDocument = { month, document: bytes.toString('utf8'), seal, archiveKey: key, sealedAt: header['tongban:sealedAt'] };
    await this.deps.store.putDocument(doc);
    return doc;
  }
}
