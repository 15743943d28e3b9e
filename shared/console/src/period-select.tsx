// The year and the month a statistics screen shows: the last five years (and the one asked for, if
// older), the twelve months or the whole year.
import { useT } from './i18n.tsx';

export const MONTHS = ['01', '02', '03', '04', '05', '06', '07', '08', '09', '10', '11', '12'];

export function YearSelect({ id, value, thisYear, onChange }: { id: string; value: number; thisYear: number; onChange: (year: string) => void }) {
  const t = useT();
  const years = Array.from({ length: 5 }, (_, i) => thisYear - i);
  return (
    <label>
      {t('年度', 'Year')}
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {(years.includes(value) ? years : [value, ...years]).map((y) => (
          <option key={y} value={y}>
            {y}
          </option>
        ))}
      </select>
    </label>
  );
}

/** A month of `year` ('01'…'12'), or '' for the whole year. */
export function MonthSelect({ id, value, year, onChange }: { id: string; value: string; year: number; onChange: (month: string) => void }) {
  const t = useT();
  return (
    <label>
      {t('月份', 'Month')}
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        <option value="">{t('全年', 'Whole year')}</option>
        {MONTHS.map((m) => (
          <option key={m} value={m}>
            {t(`${Number(m)}月`, `${year}-${m}`)}
          </option>
        ))}
      </select>
    </label>
  );
}
