// What the statistics keep and read (shared/adapters/dynamo-statistics-store.ts on the statistics table).
import type { StatisticsFact } from './statistics-fact.ts';
import type { SummaryRow } from './statistics-figures.ts';

/** A bucket the summaries are kept by: one China day of one department. */
export interface Bucket {
  day: string;
  departmentId: string;
}

/** A bucket whose facts changed since its summary was made; `token` names that change (settle clears exactly it). */
export interface ChangedBucket extends Bucket {
  token: string;
}

/** A day's summary of one department. */
export interface DaySummary {
  day: string;
  rows: SummaryRow[];
  /** How many facts it sums. */
  facts: number;
}

/** A month's sealed statistics document, as kept beside the archive's locked copy. */
export interface StoredDocument {
  month: string;
  /** The canonical JSON (UTF-8) that was sealed. */
  document: string;
  seal: { protected: string; signature: string };
  /** Where the archive holds it. */
  archiveKey: string;
  sealedAt: string;
}

export interface StatisticsStore {
  /** Keeps the fact of an event once: `duplicate` when the event's fact is kept already (a replay). */
  putFact(fact: StatisticsFact): Promise<'stored' | 'duplicate'>;
  /** The fact of an event, if kept (the check reads them). */
  fact(bucket: Bucket, eventId: string): Promise<StatisticsFact | undefined>;
  /** Marks the bucket changed (after its fact is kept: a roll-up that sees the mark sees the fact). */
  markChanged(bucket: Bucket): Promise<void>;
  /** Changed buckets, at most `limit`, oldest days first. */
  changedBuckets(limit: number): Promise<ChangedBucket[]>;
  /** Every fact of a bucket. */
  facts(bucket: Bucket): AsyncIterable<StatisticsFact>;
  putSummary(bucket: Bucket, summary: Omit<DaySummary, 'day'>): Promise<void>;
  /** Clears the bucket's mark unless it was marked again since it was read (then it stays changed). */
  settle(bucket: ChangedBucket): Promise<void>;
  /** A department's day summaries from `from` to `to` (China dates, inclusive), by day. */
  summaries(departmentId: string, from: string, to: string): Promise<DaySummary[]>;
  document(month: string): Promise<StoredDocument | undefined>;
  /** Keeps the month's document once (`exists` if one is kept: never replaced). */
  putDocument(doc: StoredDocument): Promise<'written' | 'exists'>;
}
