// The platform reviewer's catalogue queue: the items submitted for review, each shown as a diff of
// its guide against the version published now (or whole, for a new item), to publish or to return
// with reasons.
import { useState } from 'react';
import { must } from '../api/client.ts';
import { diffLines } from '../diff.ts';
import { useT } from '../i18n.tsx';
import { usePlatform } from '../platform.tsx';
import { go, href } from '../router.ts';
import { ErrorNote, Show, useAction, useLoad } from '../ui.tsx';

export function Review({ code }: { code: string | undefined }) {
  const t = useT();
  const { api } = usePlatform();
  const [queue, reload] = useLoad(() => must(api.GET('/v1/items', { params: { query: { state: 'submitted', limit: 100 } } })), [api]);
  return (
    <main className="panel">
      <h1>{t('事项审核', 'Catalogue review')}</h1>
      <Show loaded={queue}>
        {({ items }) =>
          items.length === 0 ? (
            <p className="muted">{t('没有待审核的事项。', 'No item awaits review.')}</p>
          ) : (
            <ul className="list">
              {items.map((i) => (
                <li key={i.code}>
                  <a href={href('review', i.code)} aria-current={i.code === code ? 'page' : undefined}>
                    {i.name}
                  </a>{' '}
                  <span className="muted">
                    {i.code} · v{i.version} · {i.departmentName ?? i.departmentId}
                  </span>
                </li>
              ))}
            </ul>
          )
        }
      </Show>
      {code ? (
        <ItemReview
          key={code}
          code={code}
          onDone={() => {
            reload();
            go('review');
          }}
        />
      ) : null}
    </main>
  );
}

function ItemReview({ code, onDone }: { code: string; onDone: () => void }) {
  const t = useT();
  const { api } = usePlatform();
  const [versions] = useLoad(async () => {
    const latest = await must(api.GET('/v1/items/{code}/versions/{n}', { params: { path: { code, n: 'latest' } } }));
    const published = latest.publishedVersion ? await must(api.GET('/v1/items/{code}/versions/{n}', { params: { path: { code, n: latest.publishedVersion } } })) : undefined;
    return { latest, published };
  }, [api, code]);
  const [reasons, setReasons] = useState('');
  const { busy, error, run } = useAction();
  return (
    <Show loaded={versions}>
      {({ latest, published }) => {
        const lines = diffLines(published ? JSON.stringify(published.guide, null, 2) : '', JSON.stringify(latest.guide, null, 2));
        const review = (decision: 'publish' | 'return') =>
          run(async () => {
            const list = reasons
              .split('\n')
              .map((l) => l.trim())
              .filter(Boolean);
            await must(
              api.POST('/v1/items/{code}/review', { params: { path: { code } }, body: { baseVersion: latest.version, decision, ...(list.length ? { reasons: list } : {}) } }),
            );
            onDone();
          });
        return (
          <section aria-labelledby="diff">
            <h2 id="diff">
              {latest.guide.name} · v{latest.version}{' '}
              {published ? t(`对比已发布的 v${published.version}`, `against published v${published.version}`) : t('（新事项）', '(new item)')}
            </h2>
            <pre className="diff" data-testid="diff" tabIndex={0}>
              {lines.map((l, i) => (
                <div key={i} className={l.kind}>
                  {l.kind === 'added' ? '+ ' : l.kind === 'removed' ? '- ' : '  '}
                  {l.text}
                </div>
              ))}
            </pre>
            <label>
              {t('退回理由（每行一条）', 'Reasons to return (one a line)')}
              <textarea value={reasons} onChange={(e) => setReasons(e.target.value)} rows={2} />
            </label>
            {error ? <ErrorNote error={error} /> : null}
            <button type="button" disabled={busy} onClick={() => void review('publish')}>
              {t('审核通过并发布', 'Publish')}
            </button>{' '}
            <button type="button" className="secondary" disabled={busy} onClick={() => void review('return')}>
              {t('退回修改', 'Return')}
            </button>
          </section>
        );
      }}
    </Show>
  );
}
