// 好差评 in the statistics (国办发〔2019〕51号: results published and used in assessment; 004 §23): a
// period's reviews of a department — by the day they were rated — counted by level, overall and per
// item, with the share of good ones (非常满意, 满意, 基本满意: 好评率) and how its bad ones were answered:
// on time, late, or still awaited past their due day. A review whose appeal was upheld no longer counts
// (it is shown apart as upheld). Read from the evaluations themselves, never the cases.
import type { EvaluationLevel } from '../../contracts/evaluation-levels.ts';
import { BAD_LEVELS, EVALUATION_LEVELS } from '../../contracts/evaluation-levels.ts';

/** What the statistics read of one evaluation. */
export interface EvaluationTallyRow {
  level: EvaluationLevel;
  itemCode?: string | undefined;
  /** An appeal against it was upheld. */
  excluded: boolean;
  /** A bad review answered: whether on time. */
  rectifiedOnTime?: boolean | undefined;
  /** A bad review not answered yet: its due day, and whether that day is provisional (then nobody is late). */
  dueOn?: string | undefined;
  dueProvisional?: boolean | undefined;
  answered: boolean;
}

export type LevelCounts = Record<EvaluationLevel, number>;

export interface EvaluationFigures {
  /** Reviews that count (an upheld appeal's excluded). */
  rated: number;
  byLevel: LevelCounts;
  /** 好评率: 非常满意, 满意 and 基本满意 of the reviews that count (null: none). */
  goodReviewRate: number | null;
  /** 差评: 不满意 and 非常不满意 that count. */
  bad: number;
  /** Bad reviews answered on or before their due day, after it, and awaited past it now. */
  rectifiedOnTime: number;
  rectifiedLate: number;
  awaitedPastDue: number;
  /** On time of those answered or due by now (null: none). */
  rectificationOnTimeRate: number | null;
  /** Reviews no longer counted: the platform upheld the department's appeal. */
  appealsUpheld: number;
}

const GOOD: readonly EvaluationLevel[] = EVALUATION_LEVELS.filter((l) => !BAD_LEVELS.includes(l));

const share = (part: number, whole: number): number | null => (whole === 0 ? null : Math.round((part / whole) * 10_000) / 10_000);

/** The counts behind the figures of one set of reviews. */
class Counts {
  readonly byLevel = Object.fromEntries(EVALUATION_LEVELS.map((l) => [l, 0])) as LevelCounts;
  upheld = 0;
  onTime = 0;
  late = 0;
  awaited = 0;

  add(row: EvaluationTallyRow, today: string): void {
    if (row.excluded) {
      this.upheld++;
      return;
    }
    this.byLevel[row.level]++;
    if (!BAD_LEVELS.includes(row.level)) return;
    if (row.answered) {
      if (row.rectifiedOnTime === false) this.late++;
      else this.onTime++;
    } else if (row.dueOn !== undefined && row.dueProvisional !== true && row.dueOn < today) this.awaited++;
  }

  figures(): EvaluationFigures {
    const rated = EVALUATION_LEVELS.reduce((n, l) => n + this.byLevel[l], 0);
    const good = GOOD.reduce((n, l) => n + this.byLevel[l], 0);
    return {
      rated,
      byLevel: { ...this.byLevel },
      goodReviewRate: share(good, rated),
      bad: rated - good,
      rectifiedOnTime: this.onTime,
      rectifiedLate: this.late,
      awaitedPastDue: this.awaited,
      rectificationOnTimeRate: share(this.onTime, this.onTime + this.late + this.awaited),
      appealsUpheld: this.upheld,
    };
  }
}

export type EvaluationFiguresByItem = EvaluationFigures & { byItem: { itemCode: string; figures: EvaluationFigures }[] };

/**
 * Counts reviews as they are read, a page at a time: what it holds grows with the items reviewed, never
 * with the reviews. `today` decides what is awaited past its due day.
 */
export class EvaluationTally {
  private readonly all = new Counts();
  private readonly items = new Map<string, Counts>();

  constructor(private readonly today: string) {}

  add(row: EvaluationTallyRow): void {
    this.all.add(row, this.today);
    const code = row.itemCode ?? '-';
    let item = this.items.get(code);
    if (!item) this.items.set(code, (item = new Counts()));
    item.add(row, this.today);
  }

  /** The figures overall and per item (a window visit's review without an item under `-`), items in code order. */
  figures(): EvaluationFiguresByItem {
    return {
      ...this.all.figures(),
      byItem: [...this.items.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([itemCode, counts]) => ({ itemCode, figures: counts.figures() })),
    };
  }
}
