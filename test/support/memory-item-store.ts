// An in-memory ItemStore for domain tests. It keeps the port's contract (shared/domain/items/item-store.ts)
// the way the DynamoDB adapter does: a version is written once (appending an existing version rejects
// with ITEM_VERSION_CONFLICT), `latest` is the newest version, and `list` answers the two query kinds
// from a head projection of each item (catalogue: items with a published version that are not
// terminated; work: items whose newest version is not published, by working state), ordered by type
// then code. Records are copied on the way in and out, as a real store serialises them, so a caller
// that mutates what it got back cannot change what is stored.
import { DomainError, invalid } from '../../shared/domain/errors.ts';
import type { ItemHead, ItemRecord } from '../../shared/domain/items/item-record.ts';
import { headOf } from '../../shared/domain/items/item-record.ts';
import type { ItemQuery, ItemStore } from '../../shared/domain/items/item-store.ts';

export class MemoryItemStore implements ItemStore {
  readonly #versions = new Map<string, ItemRecord[]>();
  readonly #heads = new Map<string, ItemHead>();

  async append(record: ItemRecord, published: ItemRecord | undefined): Promise<void> {
    const versions = this.#versions.get(record.code) ?? [];
    if (versions.some((v) => v.version === record.version)) {
      throw new DomainError({
        code: 'ITEM_VERSION_CONFLICT',
        kind: 'conflict',
        field: 'baseVersion',
        messageZh: `事项第${record.version}版已存在`,
        message: `item ${record.code} version ${record.version} already exists`,
      });
    }
    versions.push(structuredClone(record));
    versions.sort((a, b) => a.version - b.version);
    this.#versions.set(record.code, versions);
    const current = this.#heads.get(record.code);
    if (!current || current.version < record.version) this.#heads.set(record.code, headOf(structuredClone(record), published && structuredClone(published)));
  }

  async latest(code: string): Promise<ItemRecord | undefined> {
    const newest = this.#versions.get(code)?.at(-1);
    return newest && structuredClone(newest);
  }

  async version(code: string, n: number): Promise<ItemRecord | undefined> {
    const found = this.#versions.get(code)?.find((v) => v.version === n);
    return found && structuredClone(found);
  }

  async list(query: ItemQuery, page: { limit: number; cursor?: string }): Promise<{ heads: ItemHead[]; nextCursor?: string }> {
    const fingerprint = JSON.stringify(query);
    const matching = [...this.#heads.values()].filter((h) => matches(h, query)).sort((a, b) => compare(sortKey(a), sortKey(b)));
    let start = 0;
    if (page.cursor) {
      const after = decodeCursor(page.cursor, fingerprint);
      start = matching.findIndex((h) => compare(sortKey(h), after) > 0);
      if (start === -1) start = matching.length;
    }
    const heads = matching.slice(start, start + page.limit).map((h) => structuredClone(h));
    const last = heads.at(-1);
    return last && start + page.limit < matching.length ? { heads, nextCursor: encodeCursor(sortKey(last), fingerprint) } : { heads };
  }

  /** Every stored version of an item, oldest first: for tests to check what was (not) written. */
  history(code: string): ItemRecord[] {
    return structuredClone(this.#versions.get(code) ?? []);
  }

  /** Changes a stored version in place, as someone with direct table access could. */
  tamper(code: string, version: number, change: (r: ItemRecord) => ItemRecord): void {
    const versions = this.#versions.get(code) ?? [];
    const i = versions.findIndex((v) => v.version === version);
    if (i < 0) throw new Error(`no version ${version} of ${code}`);
    versions[i] = change(versions[i]!);
  }
}

function matches(head: ItemHead, query: ItemQuery): boolean {
  if (head.publicState === 'terminated') return false;
  if (query.departmentId !== undefined && head.departmentId !== query.departmentId) return false;
  if (query.kind === 'work') return head.state === query.state;
  return head.publishedVersion !== undefined && (query.type === undefined || head.type === query.type);
}

const sortKey = (h: ItemHead) => `${h.type}#${h.code}`;
const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function encodeCursor(after: string, fingerprint: string): string {
  return Buffer.from(JSON.stringify({ q: fingerprint, after })).toString('base64url');
}

function decodeCursor(cursor: string, fingerprint: string): string {
  const bad = invalid('INVALID_CURSOR', 'cursor', '分页游标无效或与查询条件不符', 'the cursor is malformed or belongs to another query');
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw bad;
  }
  const { q, after } = (parsed ?? {}) as { q?: unknown; after?: unknown };
  if (q !== fingerprint || typeof after !== 'string') throw bad;
  return after;
}
