// DynamoDB writes per case transition, counted, not assumed: an in-process DynamoCaseStore on a
// dynalite of its own, whose client counts every write command it sends (PutItem, UpdateItem,
// DeleteItem, BatchWriteItem, TransactWriteItems; conditional writes that fail count too, as AWS bills
// them). Filings go through the case service (its catalogue and files in memory: only the case store
// sends commands); the actions' states are made by the real case lifecycle, as the service makes them.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { LOCAL_TABLES, ensureTables, startDynalite } from '../../infra/local/local-dynamodb.ts';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store.ts';
import type { Caller } from '../../shared/domain/access/caller.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import type { CaseCommand, CaseContext } from '../../shared/domain/cases/case-lifecycle.ts';
import { applyCaseCommand } from '../../shared/domain/cases/case-lifecycle.ts';
import { CaseService } from '../../shared/domain/cases/case-service.ts';
import { residentIdCheckChar } from '../../shared/domain/identifiers/resident-id.ts';
import { FOOD, MARKET, PORTAL } from '../support/case-fixtures.ts';
import { seededCatalogue } from '../support/memory-catalogue.ts';
import { MemoryMaterialVault } from '../support/memory-material-vault.ts';
import { realPdf } from '../support/pdf-fixtures.ts';
import { table } from './figures.ts';

// As `npm start` does: Node 20 is supported by this project, so the SDK need not warn about it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const WRITES = new Set(['PutItemCommand', 'UpdateItemCommand', 'DeleteItemCommand', 'BatchWriteItemCommand', 'TransactWriteItemsCommand']);

export async function countCaseWrites(): Promise<void> {
  const dynamo = await startDynalite(undefined);
  const raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const sent = new Map<string, number>();
  // The document client shares this stack: every command it sends passes here once (retries do not).
  raw.middlewareStack.add(
    (next, context) => async (args) => {
      sent.set(context.commandName!, (sent.get(context.commandName!) ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'benchCountCommands' },
  );
  try {
    await ensureTables(raw, LOCAL_TABLES);
    const db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
    let clock = new Date('2026-11-23T02:00:00.000Z'); // Monday 23 November 2026, 10:00 in China
    const store = new DynamoCaseStore(db, LOCAL_TABLES.cases);
    const vault = new MemoryMaterialVault();
    const { items } = await seededCatalogue(() => new Date('2026-09-01T02:00:00.000Z'));
    const service = new CaseService({ store, items, materials: vault, calendar: officialCalendar, now: () => clock });
    const at = (minute: number) => (clock = new Date(`2026-11-23T02:${String(minute).padStart(2, '0')}:00.000Z`));
    const on = (actor: Caller, minute: number): CaseContext => ({ actor, at: at(minute).toISOString(), today: '2026-11-23', calendar: officialCalendar });

    /** What `run` sent: writes, and every command by name. */
    const measure = async (run: () => Promise<unknown>) => {
      sent.clear();
      await run();
      const all = [...sent.entries()];
      return {
        writes: all.filter(([name]) => WRITES.has(name)).reduce((n, [, k]) => n + k, 0),
        commands: all.map(([name, k]) => `${k} ${name.replace(/Command$/, '')}`).join(', '),
      };
    };

    const first17 = '53010219800101001';
    const request = {
      itemCode: FOOD.implementationCode,
      applicant: { kind: 'person' as const, residentId: `${first17}${residentIdCheckChar(first17)}`, name: '张三', phone: '13800138000' },
      form: { 经营场所面积: 120 },
      materials: Object.fromEntries(FOOD.materials.filter((m) => m.required).map((m, i) => [m.name, vault.upload(PORTAL.channelId!, realPdf(`bench material ${i}`))])),
    };
    let caseNo = '';
    const file = async () => {
      at(0);
      caseNo = (await service.file(PORTAL, 'bench-writes-1', request)).caseNo;
    };
    // As the case service acts: read the case, apply the command, record it.
    const act = (command: CaseCommand, minute: number) => async () => {
      const current = await store.get(caseNo);
      const next = applyCaseCommand(current!, command, on(MARKET, minute));
      await store.append(next.state, next.entry, current!);
    };

    const rows: string[][] = [];
    const row = (label: string, m: { writes: number; commands: string }) => rows.push([label, String(m.writes), m.commands]);
    row('file (new case)', await measure(file));
    row('accept', await measure(act({ action: 'accept' }, 1)));
    row('pause', await measure(act({ action: 'pause', procedure: 'site-inspection', reason: '核查经营场所', expectedDays: 10 }, 2)));
    row('resume', await measure(act({ action: 'resume' }, 3)));
    row('decide', await measure(act({ action: 'decide', outcome: 'approved' }, 4)));
    row('file again (replay, same key)', await measure(file));
    console.log('\nDynamoDB writes per case transition (counted on DynamoCaseStore against dynalite; the action rows include the read of the case)');
    table(rows, ['', 'writes', 'commands sent']);
  } finally {
    raw.destroy();
    await dynamo.close();
  }
}
