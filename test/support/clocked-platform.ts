// The embedded platform in this process with a clock the test moves (10:00 in China on the day set),
// the schedules' timers off (the test runs the sweep and the other scheduled functions): for end-to-end tests of date rules.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import type { RunningPlatform } from '../../infra/local/platform.ts';
import { startPlatform } from '../../infra/local/platform.ts';

export interface ClockedPlatform {
  platform: RunningPlatform;
  dataDir: string;
  /** Moves the platform clock to `date` at `time` China time (default 10:00). */
  day(date: string, time?: string): void;
  stop(): Promise<void>;
}

export async function startClockedPlatform(prefix: string, startDay: string): Promise<ClockedPlatform> {
  process.env.POWERTOOLS_LOG_LEVEL = 'ERROR';
  let clock = new Date(`${startDay}T10:00:00+08:00`);
  const dataDir = await mkdtemp(join(tmpdir(), prefix));
  const platform = await startPlatform({ dataDir, port: 0, now: () => clock, scheduleIntervalMs: 0 });
  return {
    platform,
    dataDir,
    day: (date, time = '10:00:00') => {
      clock = new Date(`${date}T${time}+08:00`);
    },
    stop: async () => {
      await platform.close();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * The clocked platform of a test file: started before its tests, stopped after them. `platform` and
 * `dataDir` are read once it has started.
 */
export function useClockedPlatform(prefix: string, startDay: string): { readonly platform: RunningPlatform; readonly dataDir: string; day(date: string, time?: string): void } {
  let env: ClockedPlatform | undefined;
  beforeAll(async () => {
    env = await startClockedPlatform(prefix, startDay);
  });
  afterAll(async () => env?.stop());
  const started = () =>
    env ??
    (() => {
      throw new Error('the clocked platform has not started');
    })();
  return {
    get platform() {
      return started().platform;
    },
    get dataDir() {
      return started().dataDir;
    },
    day: (date, time) => started().day(date, time),
  };
}
