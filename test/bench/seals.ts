// The e-seal and e-licence figures of issue 5, on the embedded platform (in process, so the KMS
// requests its functions send can be counted at their client), every API call signed over HTTP. Run
// in a process of its own (`node --import tsx test/bench/seals.ts`; run.ts does): the functions'
// AWS clients are built once per process, for the first embedded platform started in it.
//   - KMS requests per decided case, by kind of case (approval with an e-licence, denial), counted at
//     the shared KMS client the sealing function uses (expected: one Sign per sealed document);
//   - the size of a sealed licence: its document, its seal, and the licence as GET /v1/licences answers;
//   - seals per second: the seal alone (sealDocument through the local KMS signer over its wire
//     protocol) one at a time and at a concurrency of 8, and a decision's whole round trip (decide →
//     sealed answer) one case at a time;
//   - a licence's correction (000 §30): POST /v1/licences/{id}/amend → the new version sealed and
//     answered, one at a time (BENCH_SEAL_RUNS corrections of one licence), and its KMS requests.
import { actingKeys } from '../support/acting-keys.ts';
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { RunningPlatform } from '../../infra/local/platform.ts';
import { startPlatform } from '../../infra/local/platform.ts';
import { SEED_ITEMS } from '../../infra/local/seed-data.ts';
import { kmsClient } from '../../shared/adapters/aws-clients.ts';
import { KmsSealSigner } from '../../shared/adapters/kms-seal-signer.ts';
import { ApiClient } from '../../shared/cli/api-client.ts';
import { makeCreditCode } from '../../shared/domain/identifiers/credit-code.ts';
import { canonicalize } from '../../shared/domain/seals/jcs.ts';
import { sealDocument } from '../../shared/domain/seals/seal.ts';
import { upload } from './cases.ts';
import { percentiles, table, timeConcurrent } from './figures.ts';

const RUNS = Number(process.env.BENCH_SEAL_RUNS ?? 30);
const SEALS = Number(process.env.BENCH_SEALS ?? 300);
const REGISTRATION = SEED_ITEMS.find((g) => g.resultLicenceType === 'YYZZ')!;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

export async function benchSeals(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tongban-bench-seals-'));
  const platform = await startPlatform({ dataDir, port: 0, scheduleIntervalMs: 0 });
  // Every KMS request of this process's functions goes through this one client.
  const kmsCalls = new Map<string, number>();
  kmsClient().middlewareStack.add(
    (next, context) => (args) => {
      kmsCalls.set(context.commandName ?? '?', (kmsCalls.get(context.commandName ?? '?') ?? 0) + 1);
      return next(args);
    },
    { step: 'initialize', name: 'benchCountKmsCalls' },
  );
  try {
    const as = (name: string) => {
      const p = actingKeys(platform.credentials, name);
      return new ApiClient({ endpoint: platform.endpoint, region: platform.credentials.region, credentials: { accessKeyId: p.accessKeyId, secretAccessKey: p.secretAccessKey } });
    };

    // 1. KMS requests per decided case, and the round trip of a decision
    const rows: string[][] = [];
    const roundTrips: number[] = [];
    let licenceId = '';
    for (const outcome of ['approved', 'denied'] as const) {
      let calls = 0;
      for (let i = 0; i < RUNS; i++) {
        const caseNo = await acceptedCase(platform, as, i + (outcome === 'denied' ? RUNS : 0));
        kmsCalls.clear();
        const t = performance.now();
        const decided = await as('market').request('POST', `/v1/cases/${caseNo}/decide`, {
          body: outcome === 'approved' ? { outcome, licence: { data: { 住所: '昆明市呈贡区示例路1号', 注册资本: '100万元' } } } : { outcome, reasons: ['名称与已登记企业重复'] },
        });
        roundTrips.push(performance.now() - t);
        const body = decided.body as Json;
        if (decided.status !== 200 || !body.results) throw new Error(`decide answered ${decided.status} ${JSON.stringify(body).slice(0, 300)}`);
        licenceId ||= body.results.licenceId ?? '';
        calls += [...kmsCalls.values()].reduce((a, b) => a + b, 0);
        if (i === 0)
          rows.push([outcome === 'approved' ? 'approved (decision + e-licence)' : 'denied (decision only)', [...kmsCalls].map(([c, n]) => `${c} ×${n}`).join(', ') || 'none']);
      }
      rows[rows.length - 1]!.push((calls / RUNS).toFixed(2));
    }
    console.log(`\nE-seals: KMS requests per decided case (${RUNS} cases each, counted at the sealing function's KMS client)`);
    table(rows, ['case', 'requests of the first case', 'mean per case']);

    // 2. Size of a sealed licence
    const view = await as('market').request('GET', `/v1/licences/${licenceId}`);
    const v = view.body as Json;
    const seal = JSON.stringify(v.seal);
    console.log('\nE-licence: size of a sealed licence (营业执照 with two data fields)');
    table(
      [
        ['document (canonical JSON, UTF-8)', String(Buffer.byteLength(v.document))],
        ['seal (flattened detached JWS: protected header + signature)', String(Buffer.byteLength(seal))],
        ['GET /v1/licences/{id} answer (licence, status, document, seal)', String(Buffer.byteLength(JSON.stringify(v)))],
      ],
      ['what', 'bytes'],
    );

    // 2b. The licence corrected (after its size is taken): the cases function records it, the sealing function seals the next version
    const amendTimes: number[] = [];
    const amendCalls = new Map<string, number>();
    for (let i = 0; i < RUNS; i++) {
      kmsCalls.clear();
      const t = performance.now();
      const amended = await as('market').request('POST', `/v1/licences/${licenceId}/amend`, {
        body: { changes: { data: { 住所: `昆明市呈贡区示例路${i + 2}号` } }, reasons: '住所录入有误，依申请更正', baseVersion: i + 1 },
      });
      amendTimes.push(performance.now() - t);
      if (amended.status !== 200 || (amended.body as Json).licence.version !== i + 2)
        throw new Error(`amend answered ${amended.status} ${JSON.stringify(amended.body).slice(0, 300)}`);
      for (const [c, n] of kmsCalls) amendCalls.set(c, (amendCalls.get(c) ?? 0) + n);
    }

    // 3. Seals per second
    const directory = (await import('../../shared/adapters/dynamo-directory.ts')).DynamoDirectory;
    const { dynamoDocumentClient } = await import('../../shared/adapters/aws-clients.ts');
    const key = ((await new directory(dynamoDocumentClient(), process.env.DIRECTORY_TABLE!).load()).seals ?? [])[0]!;
    const signer = new KmsSealSigner(kmsClient());
    const doc = Buffer.from(v.document);
    const sealOne = () => sealDocument(doc, { keyId: key.keyId, alg: key.alg, department: key.department, seal: key.seal, sealedAt: new Date().toISOString() }, signer);
    const large = Buffer.from(canonicalize({ ...JSON.parse(v.document), data: { 经营范围: '餐饮服务'.repeat(600) } }));
    const sealLarge = () => sealDocument(large, { keyId: key.keyId, alg: key.alg, department: key.department, seal: key.seal, sealedAt: new Date().toISOString() }, signer);
    const rate = async (label: string, concurrency: number, fn: () => Promise<unknown>) => {
      const { times, ms } = await timeConcurrent(
        concurrency,
        (i) => i < SEALS,
        async () => void (await fn()),
      );
      return [label, String(concurrency), (SEALS / (ms / 1000)).toFixed(0), ...percentiles(times).slice(0, 2)];
    };
    console.log(`\nE-seals per second on the embedded platform (${SEALS} seals each; the local KMS signer over its wire protocol)`);
    table(
      [
        await rate(`seal ${doc.length} B licence (RAW)`, 1, sealOne),
        await rate(`seal ${doc.length} B licence (RAW)`, 8, sealOne),
        await rate(`seal ${large.length} B document (DIGEST)`, 8, sealLarge),
        ['decide → sealed answer (whole request)', '1', (1000 / Number(percentiles(roundTrips)[0])).toFixed(0), ...percentiles(roundTrips).slice(0, 2)],
        [
          `amend a licence → version sealed (whole request; KMS per amendment: ${[...amendCalls].map(([c, n]) => `${c} ×${(n / RUNS).toFixed(2)}`).join(', ')})`,
          '1',
          (1000 / Number(percentiles(amendTimes)[0])).toFixed(0),
          ...percentiles(amendTimes).slice(0, 2),
        ],
      ],
      ['what', 'concurrency', 'per second', 'p50 ms', 'p95 ms'],
    );
  } finally {
    await platform.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

/** A company registration filed by the portal and accepted by the market department; answers its case number. */
async function acceptedCase(platform: RunningPlatform, as: (name: string) => ApiClient, i: number): Promise<string> {
  const materials: Json = {};
  for (const m of REGISTRATION.materials.filter((x) => x.required)) materials[m.name] = await upload(as('portal'), `${m.name} ${randomUUID()}`);
  const applicant = {
    kind: 'organisation',
    creditCode: makeCreditCode('91530100', String(20000000 + i)),
    name: `基准测试公司${i}`,
    contact: { name: '王五', phone: '0871-6543210' },
  };
  const filed = await as('portal').request('POST', '/v1/cases', {
    headers: { 'Idempotency-Key': randomUUID() },
    body: { itemCode: REGISTRATION.implementationCode, applicant, form: {}, materials },
  });
  if (filed.status !== 201) throw new Error(`filing answered ${filed.status} ${JSON.stringify(filed.body).slice(0, 300)} (${platform.endpoint})`);
  const caseNo = (filed.body as Json).caseNo as string;
  const accepted = await as('market').request('POST', `/v1/cases/${caseNo}/accept`, { body: {} });
  if (accepted.status !== 200) throw new Error(`accept answered ${accepted.status}`);
  return caseNo;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  await benchSeals();
}
