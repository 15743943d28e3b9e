// Consultations, complaints and correction requests (咨询投诉, 003 (六)5, 002 §6; 更正, 000 §30) — 工单 —
// as the console's officers meet them. A department's officer: what is addressed to it, those still to
// answer first, with the due day the API counted in working days, and each one's page — the person,
// their words, what it is about, where it has been passed, the answer and the history — with the
// answer (a complaint's finding, a correction corrected or refused) and the transfer to another
// department (complaints and corrections) the API allows it now. The platform's reviewers: the ones
// received with nobody to answer them, to pass on (转办), any department's by state, reassigned while
// unanswered. Auditors read the lists and pages (without the person) and act on none.
import { useState } from 'react';
import { must } from '../api/client.ts';
import type { components } from '../api/schema.gen.d.ts';
import { ActionForm, ReasonsField, lines } from '../action-form.tsx';
import type { Ticket, TicketOutcome, TicketSummary } from '../feedback-words.ts';
import {
  CORRECTION_TARGET_WORDS,
  ROUTING_WORDS,
  TICKET_ACTION_WORDS,
  TICKET_KINDS,
  TICKET_KIND_WORDS,
  TICKET_OUTCOME_WORDS,
  TICKET_STATES,
  TICKET_STATE_WORDS,
  optionsOf,
} from '../feedback-words.ts';
import { useT } from '../i18n.tsx';
import { RecordList, departmentField } from '../record-list.tsx';
import type { DepartmentRef } from '../oversight-data.ts';
import type { Pair } from '../oversight-words.ts';
import { EVALUATION_LEVEL_WORDS, actorLabel } from '../oversight-words.ts';
import { usePlatform } from '../platform.tsx';
import { href } from '../router.ts';
import { Choice, DueDate, Show, chinaTime, useLoad } from '../ui.tsx';
import { AnswerItem, RecordHistory } from '../versions.tsx';
import type { ListProps, PageProps } from './feedback-screen.tsx';
import { FeedbackScreen, departmentName } from './feedback-screen.tsx';
import '../oversight.css';

type Correction = NonNullable<components['schemas']['AnswerTicketRequestInput']['corrections']>;

export function Tickets({ id, query }: { id: string | undefined; query: URLSearchParams }) {
  return (
    <FeedbackScreen
      path="tickets"
      id={id}
      query={query}
      filterNames={['department', 'kind', 'state', 'from', 'to']}
      // What each role sees first: a department what it owes an answer, the platform what waits to be passed on.
      defaults={{ department: { state: 'assigned' }, platform: { state: 'received' }, auditor: { state: 'assigned' } }}
      words={{
        department: {
          title: ['工单', 'Tickets'],
          intro: [
            '转至本部门的咨询、投诉和更正申请，须在答复期限（工作日）内答复；投诉和更正申请不属本部门职责的，可说明理由转交其他部门。',
            'Consultations, complaints and correction requests addressed to your department, each owed an answer by its due day (working days); a complaint or a correction that is another department’s may be transferred to it with reasons.',
          ],
        },
        platform: {
          title: ['工单转办', 'Tickets to assign'],
          intro: [
            '未能按事项或办件自动分派的工单待转办；未答复的可改派其他部门，答复期限从改派之日重新计算。',
            'Tickets nothing routed wait for you to assign them; an unanswered one may be reassigned, due again from that day.',
          ],
        },
        auditor: { title: ['工单', 'Tickets'], intro: ['各部门的咨询、投诉和更正申请（只读，不含诉求人信息）。', "Every department's tickets (read only, without the person)."] },
      }}
      list={(props) => <TicketList {...props} />}
      page={(props) => <TicketPage {...props} />}
    />
  );
}

function TicketList({ filters, onFilter, link, departments }: ListProps) {
  const t = useT();
  const { api } = usePlatform();
  return (
    <RecordList<TicketSummary>
      id="tickets"
      label={['筛选工单', 'Filter the tickets']}
      caption={['工单', 'Tickets']}
      empty={['没有符合条件的工单。', 'No ticket matches.']}
      filters={filters}
      onFilter={onFilter}
      fields={[
        ...departmentField(departments, ['承办部门', 'Department']),
        { name: 'kind', label: ['类型', 'Kind'], options: optionsOf(TICKET_KINDS, TICKET_KIND_WORDS) },
        { name: 'state', label: ['状态', 'State'], options: optionsOf(TICKET_STATES, TICKET_STATE_WORDS) },
        { name: 'from', label: ['收件日起', 'Filed from'], type: 'date' },
        { name: 'to', label: ['收件日止', 'Filed to'], type: 'date' },
      ]}
      load={async (query) => {
        const page = await must(api.GET('/v1/tickets', { params: { query: query } }));
        return { items: page.tickets, next: page.nextCursor };
      }}
      columns={[
        { head: ['主题', 'Subject'], cell: (x) => <a href={link(x.id)}>{x.subject}</a> },
        { head: ['类型', 'Kind'], cell: (x) => t(...TICKET_KIND_WORDS[x.kind]) },
        { head: ['所涉', 'About'], cell: (x) => <AboutText about={x.about} itemCode={x.itemCode} departments={departments} /> },
        ...(departments ? [{ head: ['承办部门', 'Department'] as Pair, cell: (x: TicketSummary) => departmentName(departments, x.departmentId) }] : []),
        { head: ['收件日', 'Filed'], cell: (x) => x.receivedOn },
        { head: ['答复期限', 'Answer by'], cell: (x) => <DueDate on={x.dueOn} provisional={x.dueProvisional === true} overdue={x.late} /> },
        { head: ['状态', 'State'], cell: (x) => <TicketStateTag state={x.state} /> },
      ]}
    />
  );
}

function TicketStateTag({ state }: { state: Ticket['state'] }) {
  const t = useT();
  return <span className={`tag state-${state}`}>{t(...TICKET_STATE_WORDS[state])}</span>;
}

/** What a ticket is about: an item, a case (linked for the department, which has the case's page), a department, or nothing named. */
function AboutText({
  about,
  itemCode,
  departments,
  linkCase,
}: {
  about: Ticket['about'];
  itemCode?: string | undefined;
  departments: DepartmentRef[] | undefined;
  linkCase?: boolean;
}) {
  const t = useT();
  if (!about) return <span className="muted">{itemCode ?? t('未指明', 'nothing named')}</span>;
  switch (about.kind) {
    case 'item':
      return <>{t(`事项 ${about.code}`, `Item ${about.code}`)}</>;
    case 'case':
      return (
        <>
          {t('办件 ', 'Case ')}
          {linkCase ? <a href={href('cases', about.caseNo)}>{about.caseNo}</a> : about.caseNo}
        </>
      );
    case 'department':
      return <>{t(`部门 ${departmentName(departments, about.departmentId)}`, `Department ${departmentName(departments, about.departmentId)}`)}</>;
  }
}

/** One ticket: the request, its routing, the answer and rating, the history, and the caller's actions on it now. */
function TicketPage({ id, back, departments }: PageProps) {
  const t = useT();
  const { api, session } = usePlatform();
  const [view, reload] = useLoad(() => must(api.GET('/v1/tickets/{id}', { params: { path: { id } } })), [api, id]);
  return (
    <>
      <p>
        <a href={back}>{t('← 返回列表', '← Back to the list')}</a>
      </p>
      <Show loaded={view}>
        {({ ticket: x, history, check }) => {
          const responsible = session.role === 'department' && x.state === 'assigned' && x.departmentId === session.departmentId;
          return (
            <article aria-labelledby="ticket-title" data-ticket={x.id} data-state={x.state}>
              <h2 id="ticket-title">
                {x.subject} <span className="tag">{t(...TICKET_KIND_WORDS[x.kind])}</span> <TicketStateTag state={x.state} />
                {x.late ? <span className="tag late">{t('已逾期', 'late')}</span> : null}
              </h2>
              <dl>
                <dt>{t('所涉', 'About')}</dt>
                <dd>
                  <AboutText about={x.about} itemCode={x.itemCode} departments={departments} linkCase={session.role === 'department'} />
                  {x.about && x.itemCode && x.about.kind !== 'item' ? <span className="muted">{t(`（事项 ${x.itemCode}）`, ` (item ${x.itemCode})`)}</span> : null}
                </dd>
                <dt>{t('提交渠道', 'Channel')}</dt>
                <dd>{x.channelId}</dd>
                {x.person ? (
                  <>
                    <dt>{t('诉求人', 'Person')}</dt>
                    <dd>
                      {x.person.name}（
                      {x.person.kind === 'person'
                        ? `${t('身份证', 'ID')} ${x.person.residentId}，${x.person.phone}`
                        : `${t('统一社会信用代码', 'Credit code')} ${x.person.creditCode}，${x.person.contact.name} ${x.person.contact.phone}`}
                      ）
                    </dd>
                  </>
                ) : null}
                <dt>{t('诉求内容', 'What they say')}</dt>
                <dd className="applicant-words">{x.text}</dd>
                {x.correction ? <CorrectionRows correction={x.correction} /> : null}
                <dt>{t('收件时间', 'Filed at')}</dt>
                <dd>{chinaTime(x.receivedAt)}</dd>
                <dt>{t('承办部门', 'Department')}</dt>
                <dd>{x.departmentId ? departmentName(departments, x.departmentId) : t('待转办', 'not yet assigned')}</dd>
                <dt>{t('答复期限', 'Answer by')}</dt>
                <dd>
                  <DueDate on={x.dueOn} provisional={x.dueProvisional === true} overdue={x.late} />{' '}
                  <span className="muted">
                    {x.round > 0
                      ? t(`（${x.answerDays} 个工作日，第 ${x.round} 轮）`, `(${x.answerDays} working days, round ${x.round})`)
                      : t(`（转办后 ${x.answerDays} 个工作日）`, `(${x.answerDays} working days once assigned)`)}
                  </span>
                </dd>
              </dl>
              <TicketAnswers ticket={x} departments={departments} />
              {responsible ? <TicketAnswerForm ticket={x} onDone={reload} /> : null}
              {/* Passed on, it is no longer the department's to read: back to the list. */}
              {responsible && x.kind !== 'consultation' && departments ? <TransferForm id={x.id} departments={departments} onDone={() => (location.hash = back)} /> : null}
              {session.role === 'platform' && (x.state === 'received' || x.state === 'assigned') && departments ? (
                <AssignForm ticket={x} departments={departments} onDone={reload} />
              ) : null}
              <RecordHistory id="ticket" check={check} entries={history} actions={TICKET_ACTION_WORDS} states={TICKET_STATE_WORDS} />
            </article>
          );
        }}
      </Show>
    </>
  );
}

function CorrectionRows({ correction: c }: { correction: NonNullable<Ticket['correction']> }) {
  const t = useT();
  return (
    <>
      <dt>{t('更正对象', 'To correct')}</dt>
      <dd>
        {t(...CORRECTION_TARGET_WORDS[c.target])} {c.licenceId ?? c.caseNo ?? ''} · {c.field}
        {c.privacyBreach ? <span className="tag late">{t('反映个人信息被泄露或超范围使用', 'reports a privacy breach')}</span> : null}
      </dd>
      {c.wrongValue !== undefined || c.rightValue !== undefined ? (
        <>
          <dt>{t('错误值 → 正确值', 'Wrong → right')}</dt>
          <dd>
            {c.wrongValue ?? '—'} → {c.rightValue ?? '—'}
          </dd>
        </>
      ) : null}
    </>
  );
}

/** Where the ticket has been passed, the answer and the person's rating of it, in the order they came. */
function TicketAnswers({ ticket: x, departments }: { ticket: Ticket; departments: DepartmentRef[] | undefined }) {
  const t = useT();
  const routed = x.routing.map((r, i) => ({
    at: r.at,
    node: (
      <AnswerItem
        key={`route${i}`}
        label={t(`${ROUTING_WORDS[r.how][0]}至 ${departmentName(departments, r.departmentId)}`, `${ROUTING_WORDS[r.how][1]} to ${departmentName(departments, r.departmentId)}`)}
        by={actorLabel(r.by)}
        on={r.on}
        lines={r.note ? [r.note] : []}
      />
    ),
  }));
  const a = x.answer;
  const answered = a
    ? [
        {
          at: a.at,
          node: (
            <AnswerItem
              key="answer"
              label={`${t('答复', 'Answer')}${a.outcome ? `：${t(...TICKET_OUTCOME_WORDS[a.outcome])}` : ''}${a.onTime ? '' : t('（逾期）', ' (late)')}`}
              by={actorLabel(a.by)}
              on={a.on}
              lines={[
                a.text,
                ...(a.reasons ?? []),
                ...(a.corrections ?? []).map((c) =>
                  'licenceId' in c
                    ? t(`证照 ${c.licenceId} 第 ${c.version} 版`, `Licence ${c.licenceId} version ${c.version}`)
                    : t(`办件 ${c.caseNo} 第 ${c.version} 版`, `Case ${c.caseNo} version ${c.version}`),
                ),
              ]}
            />
          ),
        },
      ]
    : [];
  const rated = x.rating
    ? [
        {
          at: x.rating.at,
          node: (
            <AnswerItem
              key="rating"
              label={t(`评价答复：${EVALUATION_LEVEL_WORDS[x.rating.level][0]}`, `Answer rated: ${EVALUATION_LEVEL_WORDS[x.rating.level][1]}`)}
              by={actorLabel(x.rating.by)}
              on={x.rating.on}
              lines={x.rating.comment ? [x.rating.comment] : []}
            />
          ),
        },
      ]
    : [];
  const entries = [...routed, ...answered, ...rated].sort((p, q) => p.at.localeCompare(q.at));
  if (entries.length === 0) return null;
  return (
    <section aria-labelledby="ticket-answers">
      <h3 id="ticket-answers">{t('转办与答复', 'Routing and answer')}</h3>
      <ol className="answers">{entries.map((e) => e.node)}</ol>
    </section>
  );
}

/** The outcomes an answer may give by the ticket's kind: none for a consultation; a complaint's finding (optional); a correction's result (required). */
const OUTCOMES: Record<Ticket['kind'], TicketOutcome[]> = {
  consultation: [],
  complaint: ['substantiated', 'partly-substantiated', 'unsubstantiated'],
  correction: ['corrected', 'refused'],
};

/** The answer's corrections from lines `<licence id> <version>` or `<case number> <version>`, as the correction's target names them (other data: `证照 …` or `办件 …`). */
function correctionsOf(text: string, target: string | undefined): Correction | undefined {
  const out = lines(text).map((line) => {
    const parts = line.split(/\s+/);
    const version = Number(parts.at(-1));
    const kind = parts.length > 2 ? (/^(办件|case)$/i.test(parts[0]!) ? 'case' : 'licence') : target === 'case' ? 'case' : 'licence';
    const idOf = parts.length > 2 ? parts[1]! : parts[0]!;
    return kind === 'case' ? { caseNo: idOf, version } : { licenceId: idOf, version };
  });
  return out.length ? out : undefined;
}

function TicketAnswerForm({ ticket: x, onDone }: { ticket: Ticket; onDone: () => void }) {
  const t = useT();
  const { api } = usePlatform();
  const outcomes = OUTCOMES[x.kind];
  const [text, setText] = useState('');
  const [outcome, setOutcome] = useState<TicketOutcome | ''>(x.kind === 'correction' ? 'corrected' : '');
  const [reasons, setReasons] = useState('');
  const [corrections, setCorrections] = useState('');
  const named = outcome === 'corrected' ? correctionsOf(corrections, x.correction?.target) : undefined;
  const body = {
    text,
    ...(outcome ? { outcome } : {}),
    ...(outcome === 'refused' ? { reasons: lines(reasons) } : {}),
    ...(named ? { corrections: named } : {}),
  };
  return (
    <ActionForm
      title={['答复工单', 'Answer the ticket']}
      submitLabel={['提交答复', 'Send the answer']}
      onDone={onDone}
      send={() => must(api.POST('/v1/tickets/{id}/answer', { params: { path: { id: x.id } }, body })).then(() => undefined)}
    >
      {outcomes.length ? (
        <Choice
          legend={x.kind === 'complaint' ? ['核查结论（可不填）', 'Finding (optional)'] : ['办理结果', 'Result']}
          name="ticket-outcome"
          value={outcome}
          onChange={setOutcome}
          options={[...(x.kind === 'complaint' ? [['', '不写明', 'Not stated'] as ['', string, string]] : []), ...optionsOf(outcomes, TICKET_OUTCOME_WORDS)]}
        />
      ) : null}
      <label>
        {t('答复内容', 'The answer')}
        <textarea value={text} onChange={(e) => setText(e.target.value)} rows={4} maxLength={4000} />
      </label>
      {outcome === 'refused' ? <ReasonsField value={reasons} onChange={setReasons} label={['不予更正的理由（每行一条）', 'Why the correction is refused (one a line)']} /> : null}
      {outcome === 'corrected' ? (
        <label>
          {x.correction?.target === 'case'
            ? t('更正后的办件版本（每行：办件编号 版本号）', 'The case versions the corrections made (one a line: case number, version)')
            : x.correction?.target === 'licence'
              ? t('更正后的证照版本（每行：证照标识 版本号）', 'The licence versions the amendments made (one a line: licence id, version)')
              : t('更正记录（可不填；每行：证照 标识 版本号，或 办件 编号 版本号）', 'What was corrected (optional; one a line: licence id version, or case number version)')}
          <textarea value={corrections} onChange={(e) => setCorrections(e.target.value)} rows={2} />
        </label>
      ) : null}
    </ActionForm>
  );
}

/** The department passes a complaint or a correction to the department responsible, chosen by name, with its reasons (the API checks the department). */
function TransferForm({ id, departments, onDone }: { id: string; departments: DepartmentRef[]; onDone: () => void }) {
  const t = useT();
  const { api, session } = usePlatform();
  const [departmentId, setDepartmentId] = useState('');
  const [reasons, setReasons] = useState('');
  return (
    <ActionForm
      title={['转交其他部门', 'Transfer to another department']}
      submitLabel={['转交', 'Transfer']}
      secondary
      onDone={onDone}
      send={() => must(api.POST('/v1/tickets/{id}/transfer', { params: { path: { id } }, body: { departmentId, reasons: reasons.trim() } })).then(() => undefined)}
    >
      <DepartmentChoice label={['接收部门', 'Department']} departments={departments} except={session.departmentId} value={departmentId} onChange={setDepartmentId} />
      <label>
        {t('转交理由', 'Why it is theirs')}
        <textarea value={reasons} onChange={(e) => setReasons(e.target.value)} rows={2} maxLength={500} />
      </label>
    </ActionForm>
  );
}

/** A department chosen by name from the directory's, `except` the one a ticket already is with. */
function DepartmentChoice({
  label,
  departments,
  except,
  value,
  onChange,
}: {
  label: Pair;
  departments: DepartmentRef[];
  except: string | undefined;
  value: string;
  onChange: (id: string) => void;
}) {
  const t = useT();
  return (
    <label>
      {t(...label)}
      <select value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('请选择', 'Choose one')}</option>
        {departments
          .filter((d) => d.id !== except)
          .map((d) => (
            <option key={d.id} value={d.id}>
              {d.name}
            </option>
          ))}
      </select>
    </label>
  );
}

/** The platform passes a ticket to the department responsible (转办), or reassigns an unanswered one. */
function AssignForm({ ticket: x, departments, onDone }: { ticket: Ticket; departments: DepartmentRef[]; onDone: () => void }) {
  const t = useT();
  const { api } = usePlatform();
  const [departmentId, setDepartmentId] = useState('');
  const [note, setNote] = useState('');
  const title: [string, string] = x.state === 'received' ? ['转办', 'Assign'] : ['改派', 'Reassign'];
  return (
    <ActionForm
      title={title}
      onDone={onDone}
      send={() =>
        must(api.POST('/v1/tickets/{id}/assign', { params: { path: { id: x.id } }, body: { departmentId, ...(note.trim() ? { note: note.trim() } : {}) } })).then(() => undefined)
      }
    >
      <DepartmentChoice label={['承办部门', 'Department']} departments={departments} except={x.departmentId} value={departmentId} onChange={setDepartmentId} />
      <label>
        {t('转办说明（可选）', 'Note (optional)')}
        <textarea value={note} onChange={(e) => setNote(e.target.value)} rows={2} maxLength={500} />
      </label>
    </ActionForm>
  );
}
