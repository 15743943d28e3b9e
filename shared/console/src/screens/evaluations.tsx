// 好差评 (004 §23; 国办发〔2019〕51号) as the console's officers meet it. A department's officer: its
// evaluations, the bad ones still to rectify first (差评 owed a verification and a rectification or an
// explanation within the working days the API counted, 004 §23: 3), each one's page — the rating, the
// applicant's words, the case, the answers and the hash-chained history — with the answer (and, for a
// named applicant, the follow-up 回访) and the appeal (申诉, once) the API allows it now. The platform's
// reviewers: the appeals awaiting their verdict (复核: upheld, the review stops counting; dismissed,
// it is back where it was), any department's evaluations by state. Auditors read the same lists and
// pages, and act on none. Lists page as GET /v1/evaluations pages, newest first.
import { useState } from 'react';
import { must } from '../api/client.ts';
import { ActionForm, ReasonsField, lines } from '../action-form.tsx';
import type { Dimension, Evaluation } from '../feedback-words.ts';
import { ANSWER_KIND_WORDS, DIMENSION_WORDS, EVALUATION_ACTION_WORDS, EVALUATION_STATES, EVALUATION_STATE_WORDS, optionsOf } from '../feedback-words.ts';
import { useT } from '../i18n.tsx';
import { RecordList, departmentField } from '../record-list.tsx';
import type { Pair } from '../oversight-words.ts';
import { EVALUATION_LEVEL_WORDS, actorLabel } from '../oversight-words.ts';
import { usePlatform } from '../platform.tsx';
import { href } from '../router.ts';
import { Choice, DueDate, Show, chinaTime, useLoad } from '../ui.tsx';
import { AnswerItem, RecordHistory } from '../versions.tsx';
import type { ListProps, PageProps } from './feedback-screen.tsx';
import { FeedbackScreen, departmentName } from './feedback-screen.tsx';
import '../oversight.css';

export function Evaluations({ id, query }: { id: string | undefined; query: URLSearchParams }) {
  return (
    <FeedbackScreen
      path="evaluations"
      id={id}
      query={query}
      filterNames={['department', 'state', 'from', 'to', 'case']}
      // What each role sees first: a department what it owes, the platform and auditors the appeals to decide.
      defaults={{ department: { state: 'rectifying' }, platform: { state: 'appealed' }, auditor: { state: 'appealed' } }}
      words={{
        department: {
          title: ['好差评整改与答复', 'Evaluations to answer'],
          intro: [
            '本部门收到的评价。差评（不满意、非常不满意）须在整改期限（工作日）内核实并整改或说明情况；实名评价须记录回访。认为评价有误或恶意的，可申诉一次。',
            "Your department's evaluations. A bad review is owed a verification and a rectification or an explanation by its due day (working days); a named applicant's, a follow-up too. A review you hold mistaken or malicious may be appealed once.",
          ],
        },
        platform: {
          title: ['好差评申诉复核', 'Evaluation appeals'],
          intro: [
            '部门申诉的差评待复核：申诉成立的评价不再计入统计，驳回的回到申诉前的状态，整改期限不变。',
            'Appealed bad reviews await your verdict: one upheld stops counting, one dismissed is back where it was, its due day unchanged.',
          ],
        },
        auditor: { title: ['好差评', 'Evaluations'], intro: ['各部门的评价、整改与申诉（只读）。', "Every department's evaluations, answers and appeals (read only)."] },
      }}
      list={(props) => <EvaluationList {...props} />}
      page={(props) => <EvaluationPage {...props} />}
    />
  );
}

function EvaluationList({ filters, onFilter, link, departments }: ListProps) {
  const t = useT();
  const { api } = usePlatform();
  return (
    <RecordList<Evaluation>
      id="evaluations"
      label={['筛选评价', 'Filter the evaluations']}
      caption={['评价', 'Evaluations']}
      empty={['没有符合条件的评价。', 'No evaluation matches.']}
      filters={filters}
      onFilter={onFilter}
      fields={[
        ...departmentField(departments, ['部门', 'Department']),
        { name: 'state', label: ['状态', 'State'], options: optionsOf(EVALUATION_STATES, EVALUATION_STATE_WORDS) },
        { name: 'from', label: ['评价日起', 'Rated from'], type: 'date' },
        { name: 'to', label: ['评价日止', 'Rated to'], type: 'date' },
        { name: 'case', label: ['办件编号', 'Case number'], type: 'text' },
      ]}
      load={async (query) => {
        const page = await must(api.GET('/v1/evaluations', { params: { query: query } }));
        return { items: page.evaluations, next: page.nextCursor };
      }}
      columns={[
        {
          head: ['评价对象', 'Rated'],
          cell: (e) => <a href={link(e.id)}>{e.subject.kind === 'case' ? e.subject.caseNo : t(`窗口服务 ${e.subject.visit}`, `Window visit ${e.subject.visit}`)}</a>,
        },
        { head: ['事项', 'Item'], cell: (e) => (e.subject.kind === 'case' ? e.subject.itemName : (e.itemCode ?? '—')) },
        ...(departments ? [{ head: ['部门', 'Department'] as Pair, cell: (e: Evaluation) => departmentName(departments, e.departmentId) }] : []),
        { head: ['评价', 'Rating'], cell: (e) => <LevelTag level={e.level} /> },
        { head: ['评价日', 'Rated on'], cell: (e) => e.ratedOn },
        { head: ['整改期限', 'Answer by'], cell: (e) => <DueDate on={e.dueOn} provisional={e.dueProvisional === true} overdue={e.late} /> },
        { head: ['状态', 'State'], cell: (e) => <EvaluationStateTag state={e.state} /> },
      ]}
    />
  );
}

function LevelTag({ level }: { level: Evaluation['level'] }) {
  const t = useT();
  const bad = level === 'dissatisfied' || level === 'very-dissatisfied';
  return <span className={bad ? 'tag level-bad' : 'tag'}>{t(...EVALUATION_LEVEL_WORDS[level])}</span>;
}

function EvaluationStateTag({ state }: { state: Evaluation['state'] }) {
  const t = useT();
  return <span className={`tag state-${state}`}>{t(...EVALUATION_STATE_WORDS[state])}</span>;
}

/** One evaluation: the rating and the applicant's words, the answers and verdicts, the history, and the caller's actions on it now. */
function EvaluationPage({ id, back, departments }: PageProps) {
  const t = useT();
  const { api, session } = usePlatform();
  const [view, reload] = useLoad(() => must(api.GET('/v1/evaluations/{id}', { params: { path: { id } } })), [api, id]);
  return (
    <>
      <p>
        <a href={back}>{t('← 返回列表', '← Back to the list')}</a>
      </p>
      <Show loaded={view}>
        {({ evaluation: e, history, check }) => {
          const department = session.role === 'department';
          return (
            <article aria-labelledby="evaluation-title" data-evaluation={e.id} data-state={e.state}>
              <h2 id="evaluation-title">
                {e.subject.kind === 'case'
                  ? t(`办件 ${e.subject.caseNo} 的评价`, `The review of case ${e.subject.caseNo}`)
                  : t(`窗口服务 ${e.subject.visit} 的评价`, `The review of window visit ${e.subject.visit}`)}{' '}
                <LevelTag level={e.level} /> <EvaluationStateTag state={e.state} />
                {e.late ? <span className="tag late">{t('已逾期', 'late')}</span> : null}
              </h2>
              <dl>
                <dt>{t('评价对象', 'Rated')}</dt>
                <dd>
                  {e.subject.kind === 'case' ? (
                    <>
                      {t('办件 ', 'Case ')}
                      {department ? <a href={href('cases', e.subject.caseNo)}>{e.subject.caseNo}</a> : e.subject.caseNo}（{e.subject.itemName}）
                    </>
                  ) : (
                    t(`窗口服务 ${e.subject.visit}`, `Window visit ${e.subject.visit}`)
                  )}
                </dd>
                <dt>{t('被评价部门', 'Department rated')}</dt>
                <dd>{departmentName(departments, e.departmentId)}</dd>
                <dt>{t('评价渠道', 'Channel')}</dt>
                <dd>{e.channelId}</dd>
                <dt>{t('评价时间', 'Rated at')}</dt>
                <dd>{chinaTime(e.ratedAt)}</dd>
                <dt>{t('评价等级', 'Rating')}</dt>
                <dd>
                  <LevelTag level={e.level} />
                </dd>
                {e.dimensions && Object.keys(e.dimensions).length > 0 ? (
                  <>
                    <dt>{t('分项评分（1–5）', 'By aspect (1–5)')}</dt>
                    <dd>{(Object.entries(e.dimensions) as [Dimension, number][]).map(([d, score]) => `${t(...DIMENSION_WORDS[d])} ${score}`).join(t('，', ', '))}</dd>
                  </>
                ) : null}
                <dt>{t('评价内容', 'Comment')}</dt>
                <dd className="applicant-words">{e.comment ?? <span className="muted">{t('（未填写）', '(none)')}</span>}</dd>
                <dt>{t('实名', 'Named')}</dt>
                <dd>{e.named ? t('实名评价（须回访）', 'Named (to be followed up)') : t('匿名', 'Anonymous')}</dd>
                {e.contact ? (
                  <>
                    <dt>{t('回访联系人', 'Follow up with')}</dt>
                    <dd>
                      {e.contact.name} {e.contact.phone}
                    </dd>
                  </>
                ) : null}
                {e.dueOn ? (
                  <>
                    <dt>{t('整改期限', 'Answer by')}</dt>
                    <dd>
                      <DueDate on={e.dueOn} provisional={e.dueProvisional === true} overdue={e.late} />{' '}
                      {e.rectificationDays ? <span className="muted">{t(`（${e.rectificationDays} 个工作日）`, `(${e.rectificationDays} working days)`)}</span> : null}
                    </dd>
                  </>
                ) : null}
                {e.rectifiedOnTime !== undefined ? (
                  <>
                    <dt>{t('按期答复', 'Answered on time')}</dt>
                    <dd>{e.rectifiedOnTime ? t('是', 'yes') : t('否（逾期）', 'no (late)')}</dd>
                  </>
                ) : null}
              </dl>
              <EvaluationAnswers evaluation={e} />
              {department && e.state === 'rectifying' ? <AnswerForm evaluation={e} onDone={reload} /> : null}
              {department && (e.state === 'rectifying' || e.state === 'answered') && !e.appeal ? <AppealForm id={e.id} onDone={reload} /> : null}
              {session.role === 'platform' && e.state === 'appealed' ? <VerdictForm id={e.id} onDone={reload} /> : null}
              <RecordHistory id="evaluation" check={check} entries={history} actions={EVALUATION_ACTION_WORDS} states={EVALUATION_STATE_WORDS} />
            </article>
          );
        }}
      </Show>
    </>
  );
}

function EvaluationAnswers({ evaluation: e }: { evaluation: Evaluation }) {
  const t = useT();
  const entries = [
    ...(e.answer
      ? [
          {
            at: e.answer.at,
            node: (
              <AnswerItem
                key="answer"
                label={t(...ANSWER_KIND_WORDS[e.answer.kind])}
                by={actorLabel(e.answer.by)}
                on={e.answer.on}
                lines={[
                  t(`核实情况：${e.answer.verification}`, `Verified: ${e.answer.verification}`),
                  e.answer.text,
                  ...(e.answer.followUp
                    ? [
                        t(
                          `回访：${e.answer.followUp.on} ${e.answer.followUp.by}，${e.answer.followUp.outcome}`,
                          `Follow-up: ${e.answer.followUp.on} by ${e.answer.followUp.by}, ${e.answer.followUp.outcome}`,
                        ),
                      ]
                    : []),
                ]}
              />
            ),
          },
        ]
      : []),
    ...(e.answerRating
      ? [
          {
            at: e.answerRating.at,
            node: (
              <AnswerItem
                key="rating"
                label={t(
                  `申请人评价答复：${EVALUATION_LEVEL_WORDS[e.answerRating.level][0]}`,
                  `The applicant rated the answer: ${EVALUATION_LEVEL_WORDS[e.answerRating.level][1]}`,
                )}
                by={actorLabel(e.answerRating.by)}
                on={e.answerRating.on}
                lines={e.answerRating.comment ? [e.answerRating.comment] : []}
              />
            ),
          },
        ]
      : []),
    ...(e.appeal
      ? [{ at: e.appeal.at, node: <AnswerItem key="appeal" label={t('部门申诉', 'Appeal')} by={actorLabel(e.appeal.by)} on={e.appeal.on} lines={e.appeal.reasons} /> }]
      : []),
    ...(e.verdict
      ? [
          {
            at: e.verdict.at,
            node: (
              <AnswerItem
                key="verdict"
                label={e.verdict.decision === 'uphold' ? t('复核：申诉成立', 'Verdict: appeal upheld') : t('复核：申诉驳回', 'Verdict: appeal dismissed')}
                by={actorLabel(e.verdict.by)}
                on={e.verdict.on}
                lines={e.verdict.reasons}
              />
            ),
          },
        ]
      : []),
  ].sort((a, b) => a.at.localeCompare(b.at));
  if (entries.length === 0) return null;
  return (
    <section aria-labelledby="evaluation-answers">
      <h3 id="evaluation-answers">{t('答复、申诉与复核', 'Answers, appeal and verdict')}</h3>
      <ol className="answers">{entries.map((x) => x.node)}</ol>
    </section>
  );
}

/** The department's answer to a bad review: what it verified, rectified or explained, and a named applicant's follow-up. */
function AnswerForm({ evaluation: e, onDone }: { evaluation: Evaluation; onDone: () => void }) {
  const t = useT();
  const { api } = usePlatform();
  const [verification, setVerification] = useState('');
  const [kind, setKind] = useState<'rectified' | 'explained'>('rectified');
  const [text, setText] = useState('');
  const [followUp, setFollowUp] = useState({ on: '', by: '', outcome: '' });
  const followedUp = followUp.on || followUp.by.trim() || followUp.outcome.trim();
  return (
    <ActionForm
      title={['整改答复', 'Answer the review']}
      onDone={onDone}
      send={() =>
        must(
          api.POST('/v1/evaluations/{id}/answer', {
            params: { path: { id: e.id } },
            body: { verification, kind, text, ...(followedUp ? { followUp } : {}) },
          }),
        ).then(() => undefined)
      }
    >
      <label>
        {t('核实情况', 'What was verified')}
        <textarea value={verification} onChange={(x) => setVerification(x.target.value)} rows={2} maxLength={2000} />
      </label>
      <Choice legend={['答复方式', 'How']} name="answer-kind" value={kind} onChange={setKind} options={optionsOf(['rectified', 'explained'] as const, ANSWER_KIND_WORDS)} />
      <label>
        {kind === 'rectified' ? t('整改情况（整改了什么、如何整改）', 'What was rectified, and how') : t('情况说明', 'The explanation')}
        <textarea value={text} onChange={(x) => setText(x.target.value)} rows={3} maxLength={2000} />
      </label>
      {e.named ? (
        <fieldset>
          <legend>{t('回访（实名评价须填写）', 'Follow-up (required for a named applicant)')}</legend>
          <label>
            {t('回访日期', 'Followed up on')}
            <input type="date" value={followUp.on} onChange={(x) => setFollowUp({ ...followUp, on: x.target.value })} />
          </label>
          <label>
            {t('回访人', 'Followed up by')}
            <input value={followUp.by} onChange={(x) => setFollowUp({ ...followUp, by: x.target.value })} maxLength={100} />
          </label>
          <label>
            {t('回访结果', 'Outcome of the follow-up')}
            <textarea value={followUp.outcome} onChange={(x) => setFollowUp({ ...followUp, outcome: x.target.value })} rows={2} maxLength={1000} />
          </label>
        </fieldset>
      ) : null}
    </ActionForm>
  );
}

/** The department's appeal (申诉) of a review it holds mistaken or malicious: once, with its reasons. */
function AppealForm({ id, onDone }: { id: string; onDone: () => void }) {
  const { api } = usePlatform();
  const [reasons, setReasons] = useState('');
  return (
    <ActionForm
      title={['申诉', 'Appeal the review']}
      submitLabel={['提出申诉', 'Appeal']}
      secondary
      onDone={onDone}
      send={() => must(api.POST('/v1/evaluations/{id}/appeal', { params: { path: { id } }, body: { reasons: lines(reasons) } })).then(() => undefined)}
    >
      <ReasonsField value={reasons} onChange={setReasons} label={['申诉理由（每行一条，最多 5 条）', 'Reasons (one a line, at most 5)']} />
    </ActionForm>
  );
}

/** The platform's verdict on an appeal (复核): upheld or dismissed, with its reasons. */
function VerdictForm({ id, onDone }: { id: string; onDone: () => void }) {
  const { api } = usePlatform();
  const [decision, setDecision] = useState<'uphold' | 'dismiss'>('dismiss');
  const [reasons, setReasons] = useState('');
  return (
    <ActionForm
      title={['申诉复核', 'Decide the appeal']}
      onDone={onDone}
      send={() => must(api.POST('/v1/evaluations/{id}/verdict', { params: { path: { id } }, body: { decision, reasons: lines(reasons) } })).then(() => undefined)}
    >
      <Choice
        legend={['复核结论', 'Verdict']}
        name="verdict"
        value={decision}
        onChange={setDecision}
        options={[
          ['uphold', '申诉成立（该评价不计入统计）', 'Uphold (the review stops counting)'],
          ['dismiss', '驳回申诉（恢复申诉前状态）', 'Dismiss (back where it was)'],
        ]}
      />
      <ReasonsField value={reasons} onChange={setReasons} label={['复核理由（每行一条，最多 5 条）', 'Reasons (one a line, at most 5)']} />
    </ActionForm>
  );
}
