// Electronic supervision (issue 17): how fast the rules of the catalogue are evaluated. Case states made
// by the real lifecycle on the 2026 calendar — filed, accepted, paused, supplemented twice, refused,
// decided, marked overdue and in violation — each evaluated against every enabled case rule of the
// shipped catalogue; the figure is rules evaluated per second (states × case rules) on one core, and the
// findings those evaluations produce. Run in a process of its own (run.ts does).
import { pathToFileURL } from 'node:url';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import type { CaseCommand, CaseContext } from '../../shared/domain/cases/case-lifecycle.ts';
import { SYSTEM_CALLER, applyCaseCommand, fileCase } from '../../shared/domain/cases/case-lifecycle.ts';
import type { CaseState } from '../../shared/domain/cases/case-record.ts';
import { DEFAULT_RULE_CATALOGUE } from '../../shared/domain/supervision/default-rules.ts';
import { EVALUATED_RULES, caseOccurrences } from '../../shared/domain/supervision/rule-evaluation.ts';
import { FOOD, MARKET, PORTAL } from '../support/case-fixtures.ts';
import { upload } from '../support/case-materials.ts';
import { table } from './figures.ts';

const EVALUATIONS = Number(process.env.BENCH_RULE_EVALUATIONS ?? 200_000);

const on = (date: string, actor: Caller): CaseContext => ({ actor, at: `${date}T02:00:00.000Z`, today: date, calendar: officialCalendar });
const apply = (state: CaseState, command: CaseCommand, ctx: CaseContext) => applyCaseCommand(state, command, ctx).state;

/** A spread of case states, as the watch function reads them: from a fresh filing to a violation. */
function states(): CaseState[] {
  const materials = Object.fromEntries(FOOD.materials.map((m) => [m.name, upload(m.name)]));
  const filed = fileCase(
    {
      caseNo: 'KM20260901000001',
      item: { code: FOOD.implementationCode, version: 1, guide: FOOD },
      applicant: { kind: 'person', residentId: '11010519491231002X', name: '张三', phone: '13800138000' },
      form: {},
      materials,
    },
    on('2026-09-01', PORTAL),
  ).state;
  const accepted = apply(filed, { action: 'accept' }, on('2026-09-01', MARKET));
  const paused = apply(accepted, { action: 'pause', procedure: 'site-inspection', reason: '现场核查', expectedDays: 3 }, on('2026-09-01', MARKET));
  const ask = (s: CaseState, date: string) => apply(s, { action: 'request-supplement', problems: [{ material: FOOD.materials[0]!.name, problem: '签名缺失' }] }, on(date, MARKET));
  const twice = ask(apply(ask(filed, '2026-09-02'), { action: 'supplement', materials: { [FOOD.materials[0]!.name]: upload('补正') } }, on('2026-09-03', PORTAL)), '2026-09-04');
  const refused = apply(filed, { action: 'refuse', reasons: ['不符合'] }, on('2026-09-02', MARKET));
  const decided = apply(accepted, { action: 'decide', outcome: 'approved' }, on('2026-09-10', MARKET));
  const overdue = apply(accepted, { action: 'mark-overdue' }, on('2026-09-16', SYSTEM_CALLER));
  const violation = apply(overdue, { action: 'mark-violation' }, on('2026-09-30', SYSTEM_CALLER));
  return [filed, accepted, paused, twice, refused, decided, overdue, violation];
}

export function benchRuleEvaluation(): void {
  const sample = states();
  const rules = EVALUATED_RULES.case.length;
  let findings = 0;
  // Warm up, then time.
  for (let i = 0; i < 10_000; i++) caseOccurrences(DEFAULT_RULE_CATALOGUE, sample[i % sample.length]!, '2026-10-01');
  const t0 = performance.now();
  for (let i = 0; i < EVALUATIONS; i++) findings += caseOccurrences(DEFAULT_RULE_CATALOGUE, sample[i % sample.length]!, '2026-10-01').length;
  const ms = performance.now() - t0;
  console.log('\nElectronic supervision: the rules evaluated (issue 17)');
  table(
    [
      ['case states evaluated (8 shapes, filed to violation)', EVALUATIONS.toLocaleString('en')],
      ['case rules evaluated per state (enabled, shipped catalogue)', String(rules)],
      ['case states evaluated per second (one core)', Math.round((EVALUATIONS / ms) * 1000).toLocaleString('en')],
      ['rules evaluated per second (one core)', Math.round(((EVALUATIONS * rules) / ms) * 1000).toLocaleString('en')],
      ['findings per state evaluated (mean)', (findings / EVALUATIONS).toFixed(2)],
    ],
    ['figure', 'value'],
  );
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) benchRuleEvaluation();
