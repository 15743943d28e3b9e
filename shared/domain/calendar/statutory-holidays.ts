// The days off the law itself gives every year (《全国年节及纪念日放假办法》, 国务院令), before the State
// Council arranges the year around them: a loaded year must give every one of them off, and a year not
// loaded yet is counted provisionally on them alone (weekends off, these days off, no make-up days).
//
// The revisions in force (each from 1 January of its year):
//   - 2008 (国务院令第513号): 元旦; 春节 = 农历除夕、正月初一、初二; 清明节; 劳动节 = 5月1日; 端午节; 中秋节;
//     国庆节 = 10月1日-3日 — 11 days;
//   - 2014 (国务院令第644号): 春节 = 正月初一至初三 (no longer the eve) — 11 days;
//   - 2025 (国务院令第798号, the 2024 revision): 春节 = 除夕 and 初一至初三; 劳动节 = 5月1日、2日 — 13 days.
//
// Lunar dates and the solar term are computed, not typed in, by tyme4ts (6tail's calendar library:
// astronomical new moons and solar terms in China time): 正月初一 (its eve the day before), 五月初五,
// 八月十五, and 清明 (the sun at ecliptic longitude 15°) — once, into the table of festival-dates.ts,
// which the unit test computes again. Node's own Intl Chinese calendar is not precise enough here: it
// puts 正月初一 of 2027 and of 2030 a day off, both new moons falling within minutes of midnight.
// Checked against the published arrangements of 2008-2026 and an independent lunar table to 2099
// (test/unit/statutory-holidays.test.ts).
import { STATUTORY_YEARS } from '../../contracts/calendar.ts';
import { invalid } from '../errors.ts';
import { dayNumber, fromDayNumber } from './china-date.ts';
import { FESTIVAL_DATES } from './festival-dates.ts';

export interface StatutoryHoliday {
  /** As the arrangements name it: 元旦, 春节, 清明节, 劳动节, 端午节, 中秋节, 国庆节. */
  name: string;
  days: string[];
}

/** The first and last year whose statutory holidays this module knows: the route's years (shared/contracts/calendar.ts). */
export { STATUTORY_YEARS };

/**
 * The statutory days off of `year`, by holiday, under the revision in force that year. Throws
 * `CALENDAR_YEAR_UNSUPPORTED` outside STATUTORY_YEARS.
 */
export function statutoryHolidays(year: number): StatutoryHoliday[] {
  if (!Number.isSafeInteger(year) || year < STATUTORY_YEARS.first || year > STATUTORY_YEARS.last) {
    throw invalid(
      'CALENDAR_YEAR_UNSUPPORTED',
      'year',
      `${year}年不在可计算法定节假日的年份范围（${STATUTORY_YEARS.first}—${STATUTORY_YEARS.last}年）内`,
      `the statutory holidays of ${year} are not known here (${STATUTORY_YEARS.first}-${STATUTORY_YEARS.last})`,
    );
  }
  const cached = byYear.get(year);
  if (cached) return cached;
  const lunar = festivals(year);
  const springFestival = year >= 2025 ? [lunar.eve, ...days(lunar.newYear, 3)] : year >= 2014 ? days(lunar.newYear, 3) : [lunar.eve, ...days(lunar.newYear, 2)];
  const holidays: StatutoryHoliday[] = [
    { name: '元旦', days: [`${year}-01-01`] },
    // The eve of a Spring Festival that falls on 1 January would be in the year before: it never does
    // (正月初一 falls between 21 January and 20 February).
    { name: '春节', days: springFestival },
    { name: '清明节', days: [lunar.qingming] },
    { name: '劳动节', days: year >= 2025 ? [`${year}-05-01`, `${year}-05-02`] : [`${year}-05-01`] },
    { name: '端午节', days: [lunar.dragonBoat] },
    { name: '中秋节', days: [lunar.midAutumn] },
    { name: '国庆节', days: [`${year}-10-01`, `${year}-10-02`, `${year}-10-03`] },
  ];
  byYear.set(year, holidays);
  return holidays;
}

/** Every statutory day off of `year`, as a set of dates. */
export function statutoryDaysOff(year: number): ReadonlySet<string> {
  return new Set(statutoryHolidays(year).flatMap((h) => h.days));
}

const byYear = new Map<number, StatutoryHoliday[]>();

/** The year's lunar festivals and 清明, as dates. */
function festivals(year: number): { eve: string; newYear: string; qingming: string; dragonBoat: string; midAutumn: string } {
  const dates = FESTIVAL_DATES[year];
  if (!dates) throw new Error(`no festival dates for ${year}`);
  const [newYear, qingming, dragonBoat, midAutumn] = dates;
  const date = (md: string) => `${year}-${md}`;
  return { eve: fromDayNumber(dayNumber(date(newYear)) - 1), newYear: date(newYear), qingming: date(qingming), dragonBoat: date(dragonBoat), midAutumn: date(midAutumn) };
}

function days(first: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => fromDayNumber(dayNumber(first) + i));
}
