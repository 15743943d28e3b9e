// Supervision findings (监察预警) as both sides see them: the list (a page at a time, newest first,
// filtered as GET /v1/supervision/findings allows), and one finding's page — what the rule found, the
// answers and the platform's verdicts, the hash-chained history and its check — with the actions the
// caller's role has on it now: the department responsible answers (explains or says how it
// rectified); the platform role closes an answered finding or returns it with reasons, and answers
// what its own reviewers owe. The supervision screen (platform, auditors) and the department's
// findings screen both use these.
import { useState } from 'react';
import { must } from '../api/client.ts';
import { useT } from '../i18n.tsx';
import type { DepartmentRef } from '../oversight-data.ts';
import type { Finding, FindingState, Pair } from '../oversight-words.ts';
import {
  ANSWERABLE,
  FINDING_ACTION_WORDS,
  FINDING_STATES,
  FINDING_STATE_WORDS,
  RESPONSE_KIND_WORDS,
  RULE_IDS,
  RULE_KIND_WORDS,
  RULE_WORDS,
  SEVERITY_WORDS,
  actorLabel,
} from '../oversight-words.ts';
import type { Filters } from '../record-list.tsx';
import { RecordList, departmentField } from '../record-list.tsx';
import { usePlatform } from '../platform.tsx';
import { href } from '../router.ts';
import type { Role } from '../session.ts';
import { DueDate, ErrorNote, Show, useAction, useLoad } from '../ui.tsx';
import { AnswerItem, RecordHistory } from '../versions.tsx';
import '../oversight.css';

export function FindingStateTag({ state }: { state: FindingState }) {
  const t = useT();
  return <span className={`tag state-${state}`}>{t(...FINDING_STATE_WORDS[state])}</span>;
}

export function SeverityTag({ severity }: { severity: Finding['severity'] }) {
  const t = useT();
  return <span className={`tag severity-${severity}`}>{t(...SEVERITY_WORDS[severity])}</span>;
}

function SubjectText({ subject, role }: { subject: Finding['subject']; role: Role }) {
  const t = useT();
  switch (subject.kind) {
    case 'case':
      return (
        <>
          {t('办件 ', 'Case ')}
          {role === 'department' ? <a href={href('cases', subject.caseNo)}>{subject.caseNo}</a> : subject.caseNo}
        </>
      );
    case 'item':
      return <>{t(`事项 ${subject.code}`, `Item ${subject.code}`)}</>;
    case 'evaluation':
      return <>{t(`评价 ${subject.id}`, `Evaluation ${subject.id}`)}</>;
    case 'ticket':
      return <>{t(`诉求 ${subject.id}`, `Ticket ${subject.id}`)}</>;
  }
}

/** The filters a findings list reads from the hash (the department's own list has no department to choose). */
export const FINDING_FILTERS = ['department', 'rule', 'state', 'from', 'to', 'case'] as const;

/**
 * The findings list: its filter form (the screen keeps the filters in the hash, so a list can be
 * linked to), and the findings a page at a time, each linking to `link(id)`. Given `departments`, the
 * list offers them as a filter (the platform role and auditors); a department lists its own.
 */
export function FindingList({
  link,
  filters,
  onFilter,
  departments,
}: {
  link: (id: string) => string;
  filters: Filters;
  onFilter: (f: Filters) => void;
  departments?: DepartmentRef[];
}) {
  const t = useT();
  const { api, session } = usePlatform();
  const nameOf = (id: string | undefined) => (id === undefined ? t('平台审核', 'Platform reviewers') : (departments?.find((d) => d.id === id)?.name ?? id));
  return (
    <RecordList<Finding>
      id="findings"
      label={['筛选监察预警', 'Filter the findings']}
      caption={['监察预警', 'Supervision findings']}
      empty={['没有符合条件的监察预警。', 'No finding matches.']}
      filters={filters}
      onFilter={onFilter}
      fields={[
        ...departmentField(departments, ['负责部门', 'Department'], [['platform', '平台审核（事项审核）', 'Platform reviewers']]),
        { name: 'rule', label: ['规则', 'Rule'], options: RULE_IDS.map((r): [string, string, string] => [r, ...RULE_WORDS[r]]) },
        { name: 'state', label: ['状态', 'State'], options: FINDING_STATES.map((x): [string, string, string] => [x, ...FINDING_STATE_WORDS[x]]) },
        { name: 'from', label: ['发起日起', 'Raised from'], type: 'date' },
        { name: 'to', label: ['发起日止', 'Raised to'], type: 'date' },
        { name: 'case', label: ['办件编号', 'Case number'], type: 'text' },
      ]}
      load={async (query) => {
        const page = await must(api.GET('/v1/supervision/findings', { params: { query: query } }));
        return { items: page.findings, next: page.nextCursor };
      }}
      columns={[
        { head: ['预警', 'Finding'], cell: (f) => <a href={link(f.id)}>{t(f.title, RULE_WORDS[f.rule][1])}</a> },
        { head: ['等级', 'Severity'], cell: (f) => <SeverityTag severity={f.severity} /> },
        { head: ['对象', 'Subject'], cell: (f) => <SubjectText subject={f.subject} role={session.role} /> },
        ...(departments ? [{ head: ['负责部门', 'Department'] as Pair, cell: (f: Finding) => nameOf(f.departmentId) }] : []),
        { head: ['发起日', 'Raised'], cell: (f) => f.raisedOn },
        { head: ['答复期限', 'Answer by'], cell: (f) => <DueDate on={f.dueOn} provisional={f.dueProvisional === true} overdue={f.late} /> },
        { head: ['状态', 'State'], cell: (f) => <FindingStateTag state={f.state} /> },
      ]}
    />
  );
}

/** One finding: what was found, the answers and verdicts, the history and its chain check, and the caller's actions. */
export function FindingPage({ id, back, departments }: { id: string; back: string; departments?: DepartmentRef[] }) {
  const t = useT();
  const { api, session } = usePlatform();
  const [view, reload] = useLoad(() => must(api.GET('/v1/supervision/findings/{id}', { params: { path: { id } } })), [api, id]);
  return (
    <>
      <p>
        <a href={back}>{t('← 返回列表', '← Back to the list')}</a>
      </p>
      <Show loaded={view}>
        {({ finding: f, history, check }) => {
          const answerable = ANSWERABLE.includes(f.state);
          const mayAnswer = answerable && ((session.role === 'department' && f.departmentId !== undefined) || (session.role === 'platform' && f.departmentId === undefined));
          const mayJudge = session.role === 'platform' && f.state === 'answered';
          return (
            <article aria-labelledby="finding-title" data-finding={f.id} data-state={f.state}>
              <h2 id="finding-title">
                {t(f.title, RULE_WORDS[f.rule][1])} <SeverityTag severity={f.severity} /> <FindingStateTag state={f.state} />
                {f.late ? <span className="tag late">{t('已逾期', 'late')}</span> : null}
              </h2>
              <dl>
                <dt>{t('规则', 'Rule')}</dt>
                <dd>
                  {t(...RULE_WORDS[f.rule])}{' '}
                  <span className="muted">
                    （{f.rule}，{t(...RULE_KIND_WORDS[f.kind])}）
                  </span>
                </dd>
                <dt>{t('依据', 'Basis')}</dt>
                <dd>{f.basis}</dd>
                <dt>{t('对象', 'Subject')}</dt>
                <dd>
                  <SubjectText subject={f.subject} role={session.role} /> <span className="muted">· {f.occurrence}</span>
                </dd>
                <dt>{t('负责答复', 'To answer')}</dt>
                <dd>{f.departmentId === undefined ? t('平台审核', 'Platform reviewers') : (departments?.find((d) => d.id === f.departmentId)?.name ?? f.departmentId)}</dd>
                <dt>{t('发起日', 'Raised on')}</dt>
                <dd>{f.raisedOn}</dd>
                <dt>{t('答复期限', 'Answer by')}</dt>
                <dd>
                  <DueDate on={f.dueOn} provisional={f.dueProvisional === true} overdue={f.late} />{' '}
                  <span className="muted">{t(`（${f.answerDays} 个工作日）`, `(${f.answerDays} working days)`)}</span>
                </dd>
                {f.escalatedOn ? (
                  <>
                    <dt>{t('督办日', 'Escalated on')}</dt>
                    <dd>{f.escalatedOn}</dd>
                  </>
                ) : null}
                <dt>{t('规则版本', 'Rules version')}</dt>
                <dd>{f.rulesVersion}</dd>
                {Object.entries(f.facts).map(([k, v]) => (
                  <FactRow key={k} name={k} value={v} />
                ))}
              </dl>
              <Answers finding={f} />
              {mayAnswer ? <RespondForm id={f.id} onDone={reload} /> : null}
              {mayJudge ? (
                <div className="actions-row">
                  <CloseForm id={f.id} onDone={reload} />
                  <ReturnForm id={f.id} onDone={reload} />
                </div>
              ) : null}
              <RecordHistory id="finding" check={check} entries={history} actions={FINDING_ACTION_WORDS} states={FINDING_STATE_WORDS} />
            </article>
          );
        }}
      </Show>
    </>
  );
}

function FactRow({ name, value }: { name: string; value: string | number | boolean }) {
  return (
    <>
      <dt className="muted">{name}</dt>
      <dd>{String(value)}</dd>
    </>
  );
}

function Answers({ finding: f }: { finding: Finding }) {
  const t = useT();
  if (f.responses.length === 0 && f.returns.length === 0 && !f.closure) return null;
  // The answers and the verdicts in the order they were given.
  const entries = [
    ...f.responses.map((r) => ({ at: r.at, node: <AnswerItem key={`r${r.at}`} label={t(...RESPONSE_KIND_WORDS[r.kind])} by={actorLabel(r.by)} on={r.on} lines={[r.text]} /> })),
    ...f.returns.map((r) => ({ at: r.at, node: <AnswerItem key={`b${r.at}`} label={t('退回理由', 'Returned')} by={actorLabel(r.by)} on={r.on} lines={r.reasons} /> })),
    ...(f.closure
      ? [
          {
            at: f.closure.at,
            node: <AnswerItem key="c" label={t('办结', 'Closed')} by={actorLabel(f.closure.by)} on={f.closure.on} lines={f.closure.note ? [f.closure.note] : []} />,
          },
        ]
      : []),
  ].sort((a, b) => a.at.localeCompare(b.at));
  return (
    <section aria-labelledby="finding-answers">
      <h3 id="finding-answers">{t('答复与审核', 'Answers and verdicts')}</h3>
      <ol className="answers">{entries.map((e) => e.node)}</ol>
    </section>
  );
}

function RespondForm({ id, onDone }: { id: string; onDone: () => void }) {
  const t = useT();
  const { api } = usePlatform();
  const [kind, setKind] = useState<'explain' | 'rectify'>('rectify');
  const [text, setText] = useState('');
  const { busy, error, run } = useAction();
  return (
    <form
      className="action"
      aria-labelledby="respond-title"
      onSubmit={(e) => {
        e.preventDefault();
        void run(async () => {
          await must(api.POST('/v1/supervision/findings/{id}/response', { params: { path: { id } }, body: { kind, text } }));
          setText('');
          onDone();
        });
      }}
    >
      <h3 id="respond-title">{t('答复预警', 'Answer the finding')}</h3>
      <fieldset className="inline">
        <legend>{t('答复方式', 'How')}</legend>
        <label className="check">
          <input type="radio" name="kind" value="rectify" checked={kind === 'rectify'} onChange={() => setKind('rectify')} />
          {t('已整改', 'Rectified')}
        </label>
        <label className="check">
          <input type="radio" name="kind" value="explain" checked={kind === 'explain'} onChange={() => setKind('explain')} />
          {t('情况说明（非过错）', 'Explain (no fault)')}
        </label>
      </fieldset>
      <label>
        {kind === 'rectify' ? t('整改情况（整改了什么、如何整改）', 'What was rectified, and how') : t('情况说明', 'The explanation')}
        <textarea id="respond-text" value={text} onChange={(e) => setText(e.target.value)} rows={4} maxLength={2000} required />
      </label>
      {error ? <ErrorNote error={error} /> : null}
      <button type="submit" disabled={busy || !text.trim()}>
        {t('提交答复', 'Send the answer')}
      </button>
    </form>
  );
}

function CloseForm({ id, onDone }: { id: string; onDone: () => void }) {
  const t = useT();
  const { api } = usePlatform();
  const [note, setNote] = useState('');
  const { busy, error, run } = useAction();
  return (
    <form
      className="action"
      aria-labelledby="close-title"
      onSubmit={(e) => {
        e.preventDefault();
        void run(async () => {
          await must(api.POST('/v1/supervision/findings/{id}/close', { params: { path: { id } }, body: note.trim() ? { note: note.trim() } : {} }));
          onDone();
        });
      }}
    >
      <h3 id="close-title">{t('审核通过，办结', 'Accept and close')}</h3>
      <label>
        {t('办结意见（可选）', 'Note (optional)')}
        <textarea id="close-note" value={note} onChange={(e) => setNote(e.target.value)} rows={2} maxLength={1000} />
      </label>
      {error ? <ErrorNote error={error} /> : null}
      <button type="submit" disabled={busy}>
        {t('办结', 'Close')}
      </button>
    </form>
  );
}

function ReturnForm({ id, onDone }: { id: string; onDone: () => void }) {
  const t = useT();
  const { api } = usePlatform();
  const [reasons, setReasons] = useState('');
  const { busy, error, run } = useAction();
  const list = reasons
    .split('\n')
    .map((l) => l.trim())
    .filter(Boolean);
  return (
    <form
      className="action"
      aria-labelledby="return-title"
      onSubmit={(e) => {
        e.preventDefault();
        void run(async () => {
          await must(api.POST('/v1/supervision/findings/{id}/return', { params: { path: { id } }, body: { reasons: list } }));
          setReasons('');
          onDone();
        });
      }}
    >
      <h3 id="return-title">{t('退回重新答复', 'Return for a new answer')}</h3>
      <label>
        {t('退回理由（每行一条，最多 5 条）', 'Reasons (one a line, at most 5)')}
        <textarea id="return-reasons" value={reasons} onChange={(e) => setReasons(e.target.value)} rows={3} required />
      </label>
      {error ? <ErrorNote error={error} /> : null}
      <button type="submit" className="secondary" disabled={busy || list.length === 0}>
        {t('退回', 'Return')}
      </button>
    </form>
  );
}
