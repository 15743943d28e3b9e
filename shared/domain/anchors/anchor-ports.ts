// Ports of anchoring: where the case heads that changed are found (the cases table's anchorQueue
// index), where journals are written once and read back (the archive bucket), and a hint of the newest
// journal (the cases table), which only saves a listing: whatever it says is checked against the
// archive.
import type { AnchorLeaf } from './anchor-tree.ts';

/** A case head as the anchor queue lists it: the leaf it becomes, and when it changed. */
export interface ChangedHead extends AnchorLeaf {
  /** When the head was written at this version (ISO instant, the writer's clock). */
  changedAt: string;
}

export interface AnchorQueue {
  /**
   * Every head whose change time is after `after` (none: from the beginning) and at most `through`,
   * oldest change first — or, when more than about `limit` changed then, every head up to an earlier
   * `through` (the one answered), so that one run stays bounded and the next one goes on from there.
   */
  changedHeads(after: string | null, through: string, limit: number): Promise<{ heads: ChangedHead[]; through: string }>;
}

/** The archive bucket's `anchors/` area: objects written once, read back, listed in key order. */
export interface AnchorArchive {
  /**
   * Writes `body` under `key` unless something is there (If-None-Match; locked under Object Lock on
   * AWS): `exists` when it was.
   */
  putOnce(key: string, body: Uint8Array, contentType: string): Promise<'written' | 'exists'>;
  get(key: string): Promise<Buffer | undefined>;
  /** Keys under `prefix` in key order, after `startAfter` when given; a page at most `limit` long. */
  list(prefix: string, page: { limit: number; startAfter?: string; cursor?: string }): Promise<{ keys: string[]; nextCursor?: string }>;
}

/** The newest journal as the last run left it: where to start looking. */
export interface AnchorHint {
  key: string;
  sha256: string;
}

export interface AnchorProgress {
  hint(): Promise<AnchorHint | undefined>;
  recordHint(hint: AnchorHint): Promise<void>;
}
