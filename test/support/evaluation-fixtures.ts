// A bad review the unit and integration tests rate: 张三's named 非常不满意 (or another level) of the food
// case `caseNo` through the portal on Friday 4 December 2026, the market department owing its answer by
// Wednesday 9 December.
import type { Evaluation } from '../../shared/domain/evaluations/evaluation.ts';
import { evaluationId } from '../../shared/domain/evaluations/evaluation.ts';
import { rateEvaluation } from '../../shared/domain/evaluations/evaluation-lifecycle.ts';
import { FOOD, MARKET, PORTAL, ZHANG } from './case-fixtures.ts';

export function badReview(caseNo: string, level: Evaluation['level'] = 'very-dissatisfied') {
  return rateEvaluation(
    {
      id: evaluationId({ kind: 'case', caseNo }),
      subject: { kind: 'case', caseNo, itemName: '食品经营许可' },
      channelId: PORTAL.channelId!,
      departmentId: MARKET.departmentId!,
      itemCode: FOOD.implementationCode,
      level,
      comment: '窗口让我跑了三趟',
      named: true,
      contact: { name: ZHANG.name, phone: ZHANG.phone },
      ratedAt: '2026-12-04T02:00:00.000Z',
      ratedOn: '2026-12-04',
    },
    { days: 3, due: { date: '2026-12-09' } },
    { actor: PORTAL, at: '2026-12-04T02:00:00.000Z', today: '2026-12-04' },
  );
}
