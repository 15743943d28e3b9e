// The joint-handling workflow as deployed: its definition taken from the synthesised CDK app (the
// real cdk.json), run by aws-local-stepfunctions inside the Step Functions stand-in over the real
// wire protocol, its Lambda steps the real joint handler against dynalite, the lead's acceptance and
// the co-departments' opinions through the real case service (which starts the execution and resumes
// its waits through @aws-sdk/client-sfn). One clock drives the handler, the service and the store; it
// is moved to reach due days and the statutory deadline. The longest single wait is 2 seconds here
// (JOINT_MAX_WAIT_SECONDS), so a branch looks at the clock again within 2 s of a move.
//
// The joint item: market leads; health has 8 working days, fire 10; statutory limit 45. Accepted
// Tue 1 Sep 2026 10:00 China time:
//   health due Fri 11 Sep; fire due Tue 15 Sep; statutory deadline Mon 9 Nov (see joint.e2e.test.ts).
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definitionFromTemplate } from '../../infra/constructs/joint-definition.ts';
import { CONFIG_CONTEXT_KEY } from '../../infra/config.ts';
import { LOCAL_TABLES, ensureTables, startDynalite } from '../../infra/local/local-dynamodb.ts';
import type { LocalStepFunctions } from '../../infra/local/stepfunctions-server.ts';
import { startLocalStepFunctions } from '../../infra/local/stepfunctions-server.ts';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store.ts';
import { S3MaterialStore } from '../../shared/adapters/s3-material-store.ts';
import { SfnJointWorkflow } from '../../shared/adapters/sfn-joint-workflow.ts';
import { JOINT_STATES, JOINT_TASK_ENDED, jointExecutionName } from '../../shared/contracts/joint-workflow.ts';
import type { JointStepEvent } from '../../shared/contracts/joint-workflow.ts';
import { payloadDigest } from '../../shared/domain/cases/case-history.ts';
import { applyCaseCommand, fileCase } from '../../shared/domain/cases/case-lifecycle.ts';
import type { CaseHistoryEntry, CaseState } from '../../shared/domain/cases/case-record.ts';
import type { CaseStore } from '../../shared/domain/cases/case-store.ts';
import { CaseService } from '../../shared/domain/cases/case-service.ts';
import { CaseSweep } from '../../shared/domain/cases/case-sweep.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { newCaseNo } from '../../shared/domain/identifiers/case-number.ts';
import { MemoryItemStore } from '../support/memory-item-store.ts';
import { FIRE, HEALTH, JOINT, MARKET, PORTAL, ZHANG } from '../support/case-fixtures.ts';
import { upload } from '../support/case-materials.ts';
import { writeFiling } from '../support/stored-filing.ts';
import { CDK_JSON, removeSynthOutputs, synthApp } from '../support/synth-app.ts';
import { historyUpTo } from '../../shared/domain/cases/case-store.ts';

const REGION = 'cn-north-1';
const MACHINE = 'tongban-test-joint-handling';
const FUNCTION_ARN = 'arn:aws-cn:lambda:cn-north-1:000000000000:function:tongban-test-joint';
const HEALTH_ID = HEALTH.departmentId!;
const FIRE_ID = FIRE.departmentId!;

/** The clock of the handler, the service and the store: real time, shifted. */
let offset = 0;
const now = () => new Date(Date.now() + offset);
/** Moves the clock to `time` (China) on `date`; it runs on from there. */
const setClock = (date: string, time = '10:00:00') => void (offset = new Date(`${date}T${time}+08:00`).getTime() - Date.now());

let raw: DynamoDBClient;
let store: DynamoCaseStore;
let sfn: LocalStepFunctions;
let service: CaseService;
/** A case service like `service`, over another case store (the same tables). */
let serviceWith: (caseStore: CaseStore) => CaseService;
let client: SFNClient;
/** Every call the state machine made to the joint function, and a way to make the next ones fail. */
const calls: JointStepEvent[] = [];
/** The cases of the waits that found their task ended already. */
const endedAwaits: string[] = [];
let failNext: { step: JointStepEvent['step']; times: number } | undefined;
let failAlso: { step: JointStepEvent['step']; times: number } | undefined;
let stop: () => Promise<void>;

beforeAll(async () => {
  process.env.JOINT_MAX_WAIT_SECONDS = '2';
  process.env.POWERTOOLS_LOG_LEVEL = 'SILENT';
  process.env.POWERTOOLS_METRICS_DISABLED = 'true';
  const dynamo = await startDynalite(undefined);
  raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const tables = { ...LOCAL_TABLES, cases: 'tongban-test-joint-cases', stepFunctions: 'tongban-test-joint-executions' };
  await ensureTables(raw, tables);
  const db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
  process.env.CASES_TABLE = tables.cases;
  process.env.ITEMS_TABLE = tables.items;
  process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamo.endpoint;
  process.env.AWS_REGION = REGION;
  process.env.AWS_ACCESS_KEY_ID ??= 'x';
  process.env.AWS_SECRET_ACCESS_KEY ??= 'x';
  store = new DynamoCaseStore(db, tables.cases);

  // The definition of the app `cdk synth` builds from cdk.json.
  const { api, assembly } = synthApp(CDK_JSON.context[CONFIG_CONTEXT_KEY]);
  const definition = definitionFromTemplate(assembly.getStackByName(api.stackName).template as { Resources: Record<string, unknown> }, FUNCTION_ARN, 'aws-cn');

  const { jointHandler } = await import('../../functions/joint/handler.ts');
  const handler = jointHandler({ now });
  sfn = await startLocalStepFunctions({
    host: '127.0.0.1',
    region: REGION,
    db,
    table: tables.stepFunctions,
    stateMachines: { [MACHINE]: definition },
    functions: {
      [FUNCTION_ARN]: async (event) => {
        const step = event as JointStepEvent;
        calls.push(step);
        for (const failing of [failNext, failAlso]) {
          if (failing?.step === step.step && failing.times > 0) {
            failing.times--;
            throw new Error(`injected: the ${step.step} step crashed`);
          }
        }
        try {
          return await handler(step);
        } catch (e) {
          if (step.step === 'await' && (e as Error).name === JOINT_TASK_ENDED) endedAwaits.push(step.caseNo);
          throw e;
        }
      },
    },
    // The retries' waits are the definition's (2 s, backoff 2): shortened here, counted all the same.
    retryIntervalOverrides: Object.fromEntries(Object.values(JOINT_STATES).map((s) => [s, 10])),
  });
  client = new SFNClient({ endpoint: sfn.endpoint, region: REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  serviceWith = (caseStore) =>
    new CaseService({
      store: caseStore,
      items: new MemoryItemStore(),
      // No filing or supplement goes through the service here: the vault is never asked.
      materials: new S3MaterialStore(new S3Client({ region: REGION }), 'unused'),
      calendar: officialCalendar,
      now,
      workflow: new SfnJointWorkflow(client, sfn.stateMachineArn(MACHINE)),
      onWorkflowLag: (caseNo, what, error) => {
        throw new Error(`workflow ${what} failed for ${caseNo}: ${String(error)}`);
      },
    });
  service = serviceWith(store);
  stop = async () => {
    await sfn.close();
    client.destroy();
    raw.destroy();
    await dynamo.close();
  };
}, 180_000);

afterAll(async () => {
  delete process.env.JOINT_MAX_WAIT_SECONDS;
  removeSynthOutputs();
  await stop?.();
});

let filed = 0;
/** A joint case filed by the portal on 1 Sep 2026 and accepted by the lead at 10:00 (which starts the workflow). */
async function acceptedJointCase(): Promise<{ caseNo: string; executionArn: string }> {
  setClock('2026-09-01', '09:00:00');
  const materials = Object.fromEntries(JOINT.materials.filter((m) => m.required).map((m) => [m.name, upload(m.name)]));
  const app = { applicant: ZHANG, form: {}, materials };
  const first = await writeFiling(
    store,
    `joint-${++filed}`,
    fileCase(
      { caseNo: newCaseNo(now()), item: { code: JOINT.implementationCode, version: 1, guide: JOINT }, ...app },
      {
        actor: PORTAL,
        at: now().toISOString(),
        today: '2026-09-01',
        calendar: officialCalendar,
      },
    ),
    payloadDigest(app),
  );
  setClock('2026-09-01');
  await service.act(MARKET, first.state.caseNo, { action: 'accept' });
  const executionArn = sfn.stateMachineArn(MACHINE).replace(':stateMachine:', ':execution:') + `:${jointExecutionName(first.state.caseNo)}`;
  return { caseNo: first.state.caseNo, executionArn };
}

/** Resolves once `holds` is true of the case, looked at after each wait a branch starts (every ≤ 2 s). */
async function caseWhen(caseNo: string, holds: (state: CaseState) => boolean): Promise<CaseState> {
  for (let i = 0; i < 100; i++) {
    const state = (await store.get(caseNo))!;
    if (holds(state)) return state;
    await new Promise<void>((resolve) => sfn.events.once('task-token', () => resolve()));
  }
  throw new Error(`case ${caseNo} never reached the expected state`);
}

/** Resolves once `n` more waits have started (each branch waits again after every check). */
const nextWaits = (n: number) =>
  new Promise<void>((resolve) => {
    let seen = 0;
    const listener = () => {
      if (++seen === n) {
        sfn.events.off('task-token', listener);
        resolve();
      }
    };
    sfn.events.on('task-token', listener);
  });

/** Waits until both co-departments' branches wait for their opinion. */
const bothWaiting = (caseNo: string) =>
  caseWhen(caseNo, (s) => s.jointTasks !== undefined).then(async (s) => {
    for (const dept of [HEALTH_ID, FIRE_ID]) {
      for (let i = 0; i < 100 && !(await store.taskToken(caseNo, dept)); i++) await new Promise<void>((r) => sfn.events.once('task-token', () => r()));
    }
    return s;
  });

/** How often the branches of the case ran CheckTask. */
const checksOf = (caseNo: string) => calls.filter((c) => c.step === 'check' && c.caseNo === caseNo).length;
/** How often an AwaitOpinion of the case found its task ended already (JointTaskEnded). */
const endedAwaitsOf = (caseNo: string) => endedAwaits.filter((c) => c === caseNo).length;
/**
 * The transitions of a run of both branches without escalation or retry, from the steps invoked:
 * Dispatch and the Map; per branch its first NextStep (Dispatch answered its first check) and its first
 * AwaitOpinion; each wait that runs out adds a CheckTask and a NextStep, then an AwaitOpinion, or
 * BranchDone when that check finds the opinion in (three each); a wait that finds its task ended goes
 * on to BranchDone (one more).
 */
const transitionsOf = (caseNo: string) => 6 + 3 * checksOf(caseNo) + endedAwaitsOf(caseNo);

const types = async (caseNo: string) => (await historyUpTo(store, caseNo, Infinity)).map((e) => (e.type === 'file' ? 'file' : `${e.type}:${e.actor.name}`));

describe('the joint-handling workflow on aws-local-stepfunctions, with the synthesised definition', () => {
  it('all agree: dispatched to both, each opinion resumes its wait, the execution ends with the opinions complete', async () => {
    const { caseNo, executionArn } = await acceptedJointCase();
    const dispatched = await bothWaiting(caseNo);
    expect(dispatched.jointTasks!.map((t) => [t.departmentId, t.status, t.dueOn])).toEqual([
      [HEALTH_ID, 'pending', '2026-09-11'],
      [FIRE_ID, 'pending', '2026-09-15'],
    ]);

    await service.act(HEALTH, caseNo, { action: 'opinion', outcome: 'agree' });
    const afterLast = await service.act(FIRE, caseNo, { action: 'opinion', outcome: 'agree' });
    const execution = await sfn.waitForExecution(executionArn);

    expect(afterLast.status).toBe('opinions-complete');
    expect(execution.status).toBe('SUCCEEDED');
    expect(await types(caseNo)).toEqual(['file', 'accept:market', 'dispatch:system', 'opinion:health', 'opinion:fire']);
    // Dispatch, the Map, each branch's NextStep and AwaitOpinion (2 × 2) = 6 when every opinion comes
    // within the first wait. A wait that runs out first (at most 2 s here) adds a CheckTask and a
    // NextStep, then an AwaitOpinion, or BranchDone when that check finds the opinion in: counted from
    // the steps the state machine invoked.
    expect(execution.stateTransitions).toBe(transitionsOf(caseNo));
  });

  it('two co-departments giving their opinions at the same moment are both recorded: the one that loses the race for the entry is applied again', async () => {
    // Prepare: both opinions are decided on the same version of the case — each write waits until the
    // other is ready to write too — so exactly one wins the entry and the other must be applied again.
    const { caseNo, executionArn } = await acceptedJointCase();
    await bothWaiting(caseNo);
    const ready: (() => void)[] = [];
    let raced = false;
    const racing: CaseStore = Object.assign(Object.create(store) as CaseStore, {
      append: async (state: CaseState, entry: CaseHistoryEntry, previous: CaseState) => {
        if (!raced) {
          await new Promise<void>((release) => {
            ready.push(release);
            if (ready.length === 2) {
              raced = true;
              ready.forEach((r) => r());
            }
          });
        }
        return store.append(state, entry, previous);
      },
    });
    const both = serviceWith(racing);

    // Act
    const answers = await Promise.all([both.act(HEALTH, caseNo, { action: 'opinion', outcome: 'agree' }), both.act(FIRE, caseNo, { action: 'opinion', outcome: 'agree' })]);
    const execution = await sfn.waitForExecution(executionArn);

    // Assess
    expect(raced).toBe(true);
    expect(answers.map((s) => s.version).sort()).toEqual([4, 5]);
    expect((await store.get(caseNo))!.status).toBe('opinions-complete');
    expect((await types(caseNo)).slice(3).sort()).toEqual(['opinion:fire', 'opinion:health']);
    expect(execution.status).toBe('SUCCEEDED');
  });

  it("one disagrees: the opinions are complete all the same, and approving over the disagreement needs the lead's reasons", async () => {
    const { caseNo, executionArn } = await acceptedJointCase();
    await bothWaiting(caseNo);

    await service.act(FIRE, caseNo, { action: 'opinion', outcome: 'disagree', reasons: ['疏散通道宽度不足'] });
    await service.act(HEALTH, caseNo, { action: 'opinion', outcome: 'agree' });
    const execution = await sfn.waitForExecution(executionArn);
    const bare = await service.act(MARKET, caseNo, { action: 'decide', outcome: 'approved' }).catch((e: unknown) => e);
    const decided = await service.act(MARKET, caseNo, { action: 'decide', outcome: 'approved', overrideReasons: ['申请人已承诺整改，开业前复查'] });

    expect(execution.status).toBe('SUCCEEDED');
    expect(bare).toMatchObject({ code: 'CASE_REASONS_REQUIRED', field: 'overrideReasons' });
    expect(decided.decision!.opinions!.map((t) => [t.departmentId, t.opinion!.outcome])).toEqual([
      [HEALTH_ID, 'agree'],
      [FIRE_ID, 'disagree'],
    ]);
  });

  it('a co-department that lets its due day pass is escalated (history, queue), keeps being awaited, then answers', async () => {
    const { caseNo, executionArn } = await acceptedJointCase();
    await bothWaiting(caseNo);

    // Act: health's due day (Fri 11 Sep) ends; its branch wakes within 2 s and escalates
    setClock('2026-09-14');
    const escalated = await caseWhen(caseNo, (s) => s.jointTasks![0]!.status === 'escalated');
    const queue = await service.jointTasks(HEALTH, { limit: 10 });
    await service.act(HEALTH, caseNo, { action: 'opinion', outcome: 'agree', reasons: ['逾期提出，同意'] });
    await service.act(FIRE, caseNo, { action: 'opinion', outcome: 'agree' });
    const execution = await sfn.waitForExecution(executionArn);

    // Assess: escalated on Mon 14 Sep, fire (due 15 Sep) not; health still answered, and is not missing
    expect(escalated.jointTasks!.map((t) => [t.status, t.escalatedOn])).toEqual([
      ['escalated', '2026-09-14'],
      ['pending', undefined],
    ]);
    expect(queue.tasks.map((t) => [t.caseNo, t.task.status])).toContainEqual([caseNo, 'escalated']);
    expect(execution.status).toBe('SUCCEEDED');
    const final = (await store.get(caseNo))!;
    expect(final.jointTasks!.map((t) => t.status)).toEqual(['answered', 'answered']);
    expect(await types(caseNo)).toEqual(['file', 'accept:market', 'dispatch:system', 'escalate:system', 'opinion:health', 'opinion:fire']);
  });

  it('co-departments that never answer are escalated, awaited through their grace, then recorded missing — in time for the lead to decide', async () => {
    // Health is due Fri 11 Sep (grace: Mon 14, Tue 15); fire Tue 15 Sep (grace: Wed 16, Thu 17).
    const { caseNo, executionArn } = await acceptedJointCase();
    await bothWaiting(caseNo);

    // Act: health escalated on Mon 14 Sep; on Wed 16 Sep health is recorded missing and fire escalated
    setClock('2026-09-14');
    const healthEscalated = await caseWhen(caseNo, (s) => s.jointTasks![0]!.status === 'escalated');
    setClock('2026-09-16');
    const healthMissing = await caseWhen(caseNo, (s) => s.jointTasks![0]!.status === 'missing' && s.jointTasks![1]!.status === 'escalated');
    // The last minutes of fire's grace: its branch waits again, nothing recorded
    setClock('2026-09-17', '23:59:50');
    await nextWaits(1);
    const stillAwaited = (await store.get(caseNo))!;
    setClock('2026-09-18', '00:00:01');
    const execution = await sfn.waitForExecution(executionArn);

    // Assess
    expect(healthEscalated.jointTasks!.map((t) => [t.status, t.escalatedOn, t.graceUntil])).toEqual([
      ['escalated', '2026-09-14', '2026-09-15'],
      ['pending', undefined, '2026-09-17'],
    ]);
    expect(healthMissing.jointTasks!.map((t) => [t.status, t.missingOn ?? t.escalatedOn])).toEqual([
      ['missing', '2026-09-16'],
      ['escalated', '2026-09-16'],
    ]);
    expect(stillAwaited.jointTasks![1]!.status).toBe('escalated');
    expect(execution.status).toBe('SUCCEEDED');
    const final = (await store.get(caseNo))!;
    expect(final.status).toBe('opinions-complete');
    expect(final.jointTasks!.map((t) => [t.status, t.missingOn])).toEqual([
      ['missing', '2026-09-16'],
      ['missing', '2026-09-18'],
    ]);
    const history = await types(caseNo);
    expect(history.filter((t) => t === 'escalate:system')).toHaveLength(2);
    expect(history.filter((t) => t === 'record-missing:system')).toHaveLength(2);
    // A late opinion is refused now; the lead decides well within the statutory deadline (9 Nov), with
    // the missing opinions listed, and the sweep has nothing to mark.
    await expect(service.act(HEALTH, caseNo, { action: 'opinion', outcome: 'agree' })).rejects.toMatchObject({ code: 'CASE_ILLEGAL_TRANSITION' });
    const report = await new CaseSweep({ store, calendar: officialCalendar, now }).run([MARKET.departmentId!]);
    expect([report.markedOverdue, report.markedViolation]).toEqual([0, 0]);
    const decided = await service.act(MARKET, caseNo, { action: 'decide', outcome: 'denied', reasons: ['协办部门逾期未提出意见，申请材料不足以认定'] });
    expect(decided.decision!.opinions!.map((t) => t.status)).toEqual(['missing', 'missing']);
    expect(decided.supervision).toBeUndefined();
  });

  it('retries a step that fails once (with backoff), and a replayed step changes nothing', async () => {
    failNext = { step: 'dispatch', times: 1 };
    const { caseNo, executionArn } = await acceptedJointCase();
    await bothWaiting(caseNo);
    const dispatchCalls = calls.filter((c) => c.step === 'dispatch' && c.caseNo === caseNo);
    const before = await historyUpTo(store, caseNo, Infinity);
    const { jointHandler } = await import('../../functions/joint/handler.ts');
    const replay = await jointHandler({ now })({ step: 'dispatch', caseNo });

    await service.act(HEALTH, caseNo, { action: 'opinion', outcome: 'agree' });
    await service.act(FIRE, caseNo, { action: 'opinion', outcome: 'agree' });
    const execution = await sfn.waitForExecution(executionArn);

    expect(dispatchCalls).toHaveLength(2);
    expect(replay).toEqual({
      caseNo,
      // Each with what it does first: wait (at most JOINT_MAX_WAIT_SECONDS here).
      branches: [
        { caseNo, departmentId: HEALTH_ID, Payload: { next: 'wait', waitSeconds: 2 } },
        { caseNo, departmentId: FIRE_ID, Payload: { next: 'wait', waitSeconds: 2 } },
      ],
    });
    expect((await historyUpTo(store, caseNo, Infinity)).slice(0, before.length)).toEqual(before);
    expect(before.filter((e) => e.type === 'dispatch')).toHaveLength(1);
    expect(execution.status).toBe('SUCCEEDED');
    // The retry is a transition of its own: one more than the plain run above.
    expect(execution.stateTransitions).toBe(transitionsOf(caseNo) + 1);
  });

  it('a step that keeps failing is caught into JointHandlingFailed, and the case shows it', async () => {
    failNext = { step: 'dispatch', times: 100 };
    const { caseNo, executionArn } = await acceptedJointCase();
    const execution = await sfn.waitForExecution(executionArn);
    failNext = undefined;

    expect(execution).toMatchObject({ status: 'FAILED', error: 'JointHandlingFailed' });
    const state = (await store.get(caseNo))!;
    expect(state.jointFailure).toMatchObject({ error: 'Error', on: '2026-09-01' });
    expect(state.jointFailure!.cause).toContain('injected: the dispatch step crashed');
    expect(state.status).toBe('accepted');
    expect(await types(caseNo)).toEqual(['file', 'accept:market', 'joint-failed:system']);
  });

  it('the sweep starts the workflow of an accepted joint case that has none, and reports one whose execution ended without dispatching it', async () => {
    // Prepare: a case accepted without the service (so nothing started its workflow), and a case whose
    // execution failed so thoroughly that even its failure could not be recorded
    setClock('2026-09-01', '09:00:00');
    const materials = Object.fromEntries(JOINT.materials.filter((m) => m.required).map((m) => [m.name, upload(m.name)]));
    const app = { applicant: ZHANG, form: {}, materials };
    const ctx = (actor: typeof PORTAL) => ({ actor, at: now().toISOString(), today: '2026-09-01', calendar: officialCalendar });
    const quiet = await writeFiling(
      store,
      `joint-quiet-${++filed}`,
      fileCase({ caseNo: newCaseNo(now()), item: { code: JOINT.implementationCode, version: 1, guide: JOINT }, ...app }, ctx(PORTAL)),
      payloadDigest(app),
    );
    const accepted = applyCaseCommand(quiet.state, { action: 'accept' }, ctx(MARKET));
    await store.append(accepted.state, accepted.entry, quiet.state);
    failNext = { step: 'dispatch', times: 100 };
    failAlso = { step: 'fail', times: 100 };
    const broken = await acceptedJointCase();
    const brokenEnd = await sfn.waitForExecution(broken.executionArn);
    failNext = undefined;
    failAlso = undefined;
    const sweep = new CaseSweep({ store, calendar: officialCalendar, now, workflow: new SfnJointWorkflow(client, sfn.stateMachineArn(MACHINE)) });

    // Act
    const report = await sweep.run([MARKET.departmentId!]);
    const started = await bothWaiting(quiet.state.caseNo);

    // Assess: the quiet case is dispatched by its new execution; the broken one is reported (an alarm watches the count)
    expect(brokenEnd.status).toBe('FAILED');
    expect((await store.get(broken.caseNo))!.jointFailure).toBeUndefined();
    expect(report.jointStarted).toBe(1);
    expect(started.jointTasks!.map((t) => t.status)).toEqual(['pending', 'pending']);
    expect(report.failed).toEqual([{ caseNo: broken.caseNo, error: expect.stringContaining('ended without dispatching it') }]);
    // A second sweep finds the started case running: harmless
    expect((await sweep.run([MARKET.departmentId!])).failed.map((f) => f.caseNo)).toEqual([broken.caseNo]);
    await service.act(HEALTH, quiet.state.caseNo, { action: 'opinion', outcome: 'agree' });
    await service.act(FIRE, quiet.state.caseNo, { action: 'opinion', outcome: 'agree' });
    expect((await sfn.waitForExecution(`${sfn.stateMachineArn(MACHINE).replace(':stateMachine:', ':execution:')}:${jointExecutionName(quiet.state.caseNo)}`)).status).toBe(
      'SUCCEEDED',
    );
  });

  it('the wait step refuses to wait for a task that has already ended (an opinion that came before its token)', async () => {
    const { caseNo, executionArn } = await acceptedJointCase();
    await bothWaiting(caseNo);
    await service.act(HEALTH, caseNo, { action: 'opinion', outcome: 'agree' });
    const { jointHandler } = await import('../../functions/joint/handler.ts');

    const late = await jointHandler({ now })({ step: 'await', caseNo, departmentId: HEALTH_ID, taskToken: 'a-token-nobody-will-send' }).catch((e: unknown) => e);

    expect(late).toMatchObject({ name: 'JointTaskEnded' });
    await service.act(FIRE, caseNo, { action: 'opinion', outcome: 'agree' });
    expect((await sfn.waitForExecution(executionArn)).status).toBe('SUCCEEDED');
  });
});
