// The lists of records the oversight and feedback screens show (findings, evaluations, tickets): their
// filters, kept in the hash's query (a filtered list can be linked to and survives a reload), read back
// with their defaults and set with one form — each field a choice, a date or a text, which the API
// checks — and the records a page at a time as a table, each row a record, the late ones marked.
import type { ReactNode } from 'react';
import { useT } from './i18n.tsx';
import type { DepartmentRef } from './oversight-data.ts';
import type { Pair } from './oversight-words.ts';
import type { Page } from './paged.tsx';
import { PagedList, usePaged } from './paged.tsx';
import { usePlatform } from './platform.tsx';
import { TableHead } from './ui.tsx';

export type Filters = Record<string, string>;

export type FilterField = { name: string; label: Pair; options: [string, string, string][] } | { name: string; label: Pair; type: 'date' | 'text' };

/** The filters `names` from the hash's query; one absent takes its default, one present but empty is none. */
export function filtersOf(query: URLSearchParams, names: readonly string[], defaults: Filters): Filters {
  const out: Filters = {};
  for (const k of names) {
    const v = query.has(k) ? query.get(k) : defaults[k];
    if (v) out[k] = v;
  }
  return out;
}

/** The query that keeps `filters`: a name with a default is kept even empty, so the default is not taken again. */
export function filterQuery(filters: Filters, defaults: Filters = {}): string {
  const q = new URLSearchParams(Object.entries(filters));
  for (const k of Object.keys(defaults)) if (!filters[k]) q.set(k, '');
  return q.toString();
}

/** The filter form: each field (its id `<id>-<name>`), every choice with "any" first; `onFilter` gets what was filled. */
export function FilterForm({ id, label, fields, filters, onFilter }: { id: string; label: Pair; fields: FilterField[]; filters: Filters; onFilter: (f: Filters) => void }) {
  const t = useT();
  return (
    <form
      className="filters"
      aria-label={t(...label)}
      key={JSON.stringify(filters)}
      onSubmit={(e) => {
        e.preventDefault();
        const data = new FormData(e.currentTarget);
        const next: Filters = {};
        for (const { name } of fields) {
          const v = data.get(name);
          if (typeof v === 'string' && v.trim()) next[name] = v.trim();
        }
        onFilter(next);
      }}
    >
      {fields.map((f) => (
        <label key={f.name}>
          {t(...f.label)}
          {'options' in f ? (
            <select name={f.name} id={`${id}-${f.name}`} defaultValue={filters[f.name] ?? ''}>
              <option value="">{t('全部', 'Any')}</option>
              {f.options.map(([value, zh, en]) => (
                <option key={value} value={value}>
                  {t(zh, en)}
                </option>
              ))}
            </select>
          ) : (
            <input type={f.type} name={f.name} id={`${id}-${f.name}`} defaultValue={filters[f.name] ?? ''} />
          )}
        </label>
      ))}
      <button type="submit">{t('查询', 'Search')}</button>
    </form>
  );
}

/** The department filter, where the caller has the departments to choose from (the platform role and auditors). */
export function departmentField(departments: DepartmentRef[] | undefined, label: Pair, extra: [string, string, string][] = []): FilterField[] {
  return departments ? [{ name: 'department', label, options: [...extra, ...departments.map((d): [string, string, string] => [d.id, d.name, d.name])] }] : [];
}

/** A column of a record list: its header and what each record shows in it. */
export interface RecordColumn<T> {
  head: Pair;
  cell: (record: T) => ReactNode;
}

/** How many records a list asks the API for at a time. */
export const RECORD_PAGE_SIZE = 25;

/**
 * The filter form (`<id>-<field>`) and the records `load` answers for the filters, a page at a time,
 * as the table `<id>-table`: a row per record (`data-record`), the late ones marked.
 */
export function RecordList<T extends { id: string; late?: boolean }>({
  id,
  label,
  caption,
  empty,
  fields,
  filters,
  onFilter,
  load,
  columns,
}: {
  id: string;
  label: Pair;
  caption: Pair;
  empty: Pair;
  fields: FilterField[];
  filters: Filters;
  onFilter: (f: Filters) => void;
  /** A page of the records: the filters, the page size and the cursor as the list route's query. */
  load: (query: Record<string, string | number>) => Promise<Page<T>>;
  columns: RecordColumn<T>[];
}) {
  const t = useT();
  const { api } = usePlatform();
  const paged = usePaged((cursor) => load({ ...filters, limit: RECORD_PAGE_SIZE, ...(cursor ? { cursor } : {}) }), [api, JSON.stringify(filters)]);
  return (
    <>
      <FilterForm id={id} label={label} fields={fields} filters={filters} onFilter={onFilter} />
      <PagedList paged={paged} empty={t(...empty)}>
        {(records) => (
          <table id={`${id}-table`}>
            <caption className="sr-only">{t(...caption)}</caption>
            <TableHead columns={columns.map((c) => c.head)} />
            <tbody>
              {records.map((r) => (
                <tr key={r.id} className={r.late ? 'overdue' : undefined} data-record={r.id}>
                  {columns.map((c) => (
                    <td key={c.head[1]}>{c.cell(r)}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </PagedList>
    </>
  );
}
