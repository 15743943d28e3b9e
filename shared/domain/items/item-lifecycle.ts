// The item lifecycle (001 §10-11, 004 §12-14) as a pure function: the newest version plus a
// command gives the next version, or a DomainError saying why that is not allowed now.
//
//   working copy:  draft ──submit──▶ submitted ──publish──▶ published ──revise──▶ draft …
//                    ▲  edit            │ return
//                    └──── returned ◀───┘
//   public face:   unpublished ──publish──▶ published ⇄ suspended (suspend / resume)
//                  published | suspended ──terminate──▶ terminated (final)
import type { ServiceGuide } from '../../contracts/service-item.ts';
import { conflict, invalid } from '../errors.ts';
import type { ItemAction, ItemRecord } from './item-record.ts';
import { effectivePublicState } from './item-record.ts';
import { hashRecord } from './record-hash.ts';

export type ItemCommand =
  | { action: 'edit' | 'revise'; guide: ServiceGuide }
  | { action: 'submit'; reviewDueDate: string; reviewDueProvisional?: true }
  | { action: 'submit'; reviewDueFlag: 'DEADLINE_CALENDAR_MISSING' }
  | { action: 'publish' }
  | { action: 'return'; reasons: string[] }
  | { action: 'suspend'; kind: 'planned' | 'emergency'; effectiveFrom: string; reason: string; notice?: string }
  | { action: 'resume' }
  | { action: 'terminate'; reason: string };

export interface ActionContext {
  actor: string;
  /** Instant of the action, ISO 8601. */
  at: string;
  /** China calendar date of the action. */
  today: string;
}

export function firstVersion(code: string, guide: ServiceGuide, ctx: ActionContext): ItemRecord {
  return seal({ code, version: 1, action: 'create', actor: ctx.actor, at: ctx.at, state: 'draft', publicState: 'unpublished', guide });
}

export function nextVersion(latest: ItemRecord, command: ItemCommand, ctx: ActionContext): ItemRecord {
  if (latest.publicState === 'terminated') {
    throw conflict('ITEM_TERMINATED', '事项已终止，不能再办理任何变更', `item ${latest.code} is terminated; no further action is possible`);
  }
  // Everything but the fields an action changes carries over; reasons and due dates belong to one step only.
  const { hash: _h, previousHash: _p, reasons: _r, reviewDueDate: _d, reviewDueProvisional: _v, reviewDueFlag: _f, ...carried } = latest;
  const base = { ...carried, version: latest.version + 1, action: command.action, actor: ctx.actor, at: ctx.at, previousHash: latest.hash };

  switch (command.action) {
    case 'edit':
      if (latest.state === 'published') {
        throw conflict(
          'ITEM_VERSION_PUBLISHED',
          `第${latest.version}版已发布，已发布版本不可修改；请先创建修订版本`,
          `version ${latest.version} is published and cannot change; start a revision (POST /v1/items/{code}/revisions)`,
        );
      }
      expectState(latest, command.action, 'draft', 'returned');
      return seal({ ...base, state: 'draft', guide: command.guide });
    case 'revise':
      expectState(latest, command.action, 'published');
      return seal({ ...base, state: 'draft', guide: command.guide });
    case 'submit':
      expectState(latest, command.action, 'draft', 'returned');
      return seal({
        ...base,
        state: 'submitted',
        ...('reviewDueDate' in command
          ? { reviewDueDate: command.reviewDueDate, ...(command.reviewDueProvisional ? { reviewDueProvisional: true as const } : {}) }
          : { reviewDueFlag: command.reviewDueFlag }),
      });
    case 'publish':
      expectState(latest, command.action, 'submitted');
      return seal({
        ...base,
        state: 'published',
        publishedVersion: base.version,
        publicState: latest.publicState === 'unpublished' ? 'published' : latest.publicState,
      });
    case 'return':
      expectState(latest, command.action, 'submitted');
      if (command.reasons.length === 0) {
        throw invalid('REVIEW_REASONS_REQUIRED', 'reasons', '退回必须说明理由', 'returning an item for changes needs at least one reason');
      }
      return seal({ ...base, state: 'returned', reasons: command.reasons });
    case 'suspend': {
      // An emergency may overtake a planned suspension that has not begun (001 §11: "立即暂停");
      // the planned one stays in the history, in the version before this one.
      const overtakes = command.kind === 'emergency' && latest.suspension?.kind === 'planned' && latest.suspension.effectiveFrom > ctx.today;
      if (latest.publicState !== 'published' || (latest.suspension && !overtakes)) {
        throw illegal(latest, command.action, ctx.today);
      }
      const { action: _a, ...suspension } = command;
      return seal({
        ...base,
        publicState: command.kind === 'emergency' ? 'suspended' : 'published',
        suspension: { ...suspension, announcedAt: ctx.at },
      });
    }
    case 'resume': {
      if (!latest.suspension) throw illegal(latest, command.action, ctx.today);
      const { suspension: _s, ...rest } = base;
      return seal({ ...rest, publicState: 'published' });
    }
    case 'terminate':
      if (latest.publicState === 'unpublished') throw illegal(latest, command.action, ctx.today);
      return seal({ ...base, publicState: 'terminated', reasons: [command.reason] });
  }
}

function expectState(latest: ItemRecord, action: ItemAction, ...allowed: ItemRecord['state'][]): void {
  if (!allowed.includes(latest.state)) throw illegal(latest, action);
}

function illegal(latest: ItemRecord, action: ItemAction, today?: string) {
  const shown = today ? effectivePublicState(latest, today) : latest.publicState;
  const pending = latest.suspension && shown === 'published' ? `, suspension scheduled from ${latest.suspension.effectiveFrom}` : '';
  return conflict(
    'ITEM_ILLEGAL_TRANSITION',
    `事项当前状态（${STATE_ZH[latest.state]}／${PUBLIC_ZH[shown]}）不允许“${ACTION_ZH[action]}”操作`,
    `cannot ${action} item ${latest.code} in state ${latest.state}/${shown}${pending}`,
  );
}

function seal(record: Omit<ItemRecord, 'hash'>): ItemRecord {
  return { ...record, hash: hashRecord(record) };
}

const STATE_ZH: Record<ItemRecord['state'], string> = { draft: '草稿', submitted: '待审核', returned: '已退回', published: '已发布' };
const PUBLIC_ZH: Record<ItemRecord['publicState'], string> = { unpublished: '未发布', published: '在用', suspended: '暂停', terminated: '终止' };
const ACTION_ZH: Record<ItemAction, string> = {
  create: '新建',
  edit: '修改',
  revise: '修订',
  submit: '提交审核',
  publish: '发布',
  return: '退回',
  suspend: '暂停',
  resume: '恢复',
  terminate: '终止',
};
