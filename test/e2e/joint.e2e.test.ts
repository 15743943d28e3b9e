// End to end: a joint case (开办餐饮店“一件事”: market leads, health and fire give opinions) from filing
// to one consolidated decision through the embedded platform (`npm start`'s command as a child
// process), every call signed with SigV4. Accepting the case starts the joint-handling workflow — the
// definition the CDK app synthesises, on aws-local-stepfunctions — which dispatches a task to each
// co-department and waits for its opinion; each opinion resumes its wait. The platform is restarted
// while an opinion is pending, and the execution goes on. The clock is pinned to Tue 1 Sep 2026, so
// that the case's 45-working-day statutory deadline falls within the loaded 2026 calendar.
//   accepted Tue 1 Sep; health due 8 working days on: 2, 3, 4, 7, 8, 9, 10, Fri 11 Sep (8);
//   fire due 10: 14, Tue 15 Sep (10).
//   promised 15: 16, 17, 18 (13), Sun 20 Sep a make-up working day (14), Mon 21 Sep (15).
//   statutory 45: 22, 23, 24 (18), [25 Sep Mid-Autumn], 28, 29, 30 (21), [1-7 Oct National Day],
//   8, 9, Sat 10 make-up (24), 12-16 (29), 19-23 (34), 26-30 (39), 2-6 Nov (44), Mon 9 Nov (45).
import { DescribeExecutionCommand, SFNClient } from '@aws-sdk/client-sfn';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEPARTMENTS, SEED_ITEMS } from '../../infra/local/seed-data.ts';
import type { ApiResponse } from '../../shared/cli/api-client.ts';
import { jointExecutionName } from '../../shared/contracts/joint-workflow.ts';
import { ZHANG } from '../support/case-fixtures.ts';
import { runCli, signedClients, uploadPdf } from '../support/signed-clients.ts';
import type { PlatformProcess } from '../support/platform-process.ts';
import { startPlatformProcess } from '../support/platform-process.ts';

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

const CLOCK_START = '2026-09-01T02:00:00Z';
const JOINT = SEED_ITEMS.find((g) => g.implementationCode.endsWith('000199001000'))!;
const HEALTH = DEPARTMENTS.health.id;
const FIRE = DEPARTMENTS.fire.id;

let dataDir: string;
let platform: PlatformProcess;

beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tongban-joint-e2e-'));
  platform = await startPlatformProcess(dataDir, CLOCK_START);
});

afterAll(async () => {
  await platform?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

const as = signedClients(() => platform);
const errorOf = (res: ApiResponse) => [res.status, (res.body as Json)?.error?.code, (res.body as Json)?.error?.field];

/** The Step Functions stand-in the platform announced, and the joint state machine's ARN. */
function workflows(): { sfn: SFNClient; stateMachineArn: string } {
  const m = /workflows: +(http:\/\/127\.0\.0\.1:\d+) \(Step Functions stand-in; joint handling: (arn:\S+)\)/.exec(platform.output());
  if (!m) throw new Error(`the platform did not announce its workflows:\n${platform.output()}`);
  return { sfn: new SFNClient({ endpoint: m[1]!, region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }), stateMachineArn: m[2]! };
}

/** The case's execution, once `done(it)` holds; read again until then (bounded: 300 reads). */
async function executionWhen(caseNo: string, done: (status: string) => boolean): Promise<Json> {
  const { sfn, stateMachineArn } = workflows();
  const executionArn = stateMachineArn.replace(':stateMachine:', ':execution:') + `:${jointExecutionName(caseNo)}`;
  for (let i = 0; i < 300; i++) {
    const out = await sfn.send(new DescribeExecutionCommand({ executionArn })).catch((e: unknown) => ({ status: `missing: ${(e as Error).name}` }));
    if (done(out.status ?? '')) return out;
    await new Promise((r) => setImmediate(r));
  }
  throw new Error(`execution of ${caseNo} never reached the wanted status`);
}

/** The case as the lead reads it, once `done(it)` holds (bounded). */
async function caseWhen(caseNo: string, done: (c: Json) => boolean): Promise<Json> {
  for (let i = 0; i < 300; i++) {
    const res = await as('market').request('GET', `/v1/cases/${caseNo}`);
    expect(res.status).toBe(200);
    if (done(res.body as Json)) return res.body as Json;
  }
  throw new Error(`case ${caseNo} never reached the wanted state`);
}

describe('a joint case: one filing, opinions from two co-departments, one decision', () => {
  let caseNo: string;

  it('is filed once and accepted by the lead, which starts the workflow: each co-department gets a task due in its own working days', async () => {
    // Prepare: every required material of the joint item, uploaded by the portal
    const materials: Json = {};
    for (const m of JOINT.materials.filter((x) => x.required)) materials[m.name] = await uploadPdf(as('portal'), `${m.name} ${randomUUID()}`);
    const filed = await as('portal').request('POST', '/v1/cases', {
      headers: { 'Idempotency-Key': randomUUID() },
      body: { itemCode: JOINT.implementationCode, applicant: ZHANG, form: { 经营场所面积: 150 }, materials },
    });
    expect(filed.status).toBe(201);
    caseNo = (filed.body as Json).caseNo;

    // Act
    const accepted = await as('market').request('POST', `/v1/cases/${caseNo}/accept`, { body: {} });

    // Assess
    expect(accepted.status).toBe(200);
    expect((accepted.body as Json).status).toBe('accepted');
    const dispatched = await caseWhen(caseNo, (c) => Array.isArray(c.jointTasks));
    expect(dispatched.jointTasks).toEqual([
      { departmentId: HEALTH, dispatchedOn: '2026-09-01', status: 'pending', dueOn: '2026-09-11', graceDays: 2, graceUntil: '2026-09-15' },
      { departmentId: FIRE, dispatchedOn: '2026-09-01', status: 'pending', dueOn: '2026-09-15', graceDays: 2, graceUntil: '2026-09-17' },
    ]);
    expect(dispatched.deadlines).toEqual({ promised: '2026-09-21', statutory: '2026-11-09' });
    expect((await executionWhen(caseNo, (s) => s === 'RUNNING')).status).toBe('RUNNING');
  });

  it("puts the task in each co-department's queue, and in nobody else's", async () => {
    // Listed by the branch's wait for the opinion, as it keeps its callback token (a moment after the dispatch)
    const listed = async (who: 'health' | 'fire') => ((await as(who).request('GET', '/v1/queue/opinions')).body as Json).tasks?.length ?? 0;
    for (const who of ['health', 'fire'] as const) await expect.poll(() => listed(who), { timeout: 30_000 }).toBe(1);
    const health = await as('health').request('GET', '/v1/queue/opinions');
    const fire = await as('fire').request('GET', '/v1/queue/opinions');
    const police = await as('police').request('GET', '/v1/queue/opinions');
    const portal = await as('portal').request('GET', '/v1/queue/opinions');

    expect(health.status).toBe(200);
    expect((health.body as Json).tasks).toEqual([
      expect.objectContaining({
        caseNo,
        leadDepartmentId: DEPARTMENTS.market.id,
        caseStatus: 'accepted',
        task: { departmentId: HEALTH, dispatchedOn: '2026-09-01', status: 'pending', dueOn: '2026-09-11', graceDays: 2, graceUntil: '2026-09-15' },
      }),
    ]);
    expect((fire.body as Json).tasks.map((t: Json) => [t.caseNo, t.task.dueOn])).toEqual([[caseNo, '2026-09-15']]);
    expect((police.body as Json).tasks).toEqual([]);
    expect(errorOf(portal)[0]).toBe(403);
    // The same through the CLI, as a co-department and as the lead
    const credentials = join(dataDir, 'credentials.json');
    const queue = await runCli(credentials, 'cases', 'queue', '--opinions', '--as', 'health');
    const shown = await runCli(credentials, 'cases', 'show', caseNo, '--as', 'market');
    expect(queue.code).toBe(0);
    expect(queue.out).toMatch(new RegExp(`${caseNo}.*待提出意见 pending.*2026-09-11.*2026-11-09`));
    expect(shown.out).toContain(`${HEALTH}: 待提出意见 pending · due 2026-09-11`);
    expect(shown.out).toContain(`${FIRE}: 待提出意见 pending · due 2026-09-15`);
  });

  it('refuses an opinion from the lead (it cannot answer for a co-department) and from a department not assigned', async () => {
    const lead = await as('market').request('POST', `/v1/cases/${caseNo}/opinions`, { body: { outcome: 'agree' } });
    const outsider = await as('police').request('POST', `/v1/cases/${caseNo}/opinions`, { body: { outcome: 'agree' } });
    const channel = await as('portal').request('POST', `/v1/cases/${caseNo}/opinions`, { body: { outcome: 'agree' } });

    expect(errorOf(lead)).toEqual([403, 'CASE_CO_DEPARTMENT_FORBIDDEN', undefined]);
    expect(errorOf(outsider)).toEqual([403, 'CASE_CO_DEPARTMENT_FORBIDDEN', undefined]);
    expect(errorOf(channel)[0]).toBe(403);
    expect((lead.body as Json).error.messageZh).toContain('协办部门');
  });

  it("takes health's opinion with an uploaded attachment, once: a second one is a conflict, and the lead cannot decide yet", async () => {
    // Prepare: the attachment goes through the department's own upload slot
    const attachment = await uploadPdf(as('health'), `卫生审查意见 ${randomUUID()}`);

    // Act
    const res = await as('health').request('POST', `/v1/cases/${caseNo}/opinions`, {
      body: { outcome: 'agree', reasons: ['卫生条件符合要求'], attachments: { 卫生审查意见书: attachment } },
    });
    const again = await as('health').request('POST', `/v1/cases/${caseNo}/opinions`, { body: { outcome: 'disagree', reasons: ['改变主意'] } });
    const early = await as('market').request('POST', `/v1/cases/${caseNo}/decide`, { body: { outcome: 'approved' } });
    const badAttachment = await as('fire').request('POST', `/v1/cases/${caseNo}/opinions`, {
      body: { outcome: 'agree', attachments: { 借用: attachment } },
    });

    // Assess
    expect(res.status).toBe(200);
    const task = (res.body as Json).jointTasks.find((t: Json) => t.departmentId === HEALTH);
    expect(task).toMatchObject({ status: 'answered', opinion: { outcome: 'agree', reasons: ['卫生条件符合要求'], on: '2026-09-01', by: 'health' } });
    expect(task.opinion.attachments.卫生审查意见书).toMatchObject({ kind: 'upload', sha256: attachment.sha256, objectKey: expect.stringMatching(new RegExp(`^cases/${caseNo}/`)) });
    expect((res.body as Json).status).toBe('accepted');
    expect(errorOf(again)).toEqual([409, 'CASE_OPINION_EXISTS', undefined]);
    expect(errorOf(early)).toEqual([409, 'CASE_JOINT_OPINIONS_MISSING', undefined]);
    // Fire cannot pass off health's upload as its own, and nothing of fire's is recorded
    expect(errorOf(badAttachment)).toEqual([403, 'MATERIAL_UPLOAD_FORBIDDEN', 'attachments.借用.objectKey']);
    expect((await caseWhen(caseNo, () => true)).jointTasks[1].status).toBe('pending');
    expect(((await as('health').request('GET', '/v1/queue/opinions')).body as Json).tasks).toEqual([]);
  });

  it('goes on after a restart of the platform with an opinion pending: the execution resumes, and the last opinion completes it', async () => {
    // Prepare: stop the platform while fire's opinion is pending, and start it again on the same data
    await platform.stop();
    platform = await startPlatformProcess(dataDir, CLOCK_START);
    expect(platform.output()).toContain('joint handling: 1 execution(s) resumed');
    expect((await executionWhen(caseNo, (s) => s === 'RUNNING')).status).toBe('RUNNING');

    // Act: fire disagrees, through the CLI
    const cli = await runCli(join(dataDir, 'credentials.json'), 'cases', 'opinion', caseNo, '--as', 'fire', '--outcome', 'disagree', '--reason', '疏散通道宽度不足');

    // Assess: the opinions are complete at once, and the workflow ends
    expect(cli).toMatchObject({ code: 0 });
    expect(cli.out).toContain('协办意见已齐');
    const complete = await caseWhen(caseNo, (c) => c.status === 'opinions-complete');
    expect(complete.jointTasks.map((t: Json) => [t.departmentId, t.status, t.opinion?.outcome])).toEqual([
      [HEALTH, 'answered', 'agree'],
      [FIRE, 'answered', 'disagree'],
    ]);
    const execution = await executionWhen(caseNo, (s) => s !== 'RUNNING');
    expect(execution.status).toBe('SUCCEEDED');
  });

  it("decides once, listing every opinion; approving over the disagreement needs the lead's reasons", async () => {
    const bare = await as('market').request('POST', `/v1/cases/${caseNo}/decide`, { body: { outcome: 'approved' } });
    const decided = await as('market').request('POST', `/v1/cases/${caseNo}/decide`, {
      body: { outcome: 'approved', overrideReasons: ['申请人已书面承诺开业前拓宽疏散通道，消防部门将开业前复查'] },
    });
    const history = await as('portal').request('GET', `/v1/cases/${caseNo}/history`);

    expect(errorOf(bare)).toEqual([400, 'CASE_REASONS_REQUIRED', 'overrideReasons']);
    expect(decided.status).toBe(200);
    const decision = (decided.body as Json).decision;
    expect(decision.outcome).toBe('approved');
    expect(decision.opinions.map((t: Json) => [t.departmentId, t.opinion.outcome])).toEqual([
      [HEALTH, 'agree'],
      [FIRE, 'disagree'],
    ]);
    expect(decision.overrideReasons).toHaveLength(1);
    const h = history.body as Json;
    expect(h.check.ok).toBe(true);
    // Then `archive`, once the archive function (started after the decision's answer) is done.
    // The joint handling started, then the 受理通知书 sealed (case-follow-ups.ts), as the acceptance is answered.
    expect(h.entries.map((e: Json) => [e.type, e.actor.name]).slice(0, 8)).toEqual([
      ['file', 'portal'],
      ['accept', 'market'],
      ['dispatch', 'system'],
      ['seal-notices', 'system'],
      ['opinion', 'health'],
      ['opinion', 'fire'],
      ['decide', 'market'],
      ['seal', 'system'],
    ]);
  });
});
