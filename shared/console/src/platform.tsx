// What every screen reads from: the console's configuration, the session and the signed API client.
import { createContext, useContext } from 'react';
import type { Api } from './api/client.ts';
import type { ConsoleConfig } from './config.ts';
import type { Session } from './session.ts';

export interface Platform {
  config: ConsoleConfig;
  session: Session;
  api: Api;
}

export const PlatformContext = createContext<Platform | undefined>(undefined);

export function usePlatform(): Platform {
  const platform = useContext(PlatformContext);
  if (!platform) throw new Error('usePlatform outside a signed-in console');
  return platform;
}
