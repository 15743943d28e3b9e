// What the console needs to know of the platform it serves: read once from `./config.json` beside
// index.html. The embedded platform answers it from its own endpoints; the deployed site has the file
// the CDK stack writes. One shape for both (shared/contracts/console-settings.ts), so the screens never
// ask where they run.
import type { ConsoleSettings } from '../../contracts/console-settings.ts';

/** config.json as the console stack writes it and the embedded platform answers it: one schema for both. */
export type ConsoleConfig = ConsoleSettings;

let loaded: Promise<ConsoleConfig> | undefined;

export function consoleConfig(): Promise<ConsoleConfig> {
  loaded ??= fetch('./config.json', { cache: 'no-store' }).then(async (res) => {
    if (!res.ok) throw new Error(`config.json: HTTP ${res.status}`);
    const config = (await res.json()) as ConsoleConfig;
    return { ...config, apiEndpoint: config.apiEndpoint.replace(/\/+$/, '') };
  });
  return loaded;
}
