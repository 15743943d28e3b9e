// Issue 15's figures for a big case: the bytes its items take in the cases table after 100 actions
// (a 60 KB form of Chinese text, accepted, paused and resumed 49 times, decided), and the peak memory
// of 8 parallel reads of its whole history as the API reads it (the case service, page after page),
// sampled from this process, which also runs the dynalite it reads from (as `npm start` does).
import { DynamoDBClient, QueryCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
import { LOCAL_TABLES, ensureTables, startDynalite } from '../../infra/local/local-dynamodb.ts';
import { itemBytes } from '../../shared/adapters/case-items.ts';
import { DynamoCaseStore } from '../../shared/adapters/dynamo-case-store.ts';
import { officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import type { CaseCommand } from '../../shared/domain/cases/case-lifecycle.ts';
import { CaseService } from '../../shared/domain/cases/case-service.ts';
import { residentIdCheckChar } from '../../shared/domain/identifiers/resident-id.ts';
import { FOOD, MARKET, PORTAL } from '../support/case-fixtures.ts';
import { seededCatalogue } from '../support/memory-catalogue.ts';
import { MemoryMaterialVault } from '../support/memory-material-vault.ts';
import { realPdf } from '../support/pdf-fixtures.ts';
import { table } from './figures.ts';

process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const FORM_CHARS = 20_000; // 60,000 bytes in UTF-8
const CYCLES = 49;
const READERS = 8;

export async function benchCaseSize(): Promise<void> {
  const dynamo = await startDynalite(undefined);
  const raw = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'cn-north-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  try {
    await ensureTables(raw, LOCAL_TABLES);
    const db = DynamoDBDocumentClient.from(raw, { marshallOptions: { removeUndefinedValues: true } });
    const store = new DynamoCaseStore(db, LOCAL_TABLES.cases);
    const vault = new MemoryMaterialVault();
    const { items } = await seededCatalogue(() => new Date('2026-09-01T02:00:00.000Z'));
    let minute = 0;
    // Every action a minute after the one before, on Monday 23 November 2026 (China time).
    const now = () => new Date(Date.UTC(2026, 10, 23, 2, 0) + minute++ * 60_000);
    const service = new CaseService({ store, items, materials: vault, calendar: officialCalendar, now });
    const first17 = '53010219800101001';
    const { caseNo } = await service.file(PORTAL, 'bench-size-1', {
      itemCode: FOOD.implementationCode,
      applicant: { kind: 'person' as const, residentId: `${first17}${residentIdCheckChar(first17)}`, name: '张三', phone: '13800138000' },
      form: { 经营场所面积: 120, 经营项目说明: '食'.repeat(FORM_CHARS) },
      materials: Object.fromEntries(FOOD.materials.filter((m) => m.required).map((m, i) => [m.name, vault.upload(PORTAL.channelId!, realPdf(`bench material ${i}`))])),
    });
    const act = (command: CaseCommand) => service.act(MARKET, caseNo, command);
    await act({ action: 'accept' });
    for (let i = 0; i < CYCLES; i++) {
      await act({ action: 'pause', procedure: 'site-inspection', reason: `第${i + 1}次现场核查`, expectedDays: 5 });
      await act({ action: 'resume' });
    }
    await act({ action: 'decide', outcome: 'denied', reasons: ['经营场所不符合要求'] });

    // Every item of the case, as the table holds it.
    const sizes: { sk: string; bytes: number }[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await raw.send(
        new QueryCommand({
          TableName: LOCAL_TABLES.cases,
          KeyConditionExpression: 'pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: `CASE#${caseNo}` } },
          ...(start ? { ExclusiveStartKey: start as never } : {}),
        }),
      );
      for (const item of out.Items ?? []) sizes.push({ sk: item.sk!.S!, bytes: itemBytes(unmarshall(item)) });
      start = out.LastEvaluatedKey;
    } while (start);
    const entries = sizes.filter((s) => s.sk.startsWith('EVT#'));
    const sum = (xs: { bytes: number }[]) => xs.reduce((n, x) => n + x.bytes, 0);
    const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`;

    // 8 parallel reads of the whole history, as the API's history route reads it.
    const readAll = async () => {
      let entriesRead = 0;
      for (let cursor: string | undefined, first = true; first || cursor; first = false) {
        const page = await service.history(MARKET, caseNo, cursor ? { limit: 100, cursor } : { limit: 100 });
        entriesRead += page.entries.length;
        cursor = page.nextCursor;
      }
      return entriesRead;
    };
    await readAll(); // warm
    global.gc?.();
    const base = process.memoryUsage();
    let peakRss = base.rss;
    let peakHeap = base.heapUsed;
    const sampler = setInterval(() => {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      peakHeap = Math.max(peakHeap, m.heapUsed);
    }, 2);
    const t0 = performance.now();
    const read = await Promise.all(Array.from({ length: READERS }, readAll));
    const ms = performance.now() - t0;
    clearInterval(sampler);
    const mb = (n: number) => `${(n / 1024 / 1024).toFixed(1)} MB`;

    console.log(
      `\nA big case (issue 15): a ${FORM_CHARS.toLocaleString()}-character form (${kb(Buffer.byteLength('食'.repeat(FORM_CHARS)))} UTF-8), 100 actions (accept, ${CYCLES} pauses and resumes, decide); items counted as UTF-8 JSON`,
    );
    table(
      [
        ['history entries', String(entries.length)],
        ['bytes per entry item, mean', kb(sum(entries) / entries.length)],
        ['bytes per entry item, largest', kb(Math.max(...entries.map((e) => e.bytes)))],
        ['bytes of the case (all its items)', kb(sum(sizes))],
        [`${READERS} parallel history reads: entries read`, read.join(' ')],
        [`${READERS} parallel history reads: time`, `${ms.toFixed(0)} ms`],
        [`${READERS} parallel history reads: peak RSS over the start (this process, dynalite included)`, mb(peakRss - base.rss)],
        [`${READERS} parallel history reads: peak JS heap over the start`, mb(peakHeap - base.heapUsed)],
      ],
      ['', ''],
    );
  } finally {
    raw.destroy();
    await dynamo.close();
  }
}
