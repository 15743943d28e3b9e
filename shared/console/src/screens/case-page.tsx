// One case on one screen: the applicant, the materials, the deadlines, the joint tasks, the timeline
// of its hash-chained history with the chain check, its notices and sealed results — and a form for
// every action the case allows the caller now (the case view's `actions`), each answered with the
// API's own errors.
import { useEffect, useState } from 'react';
import { must } from '../api/client.ts';
import type { CaseView } from '../api/types.ts';
import { getCase } from '../api/types.ts';
import { useT } from '../i18n.tsx';
import { usePlatform } from '../platform.tsx';
import { DueDate, ErrorNote, Show, StatusTag, chinaTime, useAction, useLoad, TableHead } from '../ui.tsx';
import { CaseActions } from './case-actions.tsx';
import { ACTION_ZH } from '../../../domain/cases/case-commands.ts';

export function CasePage({ caseNo }: { caseNo: string }) {
  const t = useT();
  const { api } = usePlatform();
  const [loaded, reload] = useLoad(async () => {
    const [view, history] = await Promise.all([getCase(api, caseNo), must(api.GET('/v1/cases/{caseNo}/history', { params: { path: { caseNo }, query: { limit: 100 } } }))]);
    return { view, history };
  }, [api, caseNo]);
  // A decision is sealed by the sealing function moments after it is made: the page looks again
  // until the sealed result is there (every 2 s, 30 times at most).
  const [looks, setLooks] = useState(0);
  const sealing = loaded.state === 'done' && loaded.value.view.status === 'decided' && !loaded.value.view.results;
  useEffect(() => {
    if (!sealing || looks >= 30) return;
    const timer = setTimeout(() => {
      setLooks((n) => n + 1);
      reload();
    }, 2000);
    return () => clearTimeout(timer);
  }, [sealing, looks, reload]);
  return (
    <main className="panel case-page">
      <Show loaded={loaded}>
        {({ view, history }) => (
          <>
            <h1>
              {view.itemName} <span className="muted">{view.caseNo}</span> <StatusTag status={view.status} />
            </h1>
            <div className="columns">
              <div>
                <Summary view={view} />
                <Materials view={view} />
                <JointTasks view={view} />
                <Results view={view} />
                <Notices view={view} />
              </div>
              <div>
                <CaseActions view={view} onDone={reload} />
                <section aria-labelledby="timeline">
                  <h2 id="timeline">{t('办理过程', 'Timeline')}</h2>
                  <p className={history.check.ok ? 'ok' : 'error'} data-testid="chain-check">
                    {history.check.ok
                      ? t('哈希链校验通过：记录未被改动。', 'Hash chain verified: the history is unaltered.')
                      : t(`哈希链校验失败：第 ${history.check.n} 条（${history.check.reason}）`, `Hash chain broken at entry ${history.check.n} (${history.check.reason})`)}
                  </p>
                  <ol className="timeline">
                    {history.entries.map((e) => (
                      <li key={e.n} data-entry-type={e.type}>
                        <span className="when">{chinaTime(e.at)}</span>
                        <strong>{t(ACTION_ZH[e.type as keyof typeof ACTION_ZH] ?? (e.type === 'file' ? '收件' : e.type), e.type)}</strong>
                        <span className="muted">
                          {e.actor.officer ?? e.actor.name}
                          {e.from !== e.to ? ` · ${e.from ?? '—'} → ${e.to}` : ''}
                        </span>
                        <code title={e.hash}>{e.hash.slice(0, 12)}</code>
                      </li>
                    ))}
                  </ol>
                </section>
              </div>
            </div>
          </>
        )}
      </Show>
    </main>
  );
}

function Summary({ view }: { view: CaseView }) {
  const t = useT();
  const provisional = new Set(view.provisional ?? []);
  const a = view.applicant;
  return (
    <section aria-labelledby="summary">
      <h2 id="summary">{t('办件信息', 'Case')}</h2>
      <dl>
        <dt>{t('申请人', 'Applicant')}</dt>
        <dd>
          {a.name}（
          {a.kind === 'person'
            ? `${t('身份证', 'ID')} ${a.residentId}，${a.phone}`
            : `${t('统一社会信用代码', 'Credit code')} ${a.creditCode}，${a.contact.name} ${a.contact.phone}`}
          ）
        </dd>
        <dt>{t('收件时间', 'Received')}</dt>
        <dd>{chinaTime(view.receivedAt)}</dd>
        <dt>{t('受理部门', 'Department')}</dt>
        <dd>{view.departmentId}</dd>
        <dt>{t('承诺期限', 'Promised by')}</dt>
        <dd>
          <DueDate on={view.deadlines?.promised} provisional={provisional.has('deadlines.promised')} overdue={view.supervision === 'overdue'} />
        </dd>
        <dt>{t('法定期限', 'Statutory limit')}</dt>
        <dd>
          <DueDate on={view.deadlines?.statutory} provisional={provisional.has('deadlines.statutory')} overdue={view.supervision === 'violation'} />
        </dd>
        {view.supplementRequest?.length ? (
          <>
            <dt>{t('补正告知', 'Supplement asked')}</dt>
            <dd>
              <ul>
                {view.supplementRequest.map((p) => (
                  <li key={p.material + p.problem}>
                    {p.material}：{p.problem}
                  </li>
                ))}
              </ul>
            </dd>
          </>
        ) : null}
        {view.acceptance ? (
          <>
            <dt>{t('受理', 'Accepted')}</dt>
            <dd>
              {view.acceptance.on}
              {view.acceptance.pendingMaterials?.length ? ` · ${t('容缺', 'pending')}：${view.acceptance.pendingMaterials.join('、')}` : ''}
            </dd>
          </>
        ) : null}
        {view.pauses.length ? (
          <>
            <dt>{t('暂停计时', 'Paused')}</dt>
            <dd>
              {view.pauses.map((p) => (
                <div key={p.from}>
                  {p.from} → {p.to ?? t('至今', 'now')}（{p.procedure}）
                </div>
              ))}
            </dd>
          </>
        ) : null}
        {view.extension ? (
          <>
            <dt>{t('延期', 'Extended')}</dt>
            <dd>
              {view.extension.days} {t('个工作日', 'working days')} · {view.extension.approvedBy}
            </dd>
          </>
        ) : null}
        {Object.keys(view.form).length ? (
          <>
            <dt>{t('申请表', 'Form')}</dt>
            <dd>
              <pre tabIndex={0}>{JSON.stringify(view.form, null, 2)}</pre>
            </dd>
          </>
        ) : null}
      </dl>
    </section>
  );
}

function Materials({ view }: { view: CaseView }) {
  const t = useT();
  const { api } = usePlatform();
  const entries = Object.entries(view.materials);
  const [shown, setShown] = useState<{ name: string; url: string; contentType: string } | undefined>();
  const { error, run } = useAction();
  // A short-lived read link of the platform's (presigned, its type pinned): the file shown inline here.
  const show = (name: string) =>
    run(async () => {
      const link = await must(api.GET('/v1/cases/{caseNo}/material', { params: { path: { caseNo: view.caseNo }, query: { name } } }));
      setShown({ name, url: link.url, contentType: link.contentType });
    });
  return (
    <section aria-labelledby="materials">
      <h2 id="materials">{t('申请材料', 'Materials')}</h2>
      {entries.length === 0 ? (
        <p className="muted">{t('无', 'None')}</p>
      ) : (
        <table>
          <thead>
            <tr>
              <th scope="col">{t('材料', 'Material')}</th>
              <th scope="col">{t('类型', 'Type')}</th>
              <th scope="col">{t('大小', 'Size')}</th>
              <th scope="col">SHA-256</th>
              <th scope="col">
                <span className="sr-only">{t('查看', 'View')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {entries.map(([name, m]) => (
              <tr key={name}>
                <td>{name}</td>
                {m.kind === 'upload' ? (
                  <>
                    <td>{m.contentType}</td>
                    <td>{m.size.toLocaleString()} B</td>
                    <td>
                      <code title={m.sha256}>{m.sha256.slice(0, 16)}…</code>
                    </td>
                    <td>
                      <button type="button" className="secondary" onClick={() => void show(name)} aria-label={`${t('查看', 'View')} ${name}`}>
                        {t('查看', 'View')}
                      </button>
                    </td>
                  </>
                ) : (
                  <td colSpan={4}>
                    {t('电子证照', 'e-licence')} {m.licenceId}
                  </td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {error ? <ErrorNote error={error} /> : null}
      {shown ? (
        <figure className="material-view" data-testid="material-view">
          <figcaption>
            {shown.name} ·{' '}
            <a href={shown.url} target="_blank" rel="noreferrer">
              {t('在新窗口打开', 'Open in a new window')}
            </a>
          </figcaption>
          {shown.contentType.startsWith('image/') ? (
            <img src={shown.url} alt={shown.name} />
          ) : shown.contentType === 'application/pdf' ? (
            <iframe src={shown.url} title={shown.name} />
          ) : (
            <p className="muted">{t('此格式请下载后用版式阅读器打开。', 'Download this format and open it with its reader.')}</p>
          )}
        </figure>
      ) : null}
    </section>
  );
}

function JointTasks({ view }: { view: CaseView }) {
  const t = useT();
  if (!view.jointTasks?.length) return null;
  return (
    <section aria-labelledby="joint">
      <h2 id="joint">{t('联合办理', 'Joint handling')}</h2>
      <table>
        <TableHead
          columns={[
            ['协办部门', 'Co-department'],
            ['意见期限', 'Due'],
            ['状态', 'Status'],
            ['意见', 'Opinion'],
          ]}
        />
        <tbody>
          {view.jointTasks.map((task) => (
            <tr key={task.departmentId}>
              <td>{task.departmentId}</td>
              <td>
                <DueDate on={task.dueOn} overdue={task.status === 'escalated'} />
              </td>
              <td>{task.status}</td>
              <td>{task.opinion ? `${task.opinion.outcome === 'agree' ? t('同意', 'agree') : t('不同意', 'disagree')} ${task.opinion.reasons?.join('；') ?? ''}` : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

function Results({ view }: { view: CaseView }) {
  const t = useT();
  if (!view.decision) return null;
  return (
    <section aria-labelledby="results">
      <h2 id="results">{t('办理结果', 'Result')}</h2>
      <p>
        {view.decision.outcome === 'approved' ? t('准予许可', 'Approved') : t('不予许可', 'Denied')} · {view.decision.on}
        {view.decision.reasons?.length ? ` · ${view.decision.reasons.join('；')}` : ''}
      </p>
      {view.results ? (
        <div className="sealed" data-testid="sealed-decision">
          <p>
            {t('决定书已加盖电子印章', 'The decision is sealed')}：{sealLabel(view.results.decision.seal.protected)} · {chinaTime(view.results.sealedAt)}
            {view.results.licenceId ? ` · ${t('电子证照', 'e-licence')} ${view.results.licenceId}` : ''}
          </p>
          <details>
            <summary>{t('查看决定书', 'Show the decision document')}</summary>
            <pre tabIndex={0}>{JSON.stringify(JSON.parse(view.results.decision.document), null, 2)}</pre>
          </details>
        </div>
      ) : (
        <p className="muted">{t('正在加盖电子印章…', 'Sealing…')}</p>
      )}
    </section>
  );
}

function Notices({ view }: { view: CaseView }) {
  const t = useT();
  if (!view.notices?.length) return null;
  return (
    <section aria-labelledby="notices">
      <h2 id="notices">{t('告知书', 'Notices')}</h2>
      <ul>
        {view.notices.map((n) => (
          <li key={`${n.kind}-${n.entry}`}>
            {t(...(NOTICE_ZH[n.kind] ?? [n.kind, n.kind]))} · {t(`第 ${n.entry} 条记录`, `entry ${n.entry}`)}
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The seal's header (base64url JSON): which key sealed it, with which algorithm. */
function sealLabel(protectedHeader: string): string {
  try {
    const json = atob(protectedHeader.replace(/-/g, '+').replace(/_/g, '/'));
    const header = JSON.parse(new TextDecoder().decode(Uint8Array.from(json, (c) => c.charCodeAt(0)))) as { alg?: string; kid?: string };
    return `${header.alg ?? '?'} ${header.kid ?? ''}`.trim();
  } catch {
    return '';
  }
}

const NOTICE_ZH: Record<string, [string, string]> = {
  acceptance: ['受理通知书', 'Acceptance notice'],
  'pending-acceptance': ['容缺受理告知书', 'Acceptance with materials to follow'],
  refusal: ['不予受理通知书', 'Refusal notice'],
  supplement: ['补齐补正通知书', 'Supplement notice'],
  extension: ['延期通知书', 'Extension notice'],
  'special-procedure': ['特别程序告知书', 'Special procedure notice'],
};
