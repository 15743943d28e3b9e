// A list read a page at a time: the first page when the screen opens (or its filters change), the
// next one when the person asks for more, with the cursor the previous page gave. Every list route of
// the API pages this way (`limit`, `cursor` → `nextCursor`), so a screen never holds more than it showed.
import type { ReactNode } from 'react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { useT } from './i18n.tsx';
import { ErrorNote } from './ui.tsx';

export interface Page<T> {
  items: T[];
  next: string | undefined;
}

interface PagedState<T> {
  items: T[];
  next: string | undefined;
  loading: boolean;
  /** Whether the first page has come. */
  started: boolean;
  error: unknown;
}

export interface Paged<T> extends PagedState<T> {
  more: () => void;
  reload: () => void;
}

/** Pages of `fetchPage` (given the cursor, none for the first); read again from the first when `deps` change. */
export function usePaged<T>(fetchPage: (cursor: string | undefined) => Promise<Page<T>>, deps: readonly unknown[]): Paged<T> {
  const [state, setState] = useState<PagedState<T>>({ items: [], next: undefined, loading: true, started: false, error: undefined });
  const generation = useRef(0);
  const fetchRef = useRef(fetchPage);
  fetchRef.current = fetchPage;
  const load = useCallback((cursor: string | undefined, keep: T[]) => {
    const mine = ++generation.current;
    setState((s) => ({ ...s, items: keep, loading: true, error: undefined, ...(cursor === undefined ? { started: false, next: undefined } : {}) }));
    fetchRef.current(cursor).then(
      (page) => mine === generation.current && setState({ items: [...keep, ...page.items], next: page.next, loading: false, started: true, error: undefined }),
      (error: unknown) => mine === generation.current && setState((s) => ({ ...s, loading: false, started: true, error })),
    );
  }, []);
  useEffect(() => load(undefined, []), deps);
  return {
    ...state,
    more: () => state.next !== undefined && !state.loading && load(state.next, state.items),
    reload: () => load(undefined, []),
  };
}

/** The list's items as `children` renders them, its refusal, and the button for the next page while there is one. */
export function PagedList<T>({ paged, empty, children }: { paged: Paged<T>; empty: string; children: (items: T[]) => ReactNode }) {
  const t = useT();
  return (
    <>
      {paged.started && paged.items.length === 0 && !paged.error ? <p className="muted">{empty}</p> : null}
      {paged.items.length > 0 ? children(paged.items) : null}
      {paged.error ? <ErrorNote error={paged.error} /> : null}
      {paged.loading ? <p className="muted">{t('加载中…', 'Loading…')}</p> : null}
      {paged.next !== undefined && !paged.loading ? (
        <button type="button" className="secondary more" onClick={paged.more}>
          {t('加载更多', 'Load more')}
        </button>
      ) : null}
    </>
  );
}
