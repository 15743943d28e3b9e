// Electronic supervision (电子监察, 002 §27) for the platform's reviewers and the auditors: the
// supervision lists (cases past their promised or statutory deadline, or with a finding of a kind:
// GET /v1/supervision/{kind}, platform role only), the findings (监察预警) of every department with
// one finding's page, its history and chain check, where the reviewer closes an answer or returns it;
// and the rules in force with their loaded versions (the reviewer may load the next version here).
import type { components } from '../api/schema.gen.d.ts';
import { must } from '../api/client.ts';
import { useT } from '../i18n.tsx';
import { JsonLoad } from '../json-load.tsx';
import type { DepartmentRef } from '../oversight-data.ts';
import { departmentsOf } from '../oversight-data.ts';
import type { SupervisionList } from '../oversight-words.ts';
import { RULE_KIND_WORDS, SEVERITY_WORDS, SUPERVISION_LISTS, SUPERVISION_LIST_WORDS, formatInstant } from '../oversight-words.ts';
import { usePaged, PagedList } from '../paged.tsx';
import { usePlatform } from '../platform.tsx';
import type { Route } from '../router.ts';
import { href } from '../router.ts';
import { DueDate, Show, StatusTag, useLoad, TableHead } from '../ui.tsx';
import { ChainCheck, VersionTable } from '../versions.tsx';
import type { Filters } from '../record-list.tsx';
import { filterQuery, filtersOf } from '../record-list.tsx';
import { FINDING_FILTERS, FindingList, FindingPage } from './finding-page.tsx';
import '../oversight.css';
import { TableScroll } from '../table-scroll.tsx';

type Tab = 'lists' | 'findings' | 'rules';

export function Supervision({ route }: { route: Route }) {
  const t = useT();
  const { api, session } = usePlatform();
  const tabs: { tab: Tab; zh: string; en: string }[] = [
    ...(session.role === 'platform' ? [{ tab: 'lists' as const, zh: '督办清单', en: 'Supervision lists' }] : []),
    { tab: 'findings', zh: '监察预警', en: 'Findings' },
    { tab: 'rules', zh: '监察规则', en: 'Rules' },
  ];
  const asked = route.path[1] as Tab | undefined;
  const tab: Tab = tabs.some((x) => x.tab === asked) ? asked! : tabs[0]!.tab;
  const [departments] = useLoad(() => departmentsOf(api), [api]);
  return (
    <main className="panel wide">
      <h1>{t('电子监察', 'Supervision')}</h1>
      <nav className="tabs" aria-label={t('电子监察', 'Supervision')}>
        {tabs.map((x) => (
          <a key={x.tab} href={href('supervision', x.tab)} aria-current={x.tab === tab ? 'page' : undefined}>
            {t(x.zh, x.en)}
          </a>
        ))}
      </nav>
      <Show loaded={departments}>
        {(list) =>
          tab === 'lists' ? (
            <Lists kind={route.path[2]} departments={list} />
          ) : tab === 'findings' ? (
            route.path[2] ? (
              <FindingPage id={route.path[2]} back={`${href('supervision', 'findings')}?${route.query.toString()}`} departments={list} />
            ) : (
              <Findings query={route.query} departments={list} />
            )
          ) : (
            <Rules />
          )
        }
      </Show>
    </main>
  );
}

function Findings({ query, departments }: { query: URLSearchParams; departments: DepartmentRef[] }) {
  const t = useT();
  // The platform's list needs one filter (department, rule, state or case): the open ones by default.
  const defaults = { state: 'open' };
  const filters = filtersOf(query, FINDING_FILTERS, defaults);
  const onFilter = (f: Filters) => {
    location.hash = `${href('supervision', 'findings')}?${filterQuery(f, defaults)}`;
  };
  return (
    <section aria-labelledby="findings-title">
      <h2 id="findings-title">{t('监察预警', 'Supervision findings')}</h2>
      <FindingList filters={filters} onFilter={onFilter} departments={departments} link={(id) => `${href('supervision', 'findings', id)}?${query.toString()}`} />
    </section>
  );
}

function Lists({ kind, departments }: { kind: string | undefined; departments: DepartmentRef[] }) {
  const t = useT();
  const { api } = usePlatform();
  const list: SupervisionList = SUPERVISION_LISTS.includes(kind as SupervisionList) ? (kind as SupervisionList) : 'overdue';
  const paged = usePaged(
    async (cursor) => {
      const page = await must(api.GET('/v1/supervision/{kind}', { params: { path: { kind: list }, query: { limit: 50, ...(cursor ? { cursor } : {}) } } }));
      return { items: page.cases, next: page.nextCursor };
    },
    [api, list],
  );
  const nameOf = (id: string) => departments.find((d) => d.id === id)?.name ?? id;
  return (
    <section aria-labelledby="lists-title">
      <h2 id="lists-title">{t('督办清单', 'Supervision lists')}</h2>
      <nav className="tabs" aria-label={t('清单', 'Lists')}>
        {SUPERVISION_LISTS.map((k) => (
          <a key={k} href={href('supervision', 'lists', k)} aria-current={k === list ? 'page' : undefined}>
            {t(...SUPERVISION_LIST_WORDS[k]!)}
          </a>
        ))}
      </nav>
      <PagedList paged={paged} empty={t('此清单中没有办件。', 'No case in this list.')}>
        {(cases) => (
          <table id="supervision-list">
            <caption className="sr-only">{t(...SUPERVISION_LIST_WORDS[list]!)}</caption>
            <TableHead
              columns={[
                ['办件编号', 'Case'],
                ['事项', 'Item'],
                ['部门', 'Department'],
                ['超过的期限', 'Deadline passed'],
                ['受理日', 'Accepted'],
                ['承诺期限', 'Promised by'],
                ['法定期限', 'Statutory limit'],
                ['办结日', 'Decided'],
                ['状态', 'Status'],
              ]}
            />
            <tbody>
              {cases.map((c) => (
                <tr key={`${c.caseNo}-${c.supervision}`}>
                  <td>{c.caseNo}</td>
                  <td>{c.itemName}</td>
                  <td>{nameOf(c.departmentId)}</td>
                  <td>
                    <DueDate on={c.passedDeadline} overdue />
                  </td>
                  <td>{c.acceptedOn ?? '—'}</td>
                  <td>
                    <DueDate on={c.deadlines?.promised} />
                  </td>
                  <td>
                    <DueDate on={c.deadlines?.statutory} />
                  </td>
                  <td>{c.decidedOn ?? '—'}</td>
                  <td>
                    <StatusTag status={c.status} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </PagedList>
    </section>
  );
}

type Rule = components['schemas']['SupervisionRule'];

function Rules() {
  const t = useT();
  const { api, session } = usePlatform();
  const [loaded, reload] = useLoad(
    async () => ({ inForce: await must(api.GET('/v1/supervision/rules')), versions: await must(api.GET('/v1/supervision/rules/versions')) }),
    [api],
    { keep: true },
  );
  return (
    <Show loaded={loaded}>
      {({ inForce, versions }) => {
        const next = (versions.versions.at(-1)?.version ?? 0) + 1;
        const template = JSON.stringify({ version: next, source: inForce.data.source, rules: [...inForce.data.rules, ...(inForce.shippedRules ?? [])] }, null, 2);
        return (
          <>
            <section aria-labelledby="rules-title">
              <h2 id="rules-title">
                {t(`现行监察规则（第 ${inForce.version} 版）`, `Rules in force (version ${inForce.version})`)}{' '}
                {inForce.shipped ? <span className="tag">{t('平台内置', 'shipped')}</span> : null}
              </h2>
              <p className="muted">
                {t('依据：', 'Source: ')}
                {inForce.data.source} · {t('载入：', 'Loaded: ')}
                {inForce.loadedBy} {formatInstant(inForce.loadedAt)}
              </p>
              <RuleTable rules={inForce.data.rules} caption={t('现行规则', 'Rules in force')} />
              {inForce.shippedRules?.length ? (
                <>
                  <h3>{t('本版本之后新增、按内置规则执行的规则', 'Rules added since this version, in force as shipped')}</h3>
                  <RuleTable rules={inForce.shippedRules} caption={t('按内置执行的规则', 'Rules in force as shipped')} />
                </>
              ) : null}
            </section>
            <section aria-labelledby="rule-versions-title">
              <h2 id="rule-versions-title">{t('已载入的版本', 'Loaded versions')}</h2>
              {versions.versions.length === 0 ? (
                <p className="muted">{t('尚未载入规则，执行平台内置的第 0 版。', 'No catalogue loaded yet: version 0, shipped with the platform, is in force.')}</p>
              ) : (
                <>
                  <ChainCheck id="rules-chain" check={versions.check} count={versions.versions.length} unit={['版', 'versions']} />
                  <VersionTable versions={versions.versions} caption={t('已载入的规则版本', 'Loaded versions of the rules')} />
                </>
              )}
            </section>
            {session.role === 'platform' ? (
              <JsonLoad
                id="load-rules"
                title={t(`载入第 ${next} 版规则`, `Load version ${next}`)}
                template={template}
                submitLabel={t('载入规则', 'Load the rules')}
                load={async (document) => {
                  const result = await must(api.PUT('/v1/supervision/rules', { body: document as components['schemas']['RuleCatalogueDocumentInput'] }));
                  reload();
                  return result.replayed
                    ? t(`与第 ${result.version.version} 版相同，未新增版本。`, `The same as version ${result.version.version}: nothing new loaded.`)
                    : t(`已载入第 ${result.version.version} 版，各功能一分钟内生效。`, `Version ${result.version.version} loaded; the functions apply it within a minute.`);
                }}
              >
                <p className="muted small">
                  {t(
                    '每条规则须列出一次（停用用 "enabled": false），版本号为最新版本加一。',
                    'Every rule once (switch one off with "enabled": false); the version is one more than the newest.',
                  )}
                </p>
              </JsonLoad>
            ) : null}
          </>
        );
      }}
    </Show>
  );
}

function RuleTable({ rules, caption }: { rules: Rule[]; caption: string }) {
  const t = useT();
  return (
    <TableScroll label={caption}>
      <table id="rules-table">
        <caption className="sr-only">{caption}</caption>
        <TableHead
          columns={[
            ['规则', 'Rule'],
            ['类别', 'Kind'],
            ['等级', 'Severity'],
            ['启用', 'On'],
            ['答复时限', 'Answer days'],
            ['依据', 'Basis'],
            ['参数', 'Parameters'],
          ]}
        />
        <tbody>
          {rules.map((r) => (
            <tr key={r.id}>
              <th scope="row">
                {r.title}
                <br />
                <span className="muted small">{r.id}</span>
              </th>
              <td>{t(...RULE_KIND_WORDS[r.kind])}</td>
              <td>
                <span className={`tag severity-${r.severity}`}>{t(...SEVERITY_WORDS[r.severity])}</span>
              </td>
              <td>{r.enabled ? t('是', 'yes') : t('停用', 'off')}</td>
              <td className="number">{t(`${r.answerDays} 个工作日`, `${r.answerDays} working days`)}</td>
              <td>{r.basis}</td>
              <td className="hash">{Object.keys(r.parameters).length ? JSON.stringify(r.parameters) : '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}
