// The web console's figures of issue 20 (a process of its own: `node --import tsx test/bench/console.ts`):
//   - its download: each built file, raw and gzip; what the first screen loads (index.html, the entry
//     script, the style sheet) apart from what loads only when a screen needs it (lazy chunks);
//   - the build's time (Vite, from nothing);
//   - its time to interactive on the embedded platform, in Debian's Chromium with an empty cache each
//     time (a new browser context): from navigation to the sign-in's choices being there (config.json
//     and the local credentials read), and from signing in as a department's officer to its queue
//     shown (the first signed API answer rendered); and, on a platform started with the federated
//     sign-in (TONGBAN_SIGN_IN=oidc's stand-ins), from the officer's choice at the identity provider's
//     page to its queue shown (the code exchanged, STS, GET /v1/me, the queue). BENCH_CONSOLE_RUNS
//     (default 10) each.
// Figures, never assertions.
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { buildConsole, consoleDist } from '../../infra/console-build.ts';
import { startPlatform } from '../../infra/local/platform.ts';
import { launchBrowser } from '../support/console-browser.ts';
import { startPlatformProcess } from '../support/platform-process.ts';
import { percentiles, table } from './figures.ts';

const RUNS = Number(process.env.BENCH_CONSOLE_RUNS ?? 10);

export async function benchConsole(): Promise<void> {
  console.log('\n— the web console (issue 20) —');
  const scratch = await mkdtemp(join(tmpdir(), 'tongban-bench-console-'));
  try {
    const t0 = performance.now();
    await buildConsole(join(scratch, 'dist'));
    console.log(`build (Vite, from nothing): ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    await sizes(join(scratch, 'dist'));
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  await consoleDist();
  await timeToInteractive();
  await federatedSignIn();
}

async function sizes(dist: string): Promise<void> {
  const index = await readFile(join(dist, 'index.html'), 'utf8');
  const initial = new Set([...index.matchAll(/(?:src|href)="\.\/(assets\/[^"]+)"/g)].map((m) => m[1]!));
  const rows: string[][] = [];
  let first = gzipSync(index).length;
  let rest = 0;
  for (const name of (await readdir(join(dist, 'assets'))).sort()) {
    const bytes = await readFile(join(dist, 'assets', name));
    const gz = gzipSync(bytes, { level: 9 }).length;
    const loaded = initial.has(`assets/${name}`);
    if (loaded) first += gz;
    else rest += gz;
    rows.push([name, (await stat(join(dist, 'assets', name))).size.toLocaleString('en'), gz.toLocaleString('en'), loaded ? 'first screen' : 'when a screen needs it']);
  }
  table(rows, ['file', 'bytes', 'gzip', 'loaded']);
  console.log(`download, gzip: ${first.toLocaleString('en')} B for the first screen (index.html and every file it loads); ${rest.toLocaleString('en')} B more loaded on demand`);
}

async function timeToInteractive(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tongban-bench-console-platform-'));
  const platform = await startPlatform({ dataDir: dir, port: 0, scheduleIntervalMs: 0 });
  const browser = await launchBrowser();
  try {
    const signInReady: number[] = [];
    const queueShown: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const context = await browser.newContext({ locale: 'zh-CN' });
      const page = await context.newPage();
      await page.goto(`${platform.endpoint}/console/#/sign-in`);
      await page.locator('#who option').nth(1).waitFor({ state: 'attached' });
      const ready = await page.evaluate<number>('performance.now()');
      await page.locator('#who').selectOption({ value: 'market/market.zhang' });
      const clicked = await page.evaluate<number>('performance.now()');
      await page.getByRole('button', { name: '进入' }).click();
      await page.locator('main table').or(page.getByText('此状态下没有办件。')).first().waitFor();
      const shown = await page.evaluate<number>('performance.now()');
      // The first run warms the platform's functions and the build: not counted.
      if (i > 0) {
        signInReady.push(ready);
        queueShown.push(shown - clicked);
      }
      await context.close();
    }
    table(
      [
        ['navigation → sign-in ready', ...percentiles(signInReady)],
        ['sign in → queue shown (signed API)', ...percentiles(queueShown)],
      ],
      ['time to interactive, empty cache', 'p50', 'p95', 'p99', 'max'],
    );
  } finally {
    await browser.close();
    await platform.close();
    await rm(dir, { recursive: true, force: true });
  }
}

async function federatedSignIn(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tongban-bench-console-oidc-'));
  // `npm start`'s command in a process of its own: the handlers of this one still address the first platform's stand-ins.
  const platform = await startPlatformProcess(dir, undefined, 60_000, { TONGBAN_SIGN_IN: 'oidc', TONGBAN_SWEEP_INTERVAL_SECONDS: '0' });
  const browser = await launchBrowser();
  try {
    const signedIn: number[] = [];
    for (let i = 0; i < RUNS + 1; i++) {
      const context = await browser.newContext({ locale: 'zh-CN' });
      const page = await context.newPage();
      await page.goto(`${platform.endpoint}/console/#/sign-in`);
      await page.getByRole('button', { name: '统一身份认证登录' }).click();
      await page.getByLabel('market.zhang —').check();
      const chosen = Date.now();
      await page.getByRole('button', { name: '登录' }).click();
      await page.locator('main table').or(page.getByText('此状态下没有办件。')).first().waitFor();
      // Wall time: the page navigates between the two instants (the provider's page, then the console's).
      if (i > 0) signedIn.push(Date.now() - chosen);
      await context.close();
    }
    table([['officer chosen at the provider → queue shown', ...percentiles(signedIn)]], ['federated sign-in (OIDC + STS stand-ins)', 'p50', 'p95', 'p99', 'max']);
  } finally {
    await browser.close();
    await platform.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await benchConsole();
