// The published statistics (001 §28), for anyone, signed in or not: GET /v1/public/statistics of a
// month or a year per department — no personal data, no case numbers — as a table and two charts,
// with the CSV; and a sealed month's document (GET /v1/public/statistics/documents/{month}) to
// download with its seal, and to verify here in the browser against the published keys.
import { useContext, useEffect, useMemo, useState } from 'react';
import type { Api } from '../api/client.ts';
import { apiClient, must } from '../api/client.ts';
import type { components } from '../api/schema.gen.d.ts';
import type { ChartSeries, ChartSpec } from '../chart.tsx';
import { ChartFigure, formatFigure } from '../chart.tsx';
import { consoleConfig } from '../config.ts';
import { useT } from '../i18n.tsx';
import { chinaToday, formatInstant } from '../oversight-words.ts';
import { PlatformContext } from '../platform.tsx';
import { MonthSelect, YearSelect } from '../period-select.tsx';
import { href } from '../router.ts';
import type { JwksSealCheck as SealCheck } from '../../../domain/seals/jwks.ts';
import { ErrorNote, Show, useAction, useLoad } from '../ui.tsx';
import '../oversight.css';
import { TableScroll } from '../table-scroll.tsx';

type PublicFigures = components['schemas']['PublicDepartmentFigures'];
type StatisticsDocument = components['schemas']['StatisticsDocument'];

/** The columns of the published table, in the order of the published CSV. */
const COLUMNS: { key: keyof PublicFigures; zh: string; en: string; format: ChartSeries['format'] }[] = [
  { key: 'itemsPublished', zh: '公布事项', en: 'Items published', format: 'count' },
  { key: 'received', zh: '收件', en: 'Received', format: 'count' },
  { key: 'accepted', zh: '受理', en: 'Accepted', format: 'count' },
  { key: 'refused', zh: '不予受理', en: 'Refused', format: 'count' },
  { key: 'approved', zh: '准予', en: 'Approved', format: 'count' },
  { key: 'denied', zh: '不予许可', en: 'Denied', format: 'count' },
  { key: 'withdrawn', zh: '撤回', en: 'Withdrawn', format: 'count' },
  { key: 'onlineShare', zh: '网办比例', en: 'Online share', format: 'share' },
  { key: 'promisedOnTimeRate', zh: '承诺时限内办结率', en: 'On time (promised)', format: 'share' },
  { key: 'statutoryOnTimeRate', zh: '法定时限内办结率', en: 'On time (statutory)', format: 'share' },
  { key: 'meanWorkingDays', zh: '平均工作日', en: 'Mean working days', format: 'days' },
  { key: 'p90WorkingDays', zh: '90%分位工作日', en: '90th percentile days', format: 'days' },
  { key: 'evaluationsRated', zh: '评价数', en: 'Rated', format: 'count' },
  { key: 'goodReviewRate', zh: '好评率', en: 'Good review rate', format: 'share' },
  { key: 'rectificationOnTimeRate', zh: '差评整改按期率', en: 'Bad reviews answered on time', format: 'share' },
];

export function PublicStatistics({ query }: { query: URLSearchParams }) {
  const t = useT();
  const [config] = useLoad(() => consoleConfig(), []);
  const signedIn = useContext(PlatformContext) !== undefined;
  return (
    <main className="panel wide">
      <h1>{t('政务服务统计公开', 'Published statistics')}</h1>
      {signedIn ? null : (
        <p>
          {/* Any screen but a public one asks a visitor without a session to sign in. */}
          <a href={href('sign-in')}>{t('工作人员登录', 'Staff sign-in')}</a>
        </p>
      )}
      <p className="muted">
        {t(
          '各部门办件情况，不含个人信息和办件编号；已结束的月份由平台加盖电子印章存档。',
          "Each department's cases, without personal data or case numbers; a month that has ended is sealed by the platform and archived.",
        )}
      </p>
      <Show loaded={config}>{(c) => <PublicBody api={apiClient(c.apiEndpoint, undefined)} endpoint={c.apiEndpoint} query={query} />}</Show>
    </main>
  );
}

function PublicBody({ api, endpoint, query }: { api: Api; endpoint: string; query: URLSearchParams }) {
  const t = useT();
  const today = chinaToday();
  const thisYear = Number(today.slice(0, 4));
  const lastMonth = new Date(Date.UTC(thisYear, Number(today.slice(5, 7)) - 2, 1)).toISOString().slice(0, 7);
  const asked = query.get('period') ?? '';
  const period = /^\d{4}(-(0[1-9]|1[0-2]))?$/.test(asked) ? asked : lastMonth;
  const year = period.slice(0, 4);
  const month = period.slice(5, 7);
  const go = (p: string) => (location.hash = `${href('public')}?period=${p}`);
  const [figures] = useLoad(() => must(api.GET('/v1/public/statistics', { params: { query: { period } } })), [api, period]);
  return (
    <>
      <form className="filters" aria-label={t('统计期间', 'Period')} onSubmit={(e) => e.preventDefault()}>
        <YearSelect id="public-year" value={Number(year)} thisYear={thisYear} onChange={(y) => go(month ? `${y}-${month}` : y)} />
        <MonthSelect id="public-month" value={month} year={Number(year)} onChange={(m) => go(m ? `${year}-${m}` : year)} />
        <a className="download" href={`${endpoint}/v1/public/statistics?period=${period}&format=csv`} download={`statistics-${period}.csv`}>
          {t('下载 CSV', 'Download CSV')}
        </a>
      </form>
      <Show loaded={figures}>
        {(f) => (
          <>
            <h2>
              {t(`${f.period}（${f.from} 至 ${f.to}）`, `${f.period} (${f.from} to ${f.to})`)}{' '}
              {f.sealed ? (
                <span className="tag state-closed">{t('已封存', 'sealed')}</span>
              ) : (
                <span className="tag">{t('未封存，数字随办件更新', 'not sealed: figures still change')}</span>
              )}
            </h2>
            <FiguresTable departments={f.departments} caption={t(`${f.period} 各部门办件情况`, `${f.period}, by department`)} />
            <div className="charts">
              <ChartFigure id="public-outcomes" title={t('办件结果', 'Cases by outcome')} spec={outcomesSpec(f.departments, t)} />
              <ChartFigure id="public-rates" title={t('网办比例与按时办结率', 'Online share and decided on time')} spec={ratesSpec(f.departments, t)} />
            </div>
            {f.sealed && /^\d{4}-\d{2}$/.test(f.period) ? <SealedDocument api={api} month={f.period} /> : null}
          </>
        )}
      </Show>
    </>
  );
}

function FiguresTable({ departments, caption }: { departments: PublicFigures[]; caption: string }) {
  const t = useT();
  return (
    <TableScroll label={caption}>
      <table className="figures" id="public-figures">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('部门', 'Department')}</th>
            {COLUMNS.map((c) => (
              <th scope="col" key={c.key}>
                {t(c.zh, c.en)}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {departments.map((d) => (
            <tr key={d.departmentId}>
              <th scope="row">{d.departmentName}</th>
              {COLUMNS.map((c) => (
                <td key={c.key} className="number">
                  {formatFigure(d[c.key] as number | null | undefined, c.format)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

function specOf(departments: PublicFigures[], t: (zh: string, en: string) => string, series: ChartSeries[]): ChartSpec {
  return { categoryLabel: t('部门', 'Department'), categories: departments.map((d) => d.departmentName), series, horizontal: true };
}

function outcomesSpec(departments: PublicFigures[], t: (zh: string, en: string) => string): ChartSpec {
  const bar = (key: 'approved' | 'denied' | 'refused' | 'withdrawn', zh: string, en: string): ChartSeries => ({
    name: t(zh, en),
    format: 'count',
    kind: 'bar',
    stack: 'outcome',
    values: departments.map((d) => d[key]),
  });
  return specOf(departments, t, [
    bar('approved', '准予', 'Approved'),
    bar('denied', '不予许可', 'Denied'),
    bar('refused', '不予受理', 'Refused'),
    bar('withdrawn', '撤回', 'Withdrawn'),
  ]);
}

function ratesSpec(departments: PublicFigures[], t: (zh: string, en: string) => string): ChartSpec {
  const bar = (key: 'onlineShare' | 'promisedOnTimeRate' | 'statutoryOnTimeRate' | 'goodReviewRate', zh: string, en: string): ChartSeries => ({
    name: t(zh, en),
    format: 'share',
    kind: 'bar',
    values: departments.map((d) => d[key] ?? null),
  });
  return specOf(departments, t, [
    bar('onlineShare', '网办比例', 'Online share'),
    bar('promisedOnTimeRate', '承诺时限内办结率', 'On time (promised)'),
    bar('statutoryOnTimeRate', '法定时限内办结率', 'On time (statutory)'),
    bar('goodReviewRate', '好评率', 'Good review rate'),
  ]);
}

/** A sealed month's document: its exact bytes and its seal to download, and the seal checked here against the published keys. */
function SealedDocument({ api, month }: { api: Api; month: string }) {
  const t = useT();
  const [doc] = useLoad(() => must(api.GET('/v1/public/statistics/documents/{month}', { params: { path: { month } } })), [api, month]);
  return (
    <section aria-labelledby="sealed-document">
      <h2 id="sealed-document">{t('封存文件与电子印章', 'The sealed document and its seal')}</h2>
      <Show loaded={doc}>{(d) => <DocumentDownloads api={api} doc={d} />}</Show>
    </section>
  );
}

function DocumentDownloads({ api, doc }: { api: Api; doc: StatisticsDocument }) {
  const t = useT();
  const urls = useMemo(
    () => ({
      document: URL.createObjectURL(new Blob([doc.document], { type: 'application/json' })),
      seal: URL.createObjectURL(new Blob([JSON.stringify(doc.seal)], { type: 'application/json' })),
    }),
    [doc],
  );
  useEffect(
    () => () => {
      URL.revokeObjectURL(urls.document);
      URL.revokeObjectURL(urls.seal);
    },
    [urls],
  );
  const [check, setCheck] = useState<SealCheck | undefined>(undefined);
  const { busy, error, run } = useAction();
  const verify = () =>
    run(async () => {
      setCheck(undefined);
      // The platform's own verifier (shared/domain/seals, which runs in a browser as in Node), loaded when asked for.
      const [{ verifySealWithJwks }, jwks] = await Promise.all([import('../../../domain/seals/jwks.ts'), must(api.GET('/v1/.well-known/jwks.json'))]);
      setCheck(verifySealWithJwks(new TextEncoder().encode(doc.document), doc.seal, jwks));
    });
  return (
    <>
      <dl>
        <dt>{t('封存时间', 'Sealed at')}</dt>
        <dd>{formatInstant(doc.sealedAt)}</dd>
        <dt>{t('档案位置', 'Archive key')}</dt>
        <dd className="hash">{doc.archiveKey}</dd>
      </dl>
      <p className="actions-row">
        <a href={urls.document} download={`statistics-${doc.month}.json`} id="download-document">
          {t('下载统计文件（JSON）', 'Download the document (JSON)')}
        </a>
        <a href={urls.seal} download={`statistics-${doc.month}.seal.json`} id="download-seal">
          {t('下载印章（JWS）', 'Download the seal (JWS)')}
        </a>
      </p>
      <button type="button" id="verify-seal" disabled={busy} onClick={() => void verify()}>
        {t('验证电子印章', 'Verify the seal')}
      </button>
      {error ? <ErrorNote error={error} /> : null}
      {check ? <SealResult check={check} /> : null}
      <p className="muted small">
        {t(
          '在浏览器中用平台公布的公钥（/v1/.well-known/jwks.json）核对：文件的 SHA-256 与印章所记一致，签名有效，密钥属于印章所署单位且当时未停用。也可按 README 用 OpenSSL 离线核对。',
          "Checked in your browser with the platform's published keys (/v1/.well-known/jwks.json): the document's SHA-256 is the one the seal names, the signature verifies, the key is the named sealer's and was not retired then. The README shows the same check offline with OpenSSL.",
        )}
      </p>
    </>
  );
}

function SealResult({ check }: { check: SealCheck }) {
  const t = useT();
  if (!check.valid) {
    return (
      <div role="alert" className="error" data-reason={check.reason}>
        <strong>{t('印章无效', 'The seal does not verify')}</strong>
        <span className="code">
          {check.reason} · {check.detail}
        </span>
      </div>
    );
  }
  const h = check.header;
  return (
    <div role="status" className="seal-ok" id="seal-result">
      <strong>{t('印章有效：文件未被改动', 'The seal verifies: the document is as sealed')}</strong>
      <dl>
        <dt>{t('盖章单位', 'Sealed by')}</dt>
        <dd>{h['tongban:department']}</dd>
        <dt>{t('印章', 'Seal')}</dt>
        <dd>{h['tongban:seal']}</dd>
        <dt>{t('算法', 'Algorithm')}</dt>
        <dd>{h.alg}</dd>
        <dt>{t('盖章时间', 'Sealed at')}</dt>
        <dd>{formatInstant(h['tongban:sealedAt'])}</dd>
        <dt>{t('密钥', 'Key')}</dt>
        <dd className="hash">{h.kid}</dd>
      </dl>
    </div>
  );
}
