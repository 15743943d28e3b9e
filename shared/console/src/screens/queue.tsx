// A department's queues: its cases by status, soonest due first, with the deadlines in working days
// (provisional ones — counted across a year whose official calendar is not loaded — and overdue ones
// marked); and the joint tasks awaiting its opinion as a co-department.
import { must } from '../api/client.ts';
import { useT } from '../i18n.tsx';
import { usePlatform } from '../platform.tsx';
import { href } from '../router.ts';
import { DueDate, STATUS_ZH, Show, StatusTag, useLoad, TableHead } from '../ui.tsx';

const STATUSES = ['received', 'supplement-requested', 'accepted', 'opinions-complete', 'decided', 'refused', 'withdrawn'] as const;
type Status = (typeof STATUSES)[number];

export function Queue({ status }: { status: string }) {
  const t = useT();
  const { api } = usePlatform();
  const current: Status = (STATUSES as readonly string[]).includes(status) ? (status as Status) : 'received';
  const [loaded] = useLoad(() => must(api.GET('/v1/queue', { params: { query: { status: current, limit: 50 } } })), [api, current]);
  return (
    <main className="panel">
      <h1>{t('办件队列', 'Queue')}</h1>
      <nav className="tabs" aria-label={t('办件状态', 'Case status')}>
        {STATUSES.map((s) => (
          <a key={s} href={`${href('queue')}?status=${s}`} aria-current={s === current ? 'page' : undefined}>
            {t(...STATUS_ZH[s]!)}
          </a>
        ))}
      </nav>
      <Show loaded={loaded}>
        {({ cases }) =>
          cases.length === 0 ? (
            <p className="muted">{t('此状态下没有办件。', 'No case in this status.')}</p>
          ) : (
            <table>
              <caption className="sr-only">{t(...STATUS_ZH[current]!)}</caption>
              <TableHead
                columns={[
                  ['办件编号', 'Case'],
                  ['事项', 'Item'],
                  ['申请人', 'Applicant'],
                  ['收件日', 'Received'],
                  ['承诺期限', 'Promised by'],
                  ['法定期限', 'Statutory limit'],
                  ['状态', 'Status'],
                ]}
              />
              <tbody>
                {cases.map((c) => {
                  const provisional = new Set(c.provisional ?? []);
                  const overdue = c.supervision !== undefined;
                  return (
                    <tr key={c.caseNo} className={overdue ? 'overdue' : undefined}>
                      <td>
                        <a href={href('cases', c.caseNo)}>{c.caseNo}</a>
                      </td>
                      <td>{c.itemName}</td>
                      <td>{c.applicant.name}</td>
                      <td>{c.receivedOn}</td>
                      <td>
                        <DueDate on={c.deadlines?.promised} provisional={provisional.has('deadlines.promised')} overdue={c.supervision === 'overdue'} />
                      </td>
                      <td>
                        <DueDate on={c.deadlines?.statutory} provisional={provisional.has('deadlines.statutory')} overdue={c.supervision === 'violation'} />
                        {c.deadlines?.flag ? <span className="tag provisional">{t('日历未载入', 'calendar missing')}</span> : null}
                      </td>
                      <td>
                        <StatusTag status={c.status} />
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          )
        }
      </Show>
    </main>
  );
}

export function OpinionQueue() {
  const t = useT();
  const { api } = usePlatform();
  const [loaded] = useLoad(() => must(api.GET('/v1/queue/opinions', { params: { query: { limit: 50 } } })), [api]);
  return (
    <main className="panel">
      <h1>{t('待提协办意见', 'Joint tasks awaiting our opinion')}</h1>
      <Show loaded={loaded}>
        {({ tasks }) =>
          tasks.length === 0 ? (
            <p className="muted">{t('没有待提意见的协办任务。', 'No joint task awaits an opinion.')}</p>
          ) : (
            <table>
              <TableHead
                columns={[
                  ['办件编号', 'Case'],
                  ['事项', 'Item'],
                  ['牵头部门', 'Lead department'],
                  ['意见期限', 'Opinion due'],
                  ['任务状态', 'Task'],
                ]}
              />
              <tbody>
                {tasks.map((x) => (
                  <tr key={x.caseNo}>
                    <td>
                      <a href={href('cases', x.caseNo)}>{x.caseNo}</a>
                    </td>
                    <td>{x.itemName}</td>
                    <td>{x.leadDepartmentId}</td>
                    <td>
                      <DueDate on={x.task.dueOn} provisional={(x.provisional ?? []).some((p) => p.startsWith('jointTasks'))} overdue={x.task.status === 'escalated'} />
                    </td>
                    <td>{x.task.status === 'escalated' ? t('已督办', 'escalated') : t('待提意见', 'pending')}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </Show>
    </main>
  );
}
