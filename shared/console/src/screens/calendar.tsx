// The official calendar (节假日安排) the legal clock counts working days on: the years loaded
// (GET /v1/calendar: each year's newest version, and how far the loaded run reaches — past it, dates
// are provisional), one year's days off and weekend days worked month by month, the statutory holidays
// it must give off, its versions and their chain check (GET /v1/calendar/{year}); and, for the
// platform role, loading a year or a correction (PUT /v1/calendar/{year}) from its JSON document.
import { useState } from 'react';
import type { components } from '../api/schema.gen.d.ts';
import { must } from '../api/client.ts';
import { useT } from '../i18n.tsx';
import { JsonLoad } from '../json-load.tsx';
import { formatInstant } from '../oversight-words.ts';
import { usePlatform } from '../platform.tsx';
import { href } from '../router.ts';
import { Show, useLoad, TableHead } from '../ui.tsx';
import { ChainCheck, VersionTable } from '../versions.tsx';
import '../oversight.css';

type YearView = components['schemas']['CalendarYearView'];

export function Calendar({ year }: { year: string | undefined }) {
  const t = useT();
  const { api } = usePlatform();
  const [overview, reload] = useLoad(() => must(api.GET('/v1/calendar')), [api], { keep: true });
  const chosen = year && /^\d{4}$/.test(year) ? Number(year) : undefined;
  return (
    <main className="panel wide">
      <h1>{t('法定节假日日历', 'Official calendar')}</h1>
      <Show loaded={overview}>
        {(o) => (
          <>
            <dl>
              <dt>{t('平台今日', 'Today (platform)')}</dt>
              <dd>{o.today}</dd>
              <dt>{t('已载入至', 'Loaded until')}</dt>
              <dd>{o.loadedUntil ?? t('今年尚未载入', "this year's is not loaded")}</dd>
              <dt>{t('暂定计算起', 'Provisional from')}</dt>
              <dd>
                {o.provisionalFrom}{' '}
                <span className="muted small">
                  {t('（此后按法定节日暂定计算工作日，不据此认定超期）', '(working days after it are counted on the statutory holidays alone, and make nobody late)')}
                </span>
              </dd>
            </dl>
            <h2>{t('已载入的年度', 'Years loaded')}</h2>
            <table id="calendar-years">
              <caption className="sr-only">{t('已载入的年度', 'Years loaded')}</caption>
              <TableHead
                columns={[
                  ['年度', 'Year'],
                  ['版本', 'Version'],
                  ['依据', 'Source'],
                  ['载入者', 'Loaded by'],
                  ['载入时间', 'Loaded at'],
                ]}
              />
              <tbody>
                {o.years.map((y) => (
                  <tr key={y.year}>
                    <th scope="row">
                      <a href={href('calendar', String(y.year))} aria-current={y.year === chosen ? 'page' : undefined}>
                        {y.year}
                      </a>
                    </th>
                    <td>
                      {y.version} {y.shipped ? <span className="tag">{t('平台内置', 'shipped')}</span> : null}
                    </td>
                    <td>{y.source}</td>
                    <td>{y.loadedBy}</td>
                    <td>{formatInstant(y.loadedAt)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
            {chosen ? (
              <Year key={chosen} year={chosen} onLoaded={reload} />
            ) : (
              <LoadYear year={Math.max(Number(o.today.slice(0, 4)), ...o.years.map((y) => y.year)) + 1} onLoaded={reload} level="h2" />
            )}
          </>
        )}
      </Show>
    </main>
  );
}

function Year({ year, onLoaded }: { year: number; onLoaded: () => void }) {
  const t = useT();
  const { api } = usePlatform();
  const [view, reload] = useLoad(() => must(api.GET('/v1/calendar/{year}', { params: { path: { year } } })), [api, year], { keep: true });
  const loaded = () => {
    reload();
    onLoaded();
  };
  return (
    <section aria-labelledby="year-title">
      <h2 id="year-title">{t(`${year} 年`, `${year}`)}</h2>
      <Show loaded={view}>
        {(v) => (
          <>
            <p>
              {t(`第 ${v.current.version} 版`, `Version ${v.current.version}`)} · {v.current.data.source}
            </p>
            <YearDays view={v} />
            <h3>{t('版本', 'Versions')}</h3>
            <ChainCheck id="calendar-chain" check={v.check} count={v.versions.length} unit={['版', 'versions']} />
            <VersionTable versions={v.versions} caption={t(`${year} 年的版本`, `Versions of ${year}`)} />
          </>
        )}
      </Show>
      <LoadYear year={year} template={view.state === 'done' ? templateOf(view.value) : undefined} onLoaded={loaded} />
    </section>
  );
}

function templateOf(view: YearView): string {
  return JSON.stringify({ ...view.current.data, version: (view.versions.at(-1)?.version ?? view.current.version) + 1 }, null, 2);
}

function YearDays({ view }: { view: YearView }) {
  const t = useT();
  const data = view.current.data;
  const off = new Map(data.holidays.flatMap((h) => h.days.map((d) => [d, h.name] as const)));
  const makeup = new Set(data.makeupWorkdays);
  const statutory = new Set((view.statutoryHolidays ?? []).flatMap((h) => h.days));
  return (
    <>
      <h3>{t('放假与调休', 'Days off and weekend days worked')}</h3>
      <table id="calendar-holidays">
        <caption className="sr-only">{t('节假日安排', 'Holidays')}</caption>
        <TableHead
          columns={[
            ['节日', 'Holiday'],
            ['放假日期', 'Days off'],
            ['天数', 'Days'],
          ]}
        />
        <tbody>
          {data.holidays.map((h) => (
            <tr key={h.name}>
              <th scope="row">{h.name}</th>
              <td>{h.days.join('、')}</td>
              <td className="number">{h.days.length}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        <strong>{t('调休上班：', 'Weekend days worked: ')}</strong>
        {data.makeupWorkdays.length ? data.makeupWorkdays.join('、') : t('无', 'none')}
      </p>
      {view.statutoryHolidays?.length ? (
        <p className="muted">
          {t('《全国年节及纪念日放假办法》规定必须放假的日期：', 'Statutory holidays that must be off: ')}
          {view.statutoryHolidays.map((h) => `${h.name} ${h.days.join('、')}`).join('；')}
        </p>
      ) : null}
      <p className="legend" aria-hidden="true">
        <span className="off">{t('休 放假', '休 day off')}</span>
        <span className="makeup">{t('班 调休上班', '班 worked weekend')}</span>
        <span>
          <u>{t('下划线：法定节日', 'underlined: statutory')}</u>
        </span>
      </p>
      <div className="months">
        {Array.from({ length: 12 }, (_, m) => (
          <Month key={m} year={view.year} month={m} off={off} makeup={makeup} statutory={statutory} />
        ))}
      </div>
    </>
  );
}

const WEEKDAYS: [string, string][] = [
  ['一', 'Mon'],
  ['二', 'Tue'],
  ['三', 'Wed'],
  ['四', 'Thu'],
  ['五', 'Fri'],
  ['六', 'Sat'],
  ['日', 'Sun'],
];

/** One month, a week a row from Monday: days off, weekend days worked and statutory holidays marked in words as well as colour. */
function Month({ year, month, off, makeup, statutory }: { year: number; month: number; off: Map<string, string>; makeup: Set<string>; statutory: Set<string> }) {
  const t = useT();
  const days = new Date(Date.UTC(year, month + 1, 0)).getUTCDate();
  const lead = (new Date(Date.UTC(year, month, 1)).getUTCDay() + 6) % 7;
  const cells: (number | undefined)[] = [...Array.from({ length: lead }, () => undefined), ...Array.from({ length: days }, (_, i) => i + 1)];
  while (cells.length % 7) cells.push(undefined);
  const weeks = Array.from({ length: cells.length / 7 }, (_, w) => cells.slice(w * 7, w * 7 + 7));
  return (
    <table className="month">
      <caption>{t(`${month + 1}月`, new Date(Date.UTC(year, month, 1)).toLocaleString('en', { month: 'long', timeZone: 'UTC' }))}</caption>
      <thead>
        <tr>
          {WEEKDAYS.map(([zh, en]) => (
            <th scope="col" key={en} abbr={t(`星期${zh}`, en)}>
              {t(zh, en.slice(0, 2))}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {weeks.map((week, w) => (
          <tr key={w}>
            {week.map((d, i) => {
              if (d === undefined) return <td key={i} />;
              const date = `${year}-${String(month + 1).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
              const holiday = off.get(date);
              const worked = makeup.has(date);
              const classes = [holiday ? 'off' : worked ? 'makeup' : i >= 5 ? 'weekend' : '', statutory.has(date) ? 'statutory' : ''].filter(Boolean).join(' ');
              return (
                <td key={i} className={classes || undefined} title={holiday ?? (worked ? t('调休上班', 'worked weekend day') : undefined)} data-date={date}>
                  {d}
                  {holiday ? <span className="sr-only">{t(`，${holiday}放假`, `, ${holiday} off`)}</span> : null}
                  {worked ? <span className="sr-only">{t('，调休上班', ', worked')}</span> : null}
                </td>
              );
            })}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The platform role loads a year (or a correction of it) from its JSON document; others see nothing here. */
function LoadYear({ year, template, onLoaded, level }: { year: number; template?: string | undefined; onLoaded: () => void; level?: 'h2' | 'h3' }) {
  const t = useT();
  const { api, session } = usePlatform();
  const [target, setTarget] = useState(String(year));
  if (session.role !== 'platform') return null;
  return (
    <JsonLoad
      id="load-calendar"
      level={level ?? 'h3'}
      title={t('载入年度节假日安排', "Load a year's arrangement")}
      template={template}
      submitLabel={t('载入', 'Load')}
      load={async (document) => {
        const result = await must(api.PUT('/v1/calendar/{year}', { params: { path: { year: Number(target) } }, body: document as components['schemas']['CalendarYearInput'] }));
        onLoaded();
        return result.replayed
          ? t(
              `与 ${result.version.year} 年第 ${result.version.version} 版相同，未新增版本。`,
              `The same as ${result.version.year} version ${result.version.version}: nothing new loaded.`,
            )
          : t(
              `已载入 ${result.version.year} 年第 ${result.version.version} 版；依此年计算期限的在办件将由巡检重新计算。`,
              `${result.version.year} version ${result.version.version} loaded; the sweep recomputes the open cases whose dates rest on that year.`,
            );
      }}
    >
      <label>
        {t('年度', 'Year')}
        <input id="load-calendar-year" type="number" min={2008} max={2099} value={target} onChange={(e) => setTarget(e.target.value)} required />
      </label>
      <p className="muted small">
        {t(
          '文件格式同 shared/domain/calendar/data/：year、source（国务院办公厅通知）、version（最新版本加一）、holidays（节日名称与放假日期）、makeupWorkdays（调休上班日）。',
          'The format of shared/domain/calendar/data/: year, source (the State Council notice), version (one more than the newest), holidays (name and days off), makeupWorkdays.',
        )}
      </p>
    </JsonLoad>
  );
}
