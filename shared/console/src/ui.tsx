// The small parts every screen uses: loading an answer, showing a refusal as the platform words it,
// a form's submit with its busy state, and the statuses' names.
import type { ReactNode } from 'react';
import { useCallback, useEffect, useRef, useState } from 'react';
import { ApiError } from './api/client.ts';
import { useT } from './i18n.tsx';

export type Loaded<T> = { state: 'loading' } | { state: 'done'; value: T } | { state: 'failed'; error: unknown };

/**
 * Loads `load()` now and whenever `deps` change; `reload` loads again. With `keep`, what was loaded stays
 * shown while it loads again (a form beside the data keeps its answer on screen).
 */
export function useLoad<T>(load: () => Promise<T>, deps: readonly unknown[], opts: { keep?: boolean } = {}): [Loaded<T>, () => void] {
  const [loaded, setLoaded] = useState<Loaded<T>>({ state: 'loading' });
  const [tick, setTick] = useState(0);
  const lastTick = useRef(tick);
  useEffect(() => {
    let live = true;
    // Loaded again (reload), or asked to keep it: what is shown stays until the new answer replaces it.
    if (lastTick.current === tick && !opts.keep) setLoaded({ state: 'loading' });
    lastTick.current = tick;
    load().then(
      (value) => live && setLoaded({ state: 'done', value }),
      (error: unknown) => live && setLoaded({ state: 'failed', error }),
    );
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return [loaded, useCallback(() => setTick((n) => n + 1), [])];
}

/** A refusal as the platform gives it: the Chinese message (English when chosen), the code and the field. */
export function ErrorNote({ error }: { error: unknown }) {
  const t = useT();
  if (error instanceof ApiError) {
    return (
      <div role="alert" className="error" data-code={error.code}>
        <strong>{t(error.messageZh, error.message)}</strong>
        <span className="code">
          {error.code}
          {error.field ? ` · ${error.field}` : ''}
        </span>
        {error.issues && error.issues.length > 1 ? (
          <ul>
            {error.issues.map((i) => (
              <li key={i.field + i.message}>
                {i.field}: {t(i.messageZh, i.message)}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
    );
  }
  return (
    <div role="alert" className="error">
      <strong>{t('出错了', 'Something went wrong')}</strong> {error instanceof Error ? error.message : String(error)}
    </div>
  );
}

export function Show<T>({ loaded, children }: { loaded: Loaded<T>; children: (value: T) => ReactNode }) {
  const t = useT();
  if (loaded.state === 'loading') return <p className="muted">{t('加载中…', 'Loading…')}</p>;
  if (loaded.state === 'failed') return <ErrorNote error={loaded.error} />;
  return <>{children(loaded.value)}</>;
}

/** A form's action: runs `act`, shows its refusal, and tells the screen when it is done. */
export function useAction(): { busy: boolean; error: unknown; run: (act: () => Promise<void>) => Promise<void> } {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(undefined);
  const run = useCallback(async (act: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await act();
    } catch (e) {
      setError(e);
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, run };
}

export const STATUS_ZH: Record<string, [string, string]> = {
  received: ['待受理', 'Received'],
  'supplement-requested': ['待补正', 'Supplement requested'],
  accepted: ['已受理', 'Accepted'],
  'opinions-complete': ['协办意见已齐', 'Opinions complete'],
  decided: ['已办结', 'Decided'],
  refused: ['不予受理', 'Refused'],
  withdrawn: ['已撤回', 'Withdrawn'],
};

export function StatusTag({ status }: { status: string }) {
  const t = useT();
  const [zh, en] = STATUS_ZH[status] ?? [status, status];
  return <span className={`tag status-${status}`}>{t(zh, en)}</span>;
}

/** A date the platform computed on a year not loaded into the official calendar yet: shown as provisional. */
export function DueDate({ on, provisional, overdue }: { on: string | undefined; provisional?: boolean; overdue?: boolean }) {
  const t = useT();
  if (!on) return <span className="muted">—</span>;
  return (
    <span className={overdue ? 'due overdue' : 'due'}>
      {on}
      {provisional ? <span className="tag provisional">{t('暂定', 'provisional')}</span> : null}
      {overdue ? <span className="tag overdue">{t('已超期', 'overdue')}</span> : null}
    </span>
  );
}

export function newIdempotencyKey(): string {
  return crypto.randomUUID();
}

/** An instant as people in China read it: Beijing time, to the second. */
export function chinaTime(iso: string): string {
  return new Date(iso)
    .toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', hour12: false, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    .replace(/\//g, '-');
}

/** One of a few options, as radio buttons under a legend. */
export function Choice<V extends string>({
  legend,
  name,
  value,
  onChange,
  options,
}: {
  legend: [string, string];
  name: string;
  value: V;
  onChange: (v: V) => void;
  options: [V, string, string][];
}) {
  const t = useT();
  return (
    <fieldset>
      <legend>{t(...legend)}</legend>
      {options.map(([v, zh, en]) => (
        <label key={v} className="check">
          <input type="radio" name={name} checked={value === v} onChange={() => onChange(v)} />
          {t(zh, en)}
        </label>
      ))}
    </fieldset>
  );
}

/** A table's header row: each column's name in both languages. */
export function TableHead({ columns }: { columns: [string, string][] }) {
  const t = useT();
  return (
    <thead>
      <tr>
        {columns.map(([zh, en]) => (
          <th key={en} scope="col">
            {t(zh, en)}
          </th>
        ))}
      </tr>
    </thead>
  );
}
