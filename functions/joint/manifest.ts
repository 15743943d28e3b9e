// The joint-handling steps (dispatch, check, await, escalate, record-missing, fail), run by the
// joint-handling state machine (infra/constructs/joint-handling.ts).
import { JOINT_FUNCTION_TIMEOUT_SECONDS } from '../../shared/contracts/joint-workflow.ts';
import type { EventFunctionManifest } from '../manifest.ts';

export const joint = {
  name: 'joint',
  description: 'joint-handling steps (dispatch, check, await, escalate, record-missing, fail), run by the joint-handling state machine',
  trigger: { kind: 'state-machine' },
  // One case at a time, through the case store: gets and queries that case's records (its own
  // partition, no index), records the joint actions on it (entries and head), puts a branch's task
  // item (the co-department's task in its open-task list, and the wait's task token).
  tables: { cases: { actions: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:Query'] } },
  calendar: ['dynamodb:Query'],
  // Well under the steps' task timeout.
  limits: { timeoutSeconds: JOINT_FUNCTION_TIMEOUT_SECONDS },
  load: async () => (await import('./handler.ts')).jointHandler,
} as const satisfies EventFunctionManifest<'joint'>;
