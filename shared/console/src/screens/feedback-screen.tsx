// What the 好差评 and ticket screens share: the page with its title and what it is for (each by the
// caller's role), the list or one record's page as the hash says (`#/<path>?<filters>`,
// `#/<path>/<id>?<filters>`, the filters kept for the way back), each role's first filters, and — for
// the platform's reviewers and the auditors, who see every department — the departments to filter by,
// assign to and name (GET /v1/departments). A department's lists are its own records, with no
// department filter or column; its pages name the departments all the same.
import type { ReactNode } from 'react';
import { useT } from '../i18n.tsx';
import type { DepartmentRef } from '../oversight-data.ts';
import { departmentsOf } from '../oversight-data.ts';
import type { Pair } from '../oversight-words.ts';
import { usePlatform } from '../platform.tsx';
import type { Filters } from '../record-list.tsx';
import { filterQuery, filtersOf } from '../record-list.tsx';
import { href } from '../router.ts';
import type { Role } from '../session.ts';
import { Show, useLoad } from '../ui.tsx';

/** What a list is given: its filters and how to change them, each record's link, the departments (platform, auditors). */
export interface ListProps {
  filters: Filters;
  onFilter: (f: Filters) => void;
  link: (id: string) => string;
  departments: DepartmentRef[] | undefined;
}

/** What a record's page is given: the record, the way back to the list, the departments (platform, auditors). */
export interface PageProps {
  id: string;
  back: string;
  departments: DepartmentRef[] | undefined;
}

export function FeedbackScreen({
  path,
  id,
  query,
  filterNames,
  defaults,
  words,
  list,
  page,
}: {
  path: string;
  id: string | undefined;
  query: URLSearchParams;
  filterNames: readonly string[];
  /** The filters each role's list opens with. */
  defaults: Partial<Record<Role, Filters>>;
  /** Each role's title and the line saying what the screen is for. */
  words: Partial<Record<Role, { title: Pair; intro: Pair }>>;
  list: (props: ListProps) => ReactNode;
  page: (props: PageProps) => ReactNode;
}) {
  const t = useT();
  const { api, session } = usePlatform();
  const [departments] = useLoad(() => departmentsOf(api), [api]);
  const first = defaults[session.role] ?? {};
  const said = words[session.role];
  return (
    <main className="panel wide">
      {said ? (
        <>
          <h1>{t(...said.title)}</h1>
          <p className="muted">{t(...said.intro)}</p>
        </>
      ) : null}
      <Show loaded={departments}>
        {(known) =>
          id
            ? page({ id, back: `${href(path)}?${query.toString()}`, departments: known })
            : list({
                filters: filtersOf(query, filterNames, first),
                onFilter: (f) => (location.hash = `${href(path)}?${filterQuery(f, first)}`),
                link: (x) => `${href(path, x)}?${query.toString()}`,
                // A department lists its own records: no department to filter by or to show.
                departments: session.role === 'department' ? undefined : known,
              })
        }
      </Show>
    </main>
  );
}

/** A department's name where the caller has the list, else its id (统一社会信用代码). */
export function departmentName(departments: DepartmentRef[] | undefined, id: string | undefined): string {
  if (id === undefined) return '—';
  return departments?.find((d) => d.id === id)?.name ?? id;
}
