// The statutory days off, computed (the lunar festivals and 清明 by tyme4ts, into the table of
// festival-dates.ts), checked against an independent source: the `chinese-days` package, which holds the
// State Council's published arrangements of 2004-2026 and its own lunar and solar-term tables.
import chineseDays from 'chinese-days';
import { LunarDay, SolarTerm } from 'tyme4ts';
import type { SolarDay } from 'tyme4ts';
import { describe, expect, it } from 'vitest';
import { FESTIVAL_DATES } from '../../shared/domain/calendar/festival-dates.ts';
import { STATUTORY_YEARS, statutoryDaysOff, statutoryHolidays } from '../../shared/domain/calendar/statutory-holidays.ts';
import { refusal } from '../support/refusal.ts';

const { getLunarDate, getSolarTerms, isHoliday } = chineseDays;
const years = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

describe('statutory holidays (全国年节及纪念日放假办法)', () => {
  it('gives the 2024 revision from 2025: New Year, Spring Festival eve and days 1-3, Qingming, 1-2 May, Dragon Boat, Mid-Autumn, 1-3 Oct', () => {
    expect(statutoryHolidays(2026)).toEqual([
      { name: '元旦', days: ['2026-01-01'] },
      { name: '春节', days: ['2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19'] },
      { name: '清明节', days: ['2026-04-05'] },
      { name: '劳动节', days: ['2026-05-01', '2026-05-02'] },
      { name: '端午节', days: ['2026-06-19'] },
      { name: '中秋节', days: ['2026-09-25'] },
      { name: '国庆节', days: ['2026-10-01', '2026-10-02', '2026-10-03'] },
    ]);
    expect(statutoryHolidays(2025).flatMap((h) => h.days)).toHaveLength(13);
  });

  it('gives the earlier revisions before: the eve and days 1-2 until 2013, days 1-3 and 1 May alone 2014-2024', () => {
    expect(statutoryHolidays(2012).find((h) => h.name === '春节')!.days).toEqual(['2012-01-22', '2012-01-23', '2012-01-24']);
    expect(statutoryHolidays(2024).find((h) => h.name === '春节')!.days).toEqual(['2024-02-10', '2024-02-11', '2024-02-12']);
    expect(statutoryHolidays(2024).find((h) => h.name === '劳动节')!.days).toEqual(['2024-05-01']);
  });

  it('is a day off in every arrangement the State Council published from 2008 to 2026', () => {
    const workedOnAHoliday = years(2008, 2026).flatMap((y) => [...statutoryDaysOff(y)].filter((d) => !isHoliday(d)));
    expect(workedOnAHoliday).toEqual([]);
  });

  it('puts Qingming on the day of the solar term, every year of the century', () => {
    const mismatches = years(2001, STATUTORY_YEARS.last)
      .filter((y) => y >= STATUTORY_YEARS.first)
      .map((y) => [y, statutoryHolidays(y).find((h) => h.name === '清明节')!.days[0], getSolarTerms(`${y}-04-01`, `${y}-04-10`).find((t) => t.name === '清明')?.date])
      .filter(([, ours, theirs]) => ours !== theirs);
    expect(mismatches).toEqual([]);
  });

  it('puts the lunar festivals on 正月初一 (its eve the day before), 五月初五 and 八月十五, every year to 2099', () => {
    const wrong: string[] = [];
    for (const y of years(STATUTORY_YEARS.first, STATUTORY_YEARS.last)) {
      const h = Object.fromEntries(statutoryHolidays(y).map((x) => [x.name, x.days]));
      // The eve first where the law gives it (until 2013, and from 2025).
      const withEve = y < 2014 || y >= 2025;
      const newYear = h['春节']![withEve ? 1 : 0]!;
      const lunar = (d: string) => getLunarDate(d);
      const expectLunar = (d: string, mon: number, day: number) => {
        const l = lunar(d);
        if (l.lunarMon !== mon || l.lunarDay !== day || l.isLeap) wrong.push(`${y}: ${d} is ${l.isLeap ? 'leap ' : ''}${l.lunarMon}/${l.lunarDay}, not ${mon}/${day}`);
      };
      expectLunar(newYear, 1, 1);
      expectLunar(h['端午节']![0]!, 5, 5);
      expectLunar(h['中秋节']![0]!, 8, 15);
      if (withEve && lunar(h['春节']![0]!).lunarMon !== 12) wrong.push(`${y}: the eve ${h['春节']![0]} is not in the 12th month`);
    }
    expect(wrong).toEqual([]);
  });

  it("takes the lunar festivals and 清明 from a table that is tyme4ts's computation, every year it knows", () => {
    // Act: every year computed again (astronomical new moons and solar terms in China time).
    const md = (d: SolarDay) => `${String(d.getMonth()).padStart(2, '0')}-${String(d.getDay()).padStart(2, '0')}`;
    const computed = years(STATUTORY_YEARS.first, STATUTORY_YEARS.last).map((y) => [
      y,
      [
        md(LunarDay.fromYmd(y, 1, 1).getSolarDay()),
        md(SolarTerm.fromName(y, '清明').getJulianDay().getSolarDay()),
        md(LunarDay.fromYmd(y, 5, 5).getSolarDay()),
        md(LunarDay.fromYmd(y, 8, 15).getSolarDay()),
      ],
    ]);

    // Assess
    expect(Object.entries(FESTIVAL_DATES).map(([y, dates]) => [Number(y), dates])).toEqual(computed);
  });

  it('refuses a year it does not know the law of', () => {
    for (const year of [2007, 2100]) {
      const e = refusal(() => statutoryHolidays(year));
      expect([e.code, e.field]).toEqual(['CALENDAR_YEAR_UNSUPPORTED', 'year']);
    }
  });
});
