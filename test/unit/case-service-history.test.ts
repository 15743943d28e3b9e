// CaseService.history when an action lands between reading the case and reading its entries: the
// answer is the history up to the state it read, and its chain check passes — a race must not look
// like tampering to whoever checks the chain.
import { describe, expect, it } from 'vitest';
import { DEPARTMENTS, SEED_ITEMS } from '../../infra/local/seed-data.ts';
import { ServiceGuideSchema } from '../../shared/contracts/service-item.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import type { CaseContext } from '../../shared/domain/cases/case-lifecycle.ts';
import { fileCase } from '../../shared/domain/cases/case-lifecycle.ts';
import { CaseService } from '../../shared/domain/cases/case-service.ts';
import type { CaseStore } from '../../shared/domain/cases/case-store.ts';
import type { ItemStore } from '../../shared/domain/items/item-store.ts';
import type { MaterialVault } from '../../shared/domain/materials/material-vault.ts';
import { runCase, upload } from '../support/case-materials.ts';

const FOOD = ServiceGuideSchema.parse(SEED_ITEMS.find((g) => g.implementationCode.endsWith('000117001000'))!);
const PORTAL: Caller = { name: 'portal', role: 'channel', channelId: 'kunming-portal' };
const MARKET: Caller = { name: 'market', role: 'department', departmentId: DEPARTMENTS.market.id };
const on = (date: string, actor: Caller): CaseContext => ({ actor, at: `${date}T02:00:00.000Z`, today: date, calendar: officialCalendar });

describe('CaseService.history', () => {
  it('answers the history up to the state it read, intact, when an entry was appended in between', async () => {
    // Prepare: filed, accepted, decided; the store's newest state is read at "accepted" (version 2),
    // and by the time the entries are read the decision (entry 3) has been appended
    const filed = fileCase(
      {
        caseNo: '20261123RACE000001',
        item: { code: FOOD.implementationCode, version: 1, guide: FOOD },
        applicant: { kind: 'person', residentId: '11010519491231002X', name: '张三', phone: '13800138000' },
        form: {},
        materials: { 食品经营许可申请书: upload('申请书'), 营业执照: upload('营业执照'), 经营场所平面布局图: upload('布局图'), 食品安全管理制度文本: upload('制度') },
      },
      on('2026-11-23', PORTAL),
    );
    const accepted = runCase(filed, [{ action: 'accept' }, on('2026-11-24', MARKET)]);
    const decided = runCase(filed, [{ action: 'accept' }, on('2026-11-24', MARKET)], [{ action: 'decide', outcome: 'approved' }, on('2026-11-25', MARKET)]);
    const store = { get: async () => accepted.state, history: async () => decided.entries } as unknown as CaseStore;
    const service = new CaseService({ store, items: {} as ItemStore, materials: {} as MaterialVault, calendar: officialCalendar });

    // Act
    const view = await service.history(PORTAL, filed.state.caseNo);

    // Assess
    expect(view.entries.map((e) => e.type)).toEqual(['file', 'accept']);
    expect(view.check).toEqual({ ok: true });
  });
});
