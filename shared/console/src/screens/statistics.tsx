// The statistics (001 §28, 004 §33) for the platform's reviewers and the auditors: GET /v1/statistics
// drawn as charts, by department for a year or a month, or month by month for one department — the
// on-time rates, 网办比例 with the cases received by channel, the cases by outcome, the supervision
// findings by rule and the 好差评 — each chart with its figures as a table. The months of a year are
// twelve reads at most (the API answers one period a call).
import type { components } from '../api/schema.gen.d.ts';
import { must } from '../api/client.ts';
import type { ChartSeries, ChartSpec } from '../chart.tsx';
import { ChartFigure } from '../chart.tsx';
import { useT } from '../i18n.tsx';
import type { DepartmentRef } from '../oversight-data.ts';
import { departmentsOf, platformToday } from '../oversight-data.ts';
import { EVALUATION_LEVELS, EVALUATION_LEVEL_WORDS, RULE_IDS, RULE_WORDS } from '../oversight-words.ts';
import { usePlatform } from '../platform.tsx';
import { href } from '../router.ts';
import { MONTHS, MonthSelect, YearSelect } from '../period-select.tsx';
import { Show, useLoad } from '../ui.tsx';
import '../oversight.css';

type DepartmentStatistics = components['schemas']['DepartmentStatistics'];
type T = (zh: string, en: string) => string;

interface Row {
  label: string;
  stats: DepartmentStatistics;
}

type View = 'departments' | 'months';

export function Statistics({ query }: { query: URLSearchParams }) {
  const t = useT();
  const { api } = usePlatform();
  const [context] = useLoad(async () => {
    const today = await platformToday(api);
    return { today, departments: await departmentsOf(api) };
  }, [api]);
  return (
    <main className="panel wide">
      <h1>{t('统计分析', 'Statistics')}</h1>
      <Show loaded={context}>{(c) => <StatisticsBody query={query} today={c.today} departments={c.departments} />}</Show>
    </main>
  );
}

function StatisticsBody({ query, today, departments }: { query: URLSearchParams; today: string; departments: DepartmentRef[] }) {
  const t = useT();
  const { api } = usePlatform();
  const thisYear = Number(today.slice(0, 4));
  const asked = Number(query.get('year'));
  const year = Number.isInteger(asked) && asked >= 2008 && asked <= thisYear ? asked : thisYear;
  const view: View = query.get('view') === 'months' ? 'months' : 'departments';
  const month = MONTHS.includes(query.get('month') ?? '') ? query.get('month')! : '';
  const department = departments.find((d) => d.id === query.get('department'))?.id ?? departments[0]?.id ?? '';
  const months = MONTHS.filter((m) => `${year}-${m}` <= today.slice(0, 7));
  const set = (changes: Record<string, string>) => {
    const q = new URLSearchParams(query);
    for (const [k, v] of Object.entries(changes)) {
      if (v) q.set(k, v);
      else q.delete(k);
    }
    location.hash = `${href('statistics')}?${q.toString()}`;
  };

  const [rows] = useLoad(async (): Promise<Row[]> => {
    if (view === 'departments') {
      const answer = await must(api.GET('/v1/statistics', { params: { query: { period: month ? `${year}-${month}` : String(year) } } }));
      return answer.departments.map((d) => ({ label: d.departmentName, stats: d }));
    }
    if (!department) return [];
    const answers = await Promise.all(months.map((m) => must(api.GET('/v1/statistics', { params: { query: { period: `${year}-${m}`, department } } }))));
    return answers.flatMap((a) => a.departments.map((d) => ({ label: a.period, stats: d })));
  }, [api, view, year, month, department, months.length]);

  const period = view === 'departments' ? (month ? `${year}-${month}` : String(year)) : String(year);
  const departmentName = departments.find((d) => d.id === department)?.name ?? department;
  return (
    <>
      <form className="filters" aria-label={t('统计范围', 'What to show')} onSubmit={(e) => e.preventDefault()}>
        <fieldset className="inline">
          <legend>{t('查看方式', 'View')}</legend>
          <label className="check">
            <input type="radio" name="view" value="departments" checked={view === 'departments'} onChange={() => set({ view: 'departments' })} />
            {t('按部门', 'By department')}
          </label>
          <label className="check">
            <input type="radio" name="view" value="months" checked={view === 'months'} onChange={() => set({ view: 'months' })} />
            {t('按月份', 'By month')}
          </label>
        </fieldset>
        <YearSelect id="stats-year" value={year} thisYear={thisYear} onChange={(y) => set({ year: y })} />
        {view === 'departments' ? (
          <MonthSelect id="stats-month" value={month} year={year} onChange={(m) => set({ month: m })} />
        ) : (
          <label>
            {t('部门', 'Department')}
            <select id="stats-department" value={department} onChange={(e) => set({ department: e.target.value })}>
              {departments.map((d) => (
                <option key={d.id} value={d.id}>
                  {d.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </form>
      <h2>{view === 'departments' ? t(`${period} 各部门`, `${period}, by department`) : t(`${departmentName} ${year} 年逐月`, `${departmentName}, ${year} month by month`)}</h2>
      <Show loaded={rows}>{(r) => (r.length === 0 ? <p className="muted">{t('没有数据。', 'No figures.')}</p> : <Charts rows={r} horizontal={view === 'departments'} />)}</Show>
    </>
  );
}

function Charts({ rows, horizontal }: { rows: Row[]; horizontal: boolean }) {
  const t = useT();
  // Months read short along the axis: 11月, Nov.
  const monthLabel = (period: string) => t(`${Number(period.slice(5, 7))}月`, new Date(`${period}-01T00:00:00Z`).toLocaleString('en', { month: 'short', timeZone: 'UTC' }));
  const specs = chartSpecs(horizontal ? rows : rows.map((r) => ({ ...r, label: monthLabel(r.label) })), horizontal, t);
  return (
    <div className="charts">
      <ChartFigure id="chart-on-time" title={t('按时办结率', 'Decided on time')} spec={specs.onTime} />
      <ChartFigure
        id="chart-online"
        title={t('网办比例与收件渠道', 'Online share and channels')}
        spec={specs.online}
        note={t('网办比例：经门户网站或移动端申请的件数占收件总数的比例。', 'Online share: cases filed through a portal or mobile app, of all received.')}
      />
      <ChartFigure id="chart-outcomes" title={t('办件结果', 'Cases by outcome')} spec={specs.outcomes} />
      <ChartFigure id="chart-findings" title={t('监察预警（按规则）', 'Supervision findings by rule')} spec={specs.findings} />
      <ChartFigure id="chart-evaluations" title={t('好差评', 'Evaluations (好差评)')} spec={specs.evaluations} />
    </div>
  );
}

/** The five charts' figures, from the rows (departments of a period, or months of a department). */
export function chartSpecs(rows: Row[], horizontal: boolean, t: T): Record<'onTime' | 'online' | 'outcomes' | 'findings' | 'evaluations', ChartSpec> {
  const categories = rows.map((r) => r.label);
  const categoryLabel = horizontal ? t('部门', 'Department') : t('月份', 'Month');
  const rate = horizontal ? 'bar' : 'line';
  const spec = (series: ChartSeries[]): ChartSpec => ({ categoryLabel, categories, series, horizontal });
  const col = (name: string, format: ChartSeries['format'], kind: ChartSeries['kind'], pick: (s: DepartmentStatistics) => number | null, stack?: string): ChartSeries => ({
    name,
    format,
    kind,
    values: rows.map((r) => pick(r.stats)),
    ...(stack ? { stack } : {}),
  });

  const channels = [...new Set(rows.flatMap((r) => r.stats.byItemAndChannel.map((x) => x.channelId)))].sort();
  const receivedThrough = (s: DepartmentStatistics, channel: string) => s.byItemAndChannel.filter((x) => x.channelId === channel).reduce((n, x) => n + x.figures.received, 0);
  const rules = RULE_IDS.filter((rule) => rows.some((r) => (r.stats.findingsByRule[rule] ?? 0) > 0));

  return {
    onTime: spec([
      col(t('承诺时限内办结率', 'On time (promised limit)'), 'share', rate, (s) => s.figures.promisedOnTimeRate),
      col(t('法定时限内办结率', 'On time (statutory limit)'), 'share', rate, (s) => s.figures.statutoryOnTimeRate),
      col(t('办结件数', 'Decided'), 'count', 'table', (s) => s.figures.decided),
      col(t('平均工作日', 'Mean working days'), 'days', 'table', (s) => s.figures.meanWorkingDays),
      col(t('90%分位工作日', '90th percentile working days'), 'days', 'table', (s) => s.figures.p90WorkingDays),
    ]),
    online: spec([
      ...channels.map((c) => col(t(`收件：${c}`, `Received: ${c}`), 'count', 'bar', (s) => receivedThrough(s, c), 'channel')),
      col(t('网办比例', 'Online share'), 'share', 'line', (s) => s.figures.onlineShare),
      col(t('收件总数', 'Received'), 'count', 'table', (s) => s.figures.received),
      col(t('网上收件', 'Received online'), 'count', 'table', (s) => s.figures.receivedOnline),
    ]),
    outcomes: spec([
      col(t('准予', 'Approved'), 'count', 'bar', (s) => s.figures.approved, 'outcome'),
      col(t('不予许可', 'Denied'), 'count', 'bar', (s) => s.figures.denied, 'outcome'),
      col(t('不予受理', 'Refused'), 'count', 'bar', (s) => s.figures.refused, 'outcome'),
      col(t('撤回', 'Withdrawn'), 'count', 'bar', (s) => s.figures.withdrawn, 'outcome'),
      col(t('收件', 'Received'), 'count', 'table', (s) => s.figures.received),
      col(t('受理', 'Accepted'), 'count', 'table', (s) => s.figures.accepted),
      col(t('补正', 'Supplement rounds'), 'count', 'table', (s) => s.figures.supplementRounds),
      col(t('中止', 'Pauses'), 'count', 'table', (s) => s.figures.pauses),
      col(t('延期', 'Extensions'), 'count', 'table', (s) => s.figures.extensions),
      col(t('协办督办', 'Joint escalations'), 'count', 'table', (s) => s.figures.escalations),
    ]),
    findings: spec([
      ...rules.map((rule) => col(t(...RULE_WORDS[rule]), 'count', 'bar', (s) => s.findingsByRule[rule] ?? 0, 'rule')),
      col(t('合计', 'Total'), 'count', 'table', (s) => Object.values(s.findingsByRule).reduce((n, k) => n + k, 0)),
    ]),
    evaluations: spec([
      ...EVALUATION_LEVELS.map((level) => col(t(...EVALUATION_LEVEL_WORDS[level]), 'count', 'bar', (s) => s.evaluations.byLevel[level], 'level')),
      col(t('好评率', 'Good review rate'), 'share', 'line', (s) => s.evaluations.goodReviewRate),
      col(t('评价数', 'Rated'), 'count', 'table', (s) => s.evaluations.rated),
      col(t('差评', 'Bad reviews'), 'count', 'table', (s) => s.evaluations.bad),
      col(t('按期整改', 'Rectified on time'), 'count', 'table', (s) => s.evaluations.rectifiedOnTime),
      col(t('逾期整改', 'Rectified late'), 'count', 'table', (s) => s.evaluations.rectifiedLate),
      col(t('逾期未整改', 'Unanswered past due'), 'count', 'table', (s) => s.evaluations.awaitedPastDue),
      col(t('整改按期率', 'Rectified on time (rate)'), 'share', 'table', (s) => s.evaluations.rectificationOnTimeRate),
      col(t('申诉成立', 'Appeals upheld'), 'count', 'table', (s) => s.evaluations.appealsUpheld),
    ]),
  };
}
