// Answering the statistics: a period's figures per department read from the day summaries alone
// (never the facts, never the cases) — in detail for the department itself, the platform role and
// auditors — and the public figures (001 §28): per department, no personal data, no case numbers;
// each department's 好差评 beside them (its reviews by level, 好评率, bad reviews answered on time),
// read from the evaluations. A month whose sealed document is made is answered with the document's
// figures: what was published stays what is shown.
import type { PublicDepartmentFigures, PublicStatistics } from '../../contracts/statistics.ts';
import { PublicStatisticsSchema } from '../../contracts/statistics.ts';
import type { Department, Directory } from '../../contracts/directory.ts';
import type { Caller } from '../access/caller.ts';
import { chinaDate } from '../calendar/china-date.ts';
import type { EvaluationFiguresByItem } from './evaluation-figures.ts';
import { forbidden, notFound } from '../errors.ts';
import type { Period, SummaryRow } from './statistics-figures.ts';
import { addUp, figures, parsePeriod } from './statistics-figures.ts';
import type { StatisticsStore, StoredDocument } from './statistics-ports.ts';

export interface StatisticsReadDeps {
  store: StatisticsStore;
  directory: () => Promise<Directory>;
  /** Items a department has listed in the catalogue now (published or suspended). */
  publishedItems: (departmentId: string) => Promise<number>;
  /** Supervision findings a department must answer, raised from `from` to `to`, by rule. */
  findingsByRule: (departmentId: string, from: string, to: string) => Promise<Record<string, number>>;
  /** 好差评 of the department's services rated from `from` to `to`, counted as of `today`. */
  evaluations: (departmentId: string, from: string, to: string, today: string) => Promise<EvaluationFiguresByItem>;
  now?: () => Date;
}

export interface StatisticsRequest {
  period: string;
  department?: string | undefined;
  item?: string | undefined;
  channel?: string | undefined;
}

export class StatisticsService {
  constructor(private readonly deps: StatisticsReadDeps) {}

  private today(): string {
    return chinaDate((this.deps.now ?? (() => new Date()))());
  }

  async figures(caller: Caller, request: StatisticsRequest) {
    const period = parsePeriod(request.period);
    const departments = await this.departmentsFor(caller, request.department);
    const filter = { itemCode: request.item, channelId: request.channel };
    return {
      period: period.period,
      from: period.from,
      to: period.to,
      departments: await Promise.all(
        departments.map(async (d) => {
          const rows = await this.rows(d.id, period, filter);
          const [itemsPublished, findingsByRule, evaluations] = await Promise.all([
            this.deps.publishedItems(d.id),
            this.deps.findingsByRule(d.id, period.from, period.to),
            this.deps.evaluations(d.id, period.from, period.to, this.today()),
          ]);
          return {
            departmentId: d.id,
            departmentName: d.name,
            itemsPublished,
            figures: figures(rows),
            byItemAndChannel: rows.map((r) => ({ itemCode: r.itemCode, channelId: r.channelId, figures: figures([r]) })),
            findingsByRule,
            evaluations,
          };
        }),
      ),
    };
  }

  /** The public figures of a period; a month with a sealed document answers the document's. */
  async publicFigures(periodText: string): Promise<PublicStatistics> {
    const period = parsePeriod(periodText);
    if (period.kind === 'month') {
      const sealed = await this.deps.store.document(period.period);
      if (sealed) return { ...publishedOf(sealed), sealed: true };
    }
    return { ...(await this.computePublic(period)), sealed: false };
  }

  /** The public figures as computed now from the summaries (what a month's document seals). */
  async computePublic(period: Period): Promise<Omit<PublicStatistics, 'sealed'>> {
    const { departments } = await this.deps.directory();
    const out: PublicDepartmentFigures[] = [];
    for (const d of [...departments].sort((a, b) => a.id.localeCompare(b.id))) {
      const [rows, itemsPublished, evaluations] = await Promise.all([
        this.rows(d.id, period, {}),
        this.deps.publishedItems(d.id),
        this.deps.evaluations(d.id, period.from, period.to, this.today()),
      ]);
      const f = figures(rows);
      out.push({
        departmentId: d.id,
        departmentName: d.name,
        itemsPublished,
        received: f.received,
        accepted: f.accepted,
        refused: f.refused,
        approved: f.approved,
        denied: f.denied,
        withdrawn: f.withdrawn,
        onlineShare: f.onlineShare,
        promisedOnTimeRate: f.promisedOnTimeRate,
        statutoryOnTimeRate: f.statutoryOnTimeRate,
        meanWorkingDays: f.meanWorkingDays,
        p90WorkingDays: f.p90WorkingDays,
        evaluationsRated: evaluations.rated,
        goodReviewRate: evaluations.goodReviewRate,
        rectificationOnTimeRate: evaluations.rectificationOnTimeRate,
      });
    }
    return { period: period.period, from: period.from, to: period.to, departments: out };
  }

  async document(month: string): Promise<StoredDocument> {
    const doc = await this.deps.store.document(month);
    if (!doc) {
      throw notFound('STATISTICS_DOCUMENT_NOT_FOUND', `${month}的统计文书尚未生成（该月结束且统计数据更新后生成）`, `the statistics document of ${month} is not made yet`);
    }
    return doc;
  }

  private async rows(departmentId: string, period: Period, filter: { itemCode?: string | undefined; channelId?: string | undefined }): Promise<SummaryRow[]> {
    const days = await this.deps.store.summaries(departmentId, period.from, period.to);
    return addUp(
      days.map((d) => d.rows),
      filter,
    );
  }

  private async departmentsFor(caller: Caller, asked: string | undefined): Promise<Department[]> {
    const { departments } = await this.deps.directory();
    if (caller.role === 'department' && asked !== undefined && asked !== caller.departmentId) {
      throw forbidden('STATISTICS_DEPARTMENT_FORBIDDEN', '部门只能查看本部门的统计数据', `department ${caller.departmentId ?? '?'} may read its own figures only`, 'department');
    }
    const wanted = caller.role === 'department' ? caller.departmentId : asked;
    if (wanted === undefined) return departments;
    const found = departments.filter((d) => d.id === wanted);
    if (found.length === 0) throw forbidden('STATISTICS_DEPARTMENT_FORBIDDEN', `部门“${wanted}”不在目录中`, `department ${wanted} is not in the directory`, 'department');
    return found;
  }
}

/** The public figures a sealed document holds. */
function publishedOf(doc: StoredDocument): Omit<PublicStatistics, 'sealed'> {
  const parsed = JSON.parse(doc.document) as { statistics: unknown };
  const { sealed: _s, ...figures } = PublicStatisticsSchema.parse({ ...(parsed.statistics as object), sealed: true });
  return figures;
}
