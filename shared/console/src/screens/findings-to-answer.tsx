// A department's supervision findings (监察预警) to answer: its own list (GET /v1/supervision/findings
// answers a department nothing else), those still owed an answer first, and each finding's page
// where the officer explains or says how the department rectified (POST …/response); a returned or
// escalated finding is answered again there.
import { useT } from '../i18n.tsx';
import { href } from '../router.ts';
import type { Filters } from '../record-list.tsx';
import { filterQuery, filtersOf } from '../record-list.tsx';
import { FINDING_FILTERS, FindingList, FindingPage } from './finding-page.tsx';
import '../oversight.css';

export function FindingsToAnswer({ id, query }: { id: string | undefined; query: URLSearchParams }) {
  const t = useT();
  const filters = filtersOf(query, FINDING_FILTERS, {});
  const onFilter = (f: Filters) => {
    location.hash = `${href('findings')}?${filterQuery(f)}`;
  };
  return (
    <main className="panel wide">
      <h1>{t('监察预警答复', 'Findings to answer')}</h1>
      {id ? (
        <FindingPage id={id} back={`${href('findings')}?${query.toString()}`} />
      ) : (
        <>
          <p className="muted">
            {t(
              '本部门需要答复的电子监察预警。待答复、已退回和已督办的预警须在答复期限内说明情况或报告整改。',
              'The supervision findings your department must answer. Open, returned and escalated ones are owed an explanation or a rectification by their due day.',
            )}
          </p>
          <FindingList filters={filters} onFilter={onFilter} link={(x) => `${href('findings', x)}?${query.toString()}`} />
        </>
      )}
    </main>
  );
}
