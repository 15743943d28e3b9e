// Ports of archiving: where bundles are written once and read back (the archive bucket, with Object
// Lock on AWS), and where a case's kept files are read from, and discarded once the bundle is the
// record (the materials bucket's `cases/<caseNo>/`).

export interface BundleWrite {
  /** Locked until then (S3 Object Lock, compliance mode). */
  retainUntil: Date;
  /** Under legal hold as well (permanent retention). */
  legalHold: boolean;
  /** Object metadata (case number, department, item…), for listing without reading the bundle. */
  metadata: Record<string, string>;
}

export interface StoredBundle {
  key: string;
  size: number;
  /** SHA-256 of the whole bundle (hex), as the writer computed it while streaming. */
  sha256: string;
}

export interface BundleListing {
  key: string;
  size: number;
  lastModified: string;
  metadata?: Record<string, string>;
}

export interface ArchiveStore {
  /** The bundle under `key`, if one is there. */
  find(key: string): Promise<StoredBundle | undefined>;
  /**
   * Writes `body` under `key` once: refused (`BundleExistsError`) when something is there already. On
   * any failure nothing is left under the key (a multipart upload is aborted).
   */
  write(key: string, body: AsyncIterable<Uint8Array>, options: BundleWrite): Promise<StoredBundle>;
  read(key: string): AsyncIterable<Uint8Array>;
  list(prefix: string, page: { limit: number; cursor?: string }): Promise<{ bundles: BundleListing[]; nextCursor?: string }>;
}

export class BundleExistsError extends Error {
  constructor(readonly key: string) {
    super(`a bundle is already stored under ${key}: bundles are written once`);
    this.name = 'BundleExistsError';
  }
}

/** A file a case keeps in the materials bucket. */
export interface KeptFile {
  key: string;
  size: number;
  contentType: string;
}

export interface CaseFiles {
  /**
   * Every file kept under the case (`cases/<caseNo>/`), current and superseded; the type of a file whose
   * key `types` names is taken from it (the case recorded it), the others' asked of the store.
   */
  list(caseNo: string, types?: ReadonlyMap<string, string>): Promise<KeptFile[]>;
  open(key: string): AsyncIterable<Uint8Array>;
  /**
   * Discards every file kept under the case, once its bundle is written and checked (the bundle is the
   * record): the store hides them (S3: a delete marker over each; its lifecycle rules remove the hidden
   * versions days later). Safe to repeat: a case with nothing left is nothing to do. The number discarded.
   */
  discard(caseNo: string): Promise<number>;
}

/** Starts a case's archiving (the archive function), without waiting for it. */
export interface ArchiveStarter {
  start(caseNo: string): Promise<void>;
}
