// The joint-handling figures of issue 4, on the embedded platform (in process, so the Step Functions
// stand-in's executions can be awaited), every call signed over HTTP:
//   - state transitions per joint case with n co-departments (1 to 4; every opinion in on time), and
//     the Step Functions cost per 1,000 such cases at the public Standard-workflow price;
//   - with the seeded item (2 co-departments): the time of the last opinion's request, whose answer
//     already says "opinions complete", and the time from sending it to the execution's end.
// The platform clock starts on Tue 1 Sep 2026 so that every deadline lies in the loaded calendar.
import { actingKeys } from '../support/acting-keys.ts';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RunningPlatform } from '../../infra/local/platform.ts';
import { startPlatform } from '../../infra/local/platform.ts';
import { DEPARTMENTS, SEED_ITEMS } from '../../infra/local/seed-data.ts';
import { ApiClient } from '../../shared/cli/api-client.ts';
import { jointExecutionName } from '../../shared/contracts/joint-workflow.ts';
import { STEP_FUNCTIONS } from './aws-prices.ts';
import { percentiles, table } from './figures.ts';
import { upload } from './cases.ts';

const RUNS = Number(process.env.BENCH_JOINT_RUNS ?? 30);
/** US$ per state transition of a Standard workflow (aws-prices.ts). */
const PRICE_PER_TRANSITION = STEP_FUNCTIONS.transition;
const JOINT = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000199001000'))!;
const CO_DEPARTMENTS = [DEPARTMENTS.health, DEPARTMENTS.fire, DEPARTMENTS.housing, DEPARTMENTS.police];
const PRINCIPAL_OF: Record<string, string> = {
  [DEPARTMENTS.health.id]: 'health',
  [DEPARTMENTS.fire.id]: 'fire',
  [DEPARTMENTS.housing.id]: 'housing',
  [DEPARTMENTS.police.id]: 'police',
};
const APPLICANT = { kind: 'person', residentId: '11010519491231002X', name: '张三', phone: '13800138000' };

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export async function benchJoint(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tongban-bench-joint-'));
  const offset = new Date('2026-09-01T02:00:00Z').getTime() - Date.now();
  const platform = await startPlatform({ dataDir, port: 0, scheduleIntervalMs: 0, now: () => new Date(Date.now() + offset) });
  try {
    const as = (name: string) => {
      const p = actingKeys(platform.credentials, name);
      return new ApiClient({ endpoint: platform.endpoint, region: platform.credentials.region, credentials: { accessKeyId: p.accessKeyId, secretAccessKey: p.secretAccessKey } });
    };

    // 1. transitions per case with n co-departments: an item of the market with each n, published
    const rows: string[][] = [];
    for (let n = 1; n <= CO_DEPARTMENTS.length; n++) {
      const code = n === 2 ? JOINT.implementationCode : await publishJointItem(as, n);
      const { transitions } = await runCase(platform, as, code);
      rows.push([String(n), String(transitions), `$${(transitions * PRICE_PER_TRANSITION * 1000).toFixed(3)}`]);
    }
    console.log(`\njoint handling: state transitions per case (every opinion on time), Step Functions Standard at $${STEP_FUNCTIONS.transition * 1000} per 1,000 transitions`);
    table(rows, ['co-departments', 'transitions', 'US$ per 1,000 cases']);

    // 2. the last opinion → opinions complete, with the seeded item
    const request: number[] = [];
    const ended: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const run = await runCase(platform, as, JOINT.implementationCode);
      request.push(run.lastOpinionMs);
      ended.push(run.executionEndMs);
    }
    console.log(`\njoint handling, ${RUNS} cases with 2 co-departments: from sending the last opinion (ms)`);
    table(
      [
        ['its answer (the case: opinions complete)', ...percentiles(request)],
        ['the execution ended (SUCCEEDED)', ...percentiles(ended)],
      ],
      ['', 'p50', 'p95', 'p99', 'max'],
    );
  } finally {
    await platform.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** A joint item of the market department with the first n co-departments, drafted, submitted and published. */
async function publishJointItem(as: (name: string) => ApiClient, n: number): Promise<string> {
  const code = `${DEPARTMENTS.market.id}0001990${n}1000`;
  const coDepartments = CO_DEPARTMENTS.slice(0, n).map((d, i) => ({ departmentId: d.id, responsibility: `协办审查${i + 1}`, timeLimitDays: 8 }));
  const guide = { ...JOINT, implementationCode: code, name: `${JOINT.name}（${n}个协办部门）`, jointHandling: { ...JOINT.jointHandling!, coDepartments } };
  const created = await as('market').request('POST', '/v1/items', { body: { guide } });
  if (created.status !== 201) throw new Error(`drafting a joint item: ${created.status} ${JSON.stringify(created.body)}`);
  const submitted = await as('market').request('POST', `/v1/items/${code}/submit`, { body: { baseVersion: (created.body as Json).version } });
  if (submitted.status !== 200) throw new Error(`submitting a joint item: ${submitted.status} ${JSON.stringify(submitted.body)}`);
  const base = (submitted.body as Json).version as number;
  const published = await as('reviewer').request('POST', `/v1/items/${code}/review`, { body: { decision: 'publish', baseVersion: base } });
  if (published.status !== 200) throw new Error(`publishing a joint item: ${published.status} ${JSON.stringify(published.body)}`);
  return code;
}

/** Files a case of the item, accepts it, waits until every co-department's branch waits, then answers each; the last one timed. */
async function runCase(platform: RunningPlatform, as: (name: string) => ApiClient, itemCode: string) {
  const item = (await as('portal').request('GET', `/v1/items/${itemCode}`)).body as Json;
  const materials: Json = {};
  for (const m of (item.guide.materials as Json[]).filter((x) => x.required)) materials[m.name] = await upload(as('portal'), `${m.name} ${randomUUID()}`);
  const filed = await as('portal').request('POST', '/v1/cases', { headers: { 'Idempotency-Key': randomUUID() }, body: { itemCode, applicant: APPLICANT, form: {}, materials } });
  if (filed.status !== 201) throw new Error(`filing: ${filed.status} ${JSON.stringify(filed.body)}`);
  const caseNo = (filed.body as Json).caseNo as string;
  const executionArn = `${platform.jointStateMachineArn.replace(':stateMachine:', ':execution:')}:${jointExecutionName(caseNo)}`;
  const coDepartments = (item.guide.jointHandling.coDepartments as Json[]).map((c) => c.departmentId as string);
  // Every branch announces its wait's token: count them for this execution from before the acceptance.
  const waiting = new Promise<void>((resolve) => {
    let seen = 0;
    const listener = ({ executionArn: arn }: { executionArn: string }) => {
      if (arn === executionArn && ++seen === coDepartments.length) {
        platform.stepFunctions.events.off('task-token', listener);
        resolve();
      }
    };
    platform.stepFunctions.events.on('task-token', listener);
  });
  const accepted = await as('market').request('POST', `/v1/cases/${caseNo}/accept`, { body: {} });
  if (accepted.status !== 200) throw new Error(`accepting: ${accepted.status} ${JSON.stringify(accepted.body)}`);
  await waiting;
  for (const dept of coDepartments.slice(0, -1)) await opinion(as, PRINCIPAL_OF[dept]!, caseNo);
  const t0 = performance.now();
  const last = await opinion(as, PRINCIPAL_OF[coDepartments.at(-1)!]!, caseNo);
  const lastOpinionMs = performance.now() - t0;
  if ((last.body as Json).status !== 'opinions-complete') throw new Error(`the last opinion left the case ${(last.body as Json).status}`);
  const execution = await platform.stepFunctions.waitForExecution(executionArn);
  const executionEndMs = performance.now() - t0;
  if (execution.status !== 'SUCCEEDED') throw new Error(`execution ${executionArn} ended ${execution.status}`);
  return { transitions: execution.stateTransitions, lastOpinionMs, executionEndMs };
}

async function opinion(as: (name: string) => ApiClient, principal: string, caseNo: string) {
  const res = await as(principal).request('POST', `/v1/cases/${caseNo}/opinions`, { body: { outcome: 'agree' } });
  if (res.status !== 200) throw new Error(`opinion of ${principal}: ${res.status} ${JSON.stringify(res.body)}`);
  return res;
}
