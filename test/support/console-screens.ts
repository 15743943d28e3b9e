// What every browser test of the console asserts of a screen it reaches: kept as a screenshot among
// the run's artefacts, and no serious or critical axe-core violation on it (console-browser.ts, which
// the benchmark also loads, stays free of the test runner).
import type { Page } from 'playwright-core';
import { expect } from 'vitest';
import { screenshot, seriousViolations } from './console-browser.ts';

/** Keeps the page as `screen`.png and expects no serious or critical axe-core violation on it, each named with where it is. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  await screenshot(page, screen);
  const violations = await seriousViolations(page);
  expect(violations.map((v) => `${screen}: ${v.id} (${v.impact}) ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`)).toEqual([]);
}
