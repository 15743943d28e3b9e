// The web console in a real browser: Debian's Chromium (/usr/bin/chromium, which .ci/run installs
// when it is missing; TONGBAN_CHROMIUM names another) driven by playwright-core, started with no
// network beyond this machine. Each screen is checked for accessibility with axe-core and kept as a
// screenshot under test-results/console/ — the run's artefacts, left for people to look at.
import { existsSync } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { chromium } from 'playwright-core';

const ROOT = new URL('../..', import.meta.url).pathname;
export const SCREENSHOTS = join(ROOT, 'test-results', 'console');
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

export function chromiumPath(): string {
  const path = process.env.TONGBAN_CHROMIUM ?? '/usr/bin/chromium';
  if (!existsSync(path)) throw new Error(`no Chromium at ${path}: install Debian's chromium (apt-get install chromium; .ci/run does) or set TONGBAN_CHROMIUM`);
  return path;
}

export async function launchBrowser(): Promise<Browser> {
  await mkdir(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: chromiumPath(),
    // As root on a machine whose only network is loopback: no sandbox (root), and none of Chromium's
    // own background connections (updates, sync, safe browsing), which this machine refuses.
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--lang=zh-CN'],
  });
}

/** A fresh browser profile (its own sessionStorage) signed in to the console as `who` (an officer id, or a channel principal). */
export async function signedInPage(browser: Browser, endpoint: string, who: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(`${endpoint}/console/#/sign-in`);
  const option = page.locator('#who option').filter({ hasText: new RegExp(`^${who.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}[ （]`) });
  await page.locator('#who').selectOption({ value: (await option.first().getAttribute('value'))! });
  await page.getByRole('button', { name: '进入' }).click();
  await page.locator('header .who').waitFor();
  if (errors.length) throw new Error(`the console failed: ${errors.join('; ')}`);
  return { context, page };
}

export interface AxeViolation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: string[] }[];
}

/** axe-core's serious and critical violations on the page as it is now. */
export async function seriousViolations(page: Page): Promise<AxeViolation[]> {
  // Evaluated through the DevTools protocol: the page's Content Security Policy (no inline script)
  // stays on, as the console serves it.
  axeSource ??= await readFile(AXE, 'utf8');
  if (!(await page.evaluate('typeof window.axe === "object"'))) await page.evaluate(axeSource);
  const violations = await page.evaluate<AxeViolation[]>('window.axe.run(document, { resultTypes: ["violations"] }).then((r) => r.violations)');
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

let axeSource: string | undefined;

/** Keeps the page as `name`.png among the run's artefacts. */
export async function screenshot(page: Page, name: string): Promise<string> {
  const path = join(SCREENSHOTS, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
