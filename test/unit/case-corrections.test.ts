// Correcting a case record (更正, 000 §30) as the lifecycle's `correct` step: who may, from which
// statuses (after the archiving too), what it checks (the field, the value as the filing checks it,
// a value that changes something, the bound on corrections), and what it records — the new values in
// the state, each field's value before and after, the ticket and the entry — with the original kept
// in the filing's entry.
import { describe, expect, it } from 'vitest';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import type { CaseCommand, CaseContext } from '../../shared/domain/cases/case-lifecycle.ts';
import { SYSTEM_CALLER, applyCaseCommand, fileCase } from '../../shared/domain/cases/case-lifecycle.ts';
import type { Applicant, CaseState } from '../../shared/domain/cases/case-record.ts';
import { CASE_LIMITS } from '../../shared/domain/cases/case-limits.ts';
import { caseStateDigest, verifyCaseHistory } from '../../shared/domain/cases/case-history.ts';
import { FREE_FORM_LIMITS } from '../../shared/contracts/free-form-json.ts';
import { FOOD, HEALTH, HOUSING, JOINT, MARKET, PORTAL, REVIEWER, SHOP, ZHANG, archivedRecord, residentId } from '../support/case-fixtures.ts';
import { runCase, upload } from '../support/case-materials.ts';
import { refusal } from '../support/refusal.ts';

const TICKET = 'c0ffee'.padEnd(32, '0');
const MATERIALS = { 食品经营许可申请书: upload('申请书'), 营业执照: upload('营业执照'), 经营场所平面布局图: upload('布局'), 食品安全管理制度文本: upload('制度') };
const FORM = { 经营项目: ['热食类食品制售'], 经营场所面积: 120 };

/** 10:00 China time on `date`, plus `minute` minutes. */
function on(date: string, actor: Caller, minute = 0): CaseContext {
  return { actor, at: `${date}T02:${String(minute).padStart(2, '0')}:00.000Z`, today: date, calendar: officialCalendar };
}

const filed = (applicant: Applicant = ZHANG) =>
  fileCase({ caseNo: 'KM20261110000001', item: { code: FOOD.implementationCode, version: 1, guide: FOOD }, applicant, form: FORM, materials: MATERIALS }, on('2026-11-10', PORTAL));

const correct = (corrections: { field: string; value: unknown }[], extra: Partial<Extract<CaseCommand, { action: 'correct' }>> = {}): CaseCommand =>
  ({ action: 'correct', ticketId: TICKET, corrections, ...extra }) as CaseCommand;

const ARCHIVED = archivedRecord('KM20261110000001', '2026-11-12');

describe('correcting a case record', () => {
  it("sets the applicant's name and a form field right, keeping each value before and after; the filing's entry keeps the original", () => {
    // Prepare
    const first = filed();
    const accepted = applyCaseCommand(first.state, { action: 'accept' }, on('2026-11-11', MARKET));

    // Act
    const corrected = applyCaseCommand(
      accepted.state,
      correct(
        [
          { field: 'applicant.name', value: '张叁' },
          { field: 'form.经营项目', value: ['热食类食品制售', '冷食类食品制售'] },
        ],
        { reasons: ['申请人身份证记载姓名为张叁'] },
      ),
      on('2026-11-12', MARKET),
    );

    // Assess
    const { state, entry } = corrected;
    expect(state.status).toBe('accepted');
    expect(state.applicant).toEqual({ ...ZHANG, name: '张叁' });
    expect(state.form).toEqual({ ...FORM, 经营项目: ['热食类食品制售', '冷食类食品制售'] });
    expect(state.corrections).toEqual([
      {
        ticketId: TICKET,
        entry: 3,
        fields: [
          { field: 'applicant.name', before: '张三', after: '张叁' },
          { field: 'form.经营项目', before: ['热食类食品制售'], after: ['热食类食品制售', '冷食类食品制售'] },
        ],
        reasons: ['申请人身份证记载姓名为张叁'],
        by: 'market',
        on: '2026-11-12',
      },
    ]);
    expect(entry).toMatchObject({ n: 3, type: 'correct', from: 'accepted', to: 'accepted', actor: { name: 'market', role: 'department' }, stateDigest: caseStateDigest(state) });
    // The filing's entry still records the state as filed: the old name.
    expect(first.state.applicant.name).toBe('张三');
    expect(first.entry.stateDigest).toBe(caseStateDigest(first.state));
    expect(verifyCaseHistory([first.entry, accepted.entry, entry], state)).toEqual({ ok: true });
  });

  it("corrects an organisation's credit code and contact as the filing checks them", () => {
    // Prepare
    const shop = filed(SHOP).state;
    const creditCode = '91530100MA6K0XYZ9E';

    // Act
    const wrongCode = refusal(() => applyCaseCommand(shop, correct([{ field: 'applicant.creditCode', value: creditCode }]), on('2026-11-11', MARKET)));
    const badPhone = refusal(() => applyCaseCommand(shop, correct([{ field: 'applicant.contact.phone', value: '12345' }]), on('2026-11-11', MARKET)));
    const personField = refusal(() => applyCaseCommand(shop, correct([{ field: 'applicant.residentId', value: ZHANG.residentId }]), on('2026-11-11', MARKET)));
    const { state } = applyCaseCommand(shop, correct([{ field: 'applicant.contact.name', value: '赵六' }]), on('2026-11-11', MARKET));

    // Assess
    expect(wrongCode).toMatchObject({ code: 'INVALID_CREDIT_CODE', kind: 'invalid', field: 'corrections.0.value' });
    expect(badPhone).toMatchObject({ code: 'CASE_PHONE_INVALID', field: 'corrections.0.value' });
    expect(personField).toMatchObject({ code: 'CASE_CORRECTION_FIELD_UNKNOWN', field: 'corrections.0.field' });
    expect(state.applicant).toEqual({ ...SHOP, contact: { ...SHOP.contact, name: '赵六' } });
  });

  it('refuses what cannot be corrected, each at its field, and changes nothing', () => {
    // Prepare
    const state = filed().state;
    const refused = (command: CaseCommand, actor: Caller = MARKET) => refusal(() => applyCaseCommand(state, command, on('2026-11-11', actor)));

    // Act
    const refusals = {
      unknownField: refused(correct([{ field: 'applicant.birthday', value: '1980-01-01' }])),
      channelField: refused(correct([{ field: 'channelId', value: 'x' }])),
      unknownFormKey: refused(correct([{ field: 'form.注册资本', value: 100 }])),
      notAString: refused(correct([{ field: 'applicant.name', value: 42 }])),
      blankName: refused(correct([{ field: 'applicant.name', value: '  ' }])),
      tooLong: refused(correct([{ field: 'applicant.name', value: '张'.repeat(101) }])),
      badResidentId: refused(correct([{ field: 'applicant.residentId', value: '11010519491231002Y' }])),
      unchanged: refused(correct([{ field: 'applicant.phone', value: ZHANG.phone }])),
      unchangedForm: refused(correct([{ field: 'form.经营场所面积', value: 120 }])),
      duplicate: refused(
        correct([
          { field: 'applicant.name', value: '张叁' },
          { field: 'applicant.name', value: '张仨' },
        ]),
      ),
      badTicket: refused({ action: 'correct', ticketId: 'not-a-ticket', corrections: [{ field: 'applicant.name', value: '张叁' }] }),
      blankReason: refused(correct([{ field: 'applicant.name', value: '张叁' }], { reasons: [''] })),
      formTooLarge: refused(correct([{ field: 'form.经营项目', value: ['x'.repeat(FREE_FORM_LIMITS.formBytes)] }])),
      otherDepartment: refused(correct([{ field: 'applicant.name', value: '张叁' }]), HOUSING),
      channel: refused(correct([{ field: 'applicant.name', value: '张叁' }]), PORTAL),
      platform: refused(correct([{ field: 'applicant.name', value: '张叁' }]), REVIEWER),
    };

    // Assess
    expect(Object.fromEntries(Object.entries(refusals).map(([k, e]) => [k, [e.code, e.field]]))).toEqual({
      unknownField: ['CASE_CORRECTION_FIELD_UNKNOWN', 'corrections.0.field'],
      channelField: ['CASE_CORRECTION_FIELD_UNKNOWN', 'corrections.0.field'],
      unknownFormKey: ['CASE_CORRECTION_FIELD_UNKNOWN', 'corrections.0.field'],
      notAString: ['CASE_CORRECTION_VALUE_INVALID', 'corrections.0.value'],
      blankName: ['CASE_FIELD_REQUIRED', 'corrections.0.value'],
      tooLong: ['CASE_CORRECTION_VALUE_INVALID', 'corrections.0.value'],
      badResidentId: ['INVALID_RESIDENT_ID', 'corrections.0.value'],
      unchanged: ['CASE_CORRECTION_UNCHANGED', 'corrections.0.value'],
      unchangedForm: ['CASE_CORRECTION_UNCHANGED', 'corrections.0.value'],
      duplicate: ['CASE_CORRECTION_FIELD_DUPLICATE', 'corrections.1.field'],
      badTicket: ['CASE_CORRECTION_TICKET_INVALID', 'ticketId'],
      blankReason: ['CASE_REASONS_REQUIRED', 'reasons.0'],
      formTooLarge: ['JSON_TOO_LARGE', 'corrections.0.value'],
      otherDepartment: ['CASE_DEPARTMENT_FORBIDDEN', undefined],
      channel: ['ROLE_FORBIDDEN', undefined],
      platform: ['ROLE_FORBIDDEN', undefined],
    });
    expect(refusals.otherDepartment.kind).toBe('forbidden');
    expect(state.applicant).toEqual(ZHANG);
    expect(state.corrections).toBeUndefined();
  });

  it('does not let a co-department correct a joint case: only the lead', () => {
    // Prepare
    const materials = { '开办餐饮店一件事申请表（一表申请）': upload('一表'), 营业执照: upload('营业执照'), 消防安全制度及应急预案: upload('消防') };
    const joint = fileCase(
      { caseNo: 'KM20261110000002', item: { code: JOINT.implementationCode, version: 1, guide: JOINT }, applicant: ZHANG, form: FORM, materials },
      on('2026-11-10', PORTAL),
    );

    // Act
    const byHealth = refusal(() => applyCaseCommand(joint.state, correct([{ field: 'applicant.name', value: '张叁' }]), on('2026-11-11', HEALTH)));
    const byLead = applyCaseCommand(joint.state, correct([{ field: 'applicant.name', value: '张叁' }]), on('2026-11-11', MARKET));

    // Assess
    expect(joint.state.coDepartmentIds).toContain(HEALTH.departmentId);
    expect(byHealth).toMatchObject({ code: 'CASE_DEPARTMENT_FORBIDDEN' });
    expect(byLead.state.applicant.name).toBe('张叁');
  });

  it('corrects an archived case after its archive entry: the archive record untouched, the correction marked as made after archiving', () => {
    // Prepare: withdrawn on 11 Nov (no notice owed), archived on 12 Nov.
    const run = runCase(
      filed(),
      [{ action: 'withdraw', reason: '不再经营' }, on('2026-11-11', PORTAL)],
      [{ action: 'archive', archive: ARCHIVED }, on('2026-11-12', SYSTEM_CALLER)],
    );
    const newId = residentId('53010219800101002');

    // Act
    const corrected = applyCaseCommand(run.state, correct([{ field: 'applicant.residentId', value: newId }]), on('2026-11-13', MARKET));

    // Assess
    expect(corrected.state).toMatchObject({ status: 'withdrawn', archive: ARCHIVED, applicant: { ...ZHANG, residentId: newId } });
    expect(corrected.state.corrections).toEqual([
      { ticketId: TICKET, entry: 4, fields: [{ field: 'applicant.residentId', before: ZHANG.residentId, after: newId }], by: 'market', on: '2026-11-13', afterArchive: true },
    ]);
    expect(corrected.entry).toMatchObject({ n: 4, type: 'correct', from: 'withdrawn', to: 'withdrawn', previousHash: run.entries.at(-1)!.hash });
    expect(verifyCaseHistory([...run.entries, corrected.entry], corrected.state)).toEqual({ ok: true });
  });

  it(`corrects a case at most ${CASE_LIMITS.corrections} times (CASE_CORRECTIONS_EXHAUSTED)`, () => {
    // Prepare: the name alternates, so that each correction changes it.
    let state: CaseState = filed().state;
    for (let i = 0; i < CASE_LIMITS.corrections; i++) {
      state = applyCaseCommand(state, correct([{ field: 'applicant.name', value: i % 2 === 0 ? '张叁' : '张三' }]), on('2026-11-11', MARKET, i)).state;
    }

    // Act
    const error = refusal(() => applyCaseCommand(state, correct([{ field: 'applicant.name', value: '张仨' }]), on('2026-11-11', MARKET, 30)));

    // Assess
    expect(state.corrections).toHaveLength(CASE_LIMITS.corrections);
    expect(state.corrections!.map((c) => c.entry)).toEqual(Array.from({ length: CASE_LIMITS.corrections }, (_, i) => i + 2));
    expect(error).toMatchObject({ code: 'CASE_CORRECTIONS_EXHAUSTED', kind: 'conflict' });
  });
});
