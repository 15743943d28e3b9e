// The service-item catalogue: who may do what to which item, and in what order. One source for
// every channel (004 §4(三)): everyone reads the same published version.
import type { Directory } from '../../contracts/directory.ts';
import type { ItemType, ServiceGuide } from '../../contracts/service-item.ts';
import type { Caller } from '../access/caller.ts';
import { requireRole } from '../access/caller.ts';
import type { CalendarSource } from '../calendar/calendar-source.ts';
import { chinaDate } from '../calendar/official-calendar.ts';
import { DomainError, conflict, forbidden, invalid, notFound } from '../errors.ts';
import { checkGuide } from './guide-rules.ts';
import type { ItemHead, ItemRecord } from './item-record.ts';
import { effectivePublicState, publicStateOn } from './item-record.ts';
import type { ActionContext, ItemCommand } from './item-lifecycle.ts';
import { firstVersion, nextVersion } from './item-lifecycle.ts';
import { isIntact } from './record-hash.ts';
import type { ItemQuery, ItemStore } from './item-store.ts';

/** Working days between a planned suspension's announcement and its effect (001 §11, 004 §14). */
export const PLANNED_SUSPENSION_NOTICE_DAYS = 5;
/** Working days the reviewer has to answer a submission (001 §10). */
export const REVIEW_DAYS = 2;

export interface CatalogueDeps {
  store: ItemStore;
  directory: () => Promise<Directory>;
  /** The working-day calendar as of each action (the stored arrangements, read at most a minute ago). */
  calendar: CalendarSource;
  now?: () => Date;
}

export interface PublishedItem {
  code: string;
  publishedVersion: number;
  publishedAt: string;
  latestVersion?: number;
  departmentName?: string;
  publicState: ItemRecord['publicState'];
  effectivePublicState: ItemRecord['publicState'];
  suspension?: ItemRecord['suspension'];
  guide: ServiceGuide;
}

export type ItemSummary = Omit<ItemHead, 'suspensionFrom' | 'submittedAt' | 'version' | 'state' | 'updatedAt'> &
  Partial<Pick<ItemHead, 'version' | 'state' | 'updatedAt'>> & { departmentName?: string; effectivePublicState: ItemRecord['publicState'] };

export type SuspendInput = { kind: 'planned' | 'emergency'; effectiveFrom?: string | undefined; reason: string; notice?: string | undefined };

export class CatalogueService {
  private readonly now: () => Date;

  constructor(private readonly deps: CatalogueDeps) {
    this.now = deps.now ?? (() => new Date());
  }

  async create(caller: Caller, guide: ServiceGuide): Promise<ItemRecord> {
    requireRole(caller, 'department');
    // Content first: a guide that cannot be anybody's is bad input (400) before it is someone else's (403).
    checkGuide(guide, await this.knownDepartments());
    this.requireOwnDepartment(caller, guide.departmentId, 'guide.departmentId');
    const record = firstVersion(guide.implementationCode, guide, this.context(caller));
    await this.deps.store.append(record, undefined).catch((e: unknown) => {
      if (e instanceof DomainError && e.code === 'ITEM_VERSION_CONFLICT') {
        throw conflict(
          'ITEM_EXISTS',
          `实施编码 ${guide.implementationCode} 已存在`,
          `an item with implementation code ${guide.implementationCode} already exists`,
          'guide.implementationCode',
        );
      }
      throw e;
    });
    return record;
  }

  async edit(caller: Caller, code: string, baseVersion: number, guide: ServiceGuide): Promise<ItemRecord> {
    return this.changeGuide(caller, code, baseVersion, guide, 'edit');
  }

  /** Starts a new draft version of a published item; the published version stays as it is. */
  async revise(caller: Caller, code: string, baseVersion: number, guide: ServiceGuide): Promise<ItemRecord> {
    return this.changeGuide(caller, code, baseVersion, guide, 'revise');
  }

  async submit(caller: Caller, code: string, baseVersion: number): Promise<ItemRecord> {
    const today = this.today();
    const calendar = await this.deps.calendar.current();
    return this.act(caller, code, baseVersion, 'department', () => {
      try {
        const due = calendar.addWorkingDays(today, REVIEW_DAYS);
        return { action: 'submit', reviewDueDate: due.date, ...(due.provisional ? { reviewDueProvisional: true as const } : {}) };
      } catch (e) {
        // The submission stands; only its deadline cannot be known at all (a year whose statutory
        // holidays are not known). It is flagged on the version, never computed as plain weekdays.
        if (e instanceof DomainError && e.code === 'DEADLINE_CALENDAR_MISSING') return { action: 'submit', reviewDueFlag: 'DEADLINE_CALENDAR_MISSING' };
        throw e;
      }
    });
  }

  async review(caller: Caller, code: string, baseVersion: number, decision: 'publish' | 'return', reasons: string[]): Promise<ItemRecord> {
    return this.act(caller, code, baseVersion, 'platform', () => (decision === 'publish' ? { action: 'publish' } : { action: 'return', reasons }));
  }

  async suspend(caller: Caller, code: string, baseVersion: number, input: SuspendInput): Promise<ItemRecord> {
    const today = this.today();
    const calendar = await this.deps.calendar.current();
    return this.act(caller, code, baseVersion, 'department', () => {
      if (input.kind === 'emergency') {
        if (!input.notice) {
          throw invalid('SUSPENSION_NOTICE_REQUIRED', 'notice', '紧急暂停须同时发布公告', 'an emergency suspension must publish a notice');
        }
        if (input.effectiveFrom !== undefined && input.effectiveFrom !== today) {
          throw invalid('SUSPENSION_EMERGENCY_DATE', 'effectiveFrom', '紧急暂停立即生效，不能指定其他日期', 'an emergency suspension takes effect today');
        }
        return { action: 'suspend', kind: 'emergency', effectiveFrom: today, reason: input.reason, notice: input.notice };
      }
      if (!input.effectiveFrom) {
        throw invalid('SUSPENSION_DATE_REQUIRED', 'effectiveFrom', '计划暂停须指定生效日期', 'a planned suspension needs its effective date');
      }
      // Counted provisionally across a year whose arrangement is not loaded yet (its statutory holidays off).
      const { date: earliest, provisional } = calendar.addWorkingDays(today, PLANNED_SUSPENSION_NOTICE_DAYS);
      if (input.effectiveFrom < earliest) {
        throw invalid(
          'SUSPENSION_NOTICE_TOO_SHORT',
          'effectiveFrom',
          `计划暂停须提前${PLANNED_SUSPENSION_NOTICE_DAYS}个工作日报备，最早生效日为 ${earliest}${provisional ? '（暂定：该年度节假日安排尚未载入，按法定节假日计算）' : ''}`,
          `a planned suspension needs ${PLANNED_SUSPENSION_NOTICE_DAYS} working days' notice: the earliest effective date is ${earliest}${provisional ? ' (provisional: counted on the statutory holidays of a year whose arrangement is not loaded)' : ''}`,
        );
      }
      return {
        action: 'suspend',
        kind: 'planned',
        effectiveFrom: input.effectiveFrom,
        reason: input.reason,
        ...(input.notice ? { notice: input.notice } : {}),
      };
    });
  }

  async resume(caller: Caller, code: string, baseVersion: number): Promise<ItemRecord> {
    return this.act(caller, code, baseVersion, 'department', () => ({ action: 'resume' }));
  }

  async terminate(caller: Caller, code: string, baseVersion: number, reason: string): Promise<ItemRecord> {
    return this.act(caller, code, baseVersion, 'department', () => ({ action: 'terminate', reason }));
  }

  /** The version every channel reads, with today's public state. */
  async published(caller: Caller, code: string): Promise<PublishedItem> {
    const latest = await this.deps.store.latest(code);
    if (!latest || latest.publishedVersion === undefined) throw itemNotFound(code, true);
    const published = latest.publishedVersion === latest.version ? latest : await this.deps.store.version(code, latest.publishedVersion);
    if (!published) throw new Error(`item ${code}: published version ${latest.publishedVersion} is missing`);
    const departmentName = (await this.departmentNames()).get(published.guide.departmentId);
    return {
      code,
      publishedVersion: published.version,
      publishedAt: published.at,
      // Whether a revision is under way is the department's and the reviewers' business.
      ...(this.mayReadWork(caller, published.guide.departmentId) ? { latestVersion: latest.version } : {}),
      ...(departmentName ? { departmentName } : {}),
      publicState: latest.publicState,
      effectivePublicState: effectivePublicState(latest, this.today()),
      ...(latest.suspension ? { suspension: latest.suspension } : {}),
      guide: published.guide,
    };
  }

  /**
   * One version, with the item's public state today. A version whose content is the published one
   * (state `published`) is open to every authenticated caller; a version carrying a draft only to its
   * department and the reviewers. `latest` is the newest version the caller may see.
   */
  async version(caller: Caller, code: string, n: number | 'latest'): Promise<ItemRecord & { effectivePublicState: ItemRecord['publicState'] }> {
    const latest = await this.deps.store.latest(code);
    if (!latest) throw itemNotFound(code, false, n === 'latest' ? undefined : n);
    const insider = this.mayReadWork(caller, latest.guide.departmentId);
    let record: ItemRecord | undefined;
    if (n !== 'latest') record = n === latest.version ? latest : await this.deps.store.version(code, n);
    else if (insider || latest.state === 'published') record = latest;
    else if (latest.publishedVersion !== undefined) record = await this.deps.store.version(code, latest.publishedVersion);
    if (!record || (!insider && record.state !== 'published')) throw itemNotFound(code, false, n === 'latest' ? undefined : n);
    return { ...record, effectivePublicState: effectivePublicState(latest, this.today()) };
  }

  async list(
    caller: Caller,
    filter: { departmentId?: string; type?: ItemType; state?: 'draft' | 'submitted' | 'returned' },
    page: { limit: number; cursor?: string },
  ): Promise<{ items: ItemSummary[]; nextCursor?: string }> {
    let query: ItemQuery;
    if (filter.state) {
      requireRole(caller, 'platform', 'department');
      if (caller.role === 'department' && filter.departmentId && filter.departmentId !== caller.departmentId) {
        throw forbidden('ITEM_DEPARTMENT_FORBIDDEN', '只能查看本部门的在办事项', 'a department sees only its own items in progress', 'department');
      }
      const departmentId = caller.role === 'department' ? caller.departmentId : filter.departmentId;
      query = { kind: 'work', state: filter.state, ...(departmentId ? { departmentId } : {}) };
    } else {
      query = { kind: 'catalogue', ...(filter.departmentId ? { departmentId: filter.departmentId } : {}), ...(filter.type ? { type: filter.type } : {}) };
    }
    if (filter.state && filter.type) {
      throw invalid('LIST_FILTER_UNSUPPORTED', 'type', '在办事项列表不支持按类型筛选', 'items in progress cannot be filtered by type');
    }
    const today = this.today();
    const [{ heads, nextCursor }, names] = await Promise.all([this.deps.store.list(query, page), this.departmentNames()]);
    const items = heads.map(({ suspensionFrom, submittedAt: _s, version, state, updatedAt, ...head }): ItemSummary => {
      const departmentName = names.get(head.departmentId);
      return {
        ...head,
        // Work in progress (a revision's version and state) is for the department and the reviewers.
        ...(this.mayReadWork(caller, head.departmentId) ? { version, state, updatedAt } : {}),
        ...(departmentName !== undefined ? { departmentName } : {}),
        effectivePublicState: publicStateOn(head.publicState, suspensionFrom, today),
      };
    });
    return nextCursor ? { items, nextCursor } : { items };
  }

  private async changeGuide(caller: Caller, code: string, baseVersion: number, guide: ServiceGuide, action: 'edit' | 'revise') {
    if (guide.implementationCode !== code) {
      throw invalid('ITEM_CODE_MISMATCH', 'guide.implementationCode', '实施编码不能修改', `the implementation code of item ${code} cannot change`);
    }
    return this.act(caller, code, baseVersion, 'department', async (latest) => {
      checkGuide(guide, await this.knownDepartments());
      if (guide.departmentId !== latest.guide.departmentId) {
        throw invalid('ITEM_DEPARTMENT_CHANGE', 'guide.departmentId', '实施机构不能变更', 'the implementing department of an item cannot change');
      }
      return { action, guide };
    });
  }

  private async act(
    caller: Caller,
    code: string,
    baseVersion: number,
    role: 'department' | 'platform',
    command: (latest: ItemRecord) => ItemCommand | Promise<ItemCommand>,
  ): Promise<ItemRecord> {
    requireRole(caller, role);
    const latest = await this.deps.store.latest(code);
    if (!latest || (role === 'department' && !this.mayReadWork(caller, latest.guide.departmentId))) {
      // Another department's item: it exists publicly, but it is not the caller's to change.
      if (latest?.publishedVersion !== undefined) {
        throw forbidden('ITEM_DEPARTMENT_FORBIDDEN', '只能变更本部门的事项', `item ${code} belongs to department ${latest.guide.departmentId}`);
      }
      throw itemNotFound(code, false);
    }
    if (baseVersion !== latest.version) throw versionConflict(code, baseVersion, latest.version);
    // Never chain a new version onto one that was changed in place: that is for an operator to see.
    if (!isIntact(latest)) throw new Error(`integrity: item ${code} version ${latest.version} does not match its hash`);
    const next = nextVersion(latest, await command(latest), this.context(caller));
    const published = next.publishedVersion === undefined ? undefined : next.publishedVersion === next.version ? next : await this.deps.store.version(code, next.publishedVersion);
    await this.deps.store.append(next, published);
    return next;
  }

  private mayReadWork(caller: Caller, departmentId: string): boolean {
    return caller.role === 'platform' || (caller.role === 'department' && caller.departmentId === departmentId);
  }

  private requireOwnDepartment(caller: Caller, departmentId: string, field: string): void {
    if (caller.departmentId !== departmentId) {
      throw forbidden('ITEM_DEPARTMENT_FORBIDDEN', '只能编制本部门的事项', `caller ${caller.name} acts for department ${caller.departmentId}, not ${departmentId}`, field);
    }
  }

  private async knownDepartments(): Promise<Set<string>> {
    return new Set((await this.departmentNames()).keys());
  }

  private async departmentNames(): Promise<Map<string, string>> {
    return new Map((await this.deps.directory()).departments.map((d) => [d.id, d.name]));
  }

  private context(caller: Caller): ActionContext {
    const now = this.now();
    return { actor: caller.name, at: now.toISOString(), today: chinaDate(now) };
  }

  private today(): string {
    return chinaDate(this.now());
  }
}

export function versionConflict(code: string, expected: number, actual: number): DomainError {
  return conflict(
    'ITEM_VERSION_CONFLICT',
    `事项已被他人更新（当前为第${actual}版），请刷新后重试`,
    `item ${code} is at version ${actual}, not ${expected}; reload and retry`,
    'baseVersion',
  );
}

function itemNotFound(code: string, published: boolean, n?: number): DomainError {
  return published
    ? notFound('ITEM_NOT_PUBLISHED', `事项 ${code} 不存在或尚未发布`, `item ${code} does not exist or has never been published`)
    : notFound('ITEM_NOT_FOUND', `事项 ${code}${n ? ` 第${n}版` : ''} 不存在`, `item ${code}${n ? ` version ${n}` : ''} not found`);
}
