// `npm start`: the embedded platform on 127.0.0.1:3000 (PORT overrides), data under ./.tongban
// (TONGBAN_DATA_DIR overrides). TONGBAN_CLOCK_START=<ISO instant> starts the platform clock at that
// instant (it then runs at normal speed): for demonstrations and tests of date rules; signatures are
// still checked against real time. TONGBAN_SWEEP_INTERVAL_SECONDS sets how often the scheduled functions
// run — the case sweep, the anchoring, the statistics publication — (default 60; 0 turns their timers off). TONGBAN_SEAL_KEY_SPEC=SM2 gives departments that have no seal
// yet an SM2 seal key (SM2-SM3, as in the China regions) instead of ECC_NIST_P256 (ES256).
// TONGBAN_SIGN_IN=oidc signs the console's people in as on AWS — through stand-ins of the government's
// identity provider (OpenID Connect) and of STS — instead of offering the principals' key pairs.
import { relative } from 'node:path';
import { chinaDate, officialCalendar } from '../../shared/domain/calendar/official-calendar.ts';
import { DEFAULT_PORT, PlatformStartError, startPlatform } from './platform.ts';

// Lambda runs Node 22; locally Node 20 is supported by this project, so the SDK need not warn about it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
const port = process.env.PORT ? Number(process.env.PORT) : DEFAULT_PORT;
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`PORT must be a port number (0-65535), got ${process.env.PORT}`);
  process.exit(2);
}

const clockStart = process.env.TONGBAN_CLOCK_START ? Date.parse(process.env.TONGBAN_CLOCK_START) : undefined;
if (clockStart !== undefined && Number.isNaN(clockStart)) {
  console.error(`TONGBAN_CLOCK_START must be an ISO 8601 instant, got ${process.env.TONGBAN_CLOCK_START}`);
  process.exit(2);
}
const sweepSeconds = process.env.TONGBAN_SWEEP_INTERVAL_SECONDS;
if (sweepSeconds !== undefined && !/^\d+$/.test(sweepSeconds)) {
  console.error(`TONGBAN_SWEEP_INTERVAL_SECONDS must be a whole number of seconds (0 turns the schedules' timers off), got ${sweepSeconds}`);
  process.exit(2);
}
const sealKeySpec = process.env.TONGBAN_SEAL_KEY_SPEC;
if (sealKeySpec !== undefined && sealKeySpec !== 'ECC_NIST_P256' && sealKeySpec !== 'SM2') {
  console.error(`TONGBAN_SEAL_KEY_SPEC must be ECC_NIST_P256 or SM2, got ${sealKeySpec}`);
  process.exit(2);
}
const signIn = process.env.TONGBAN_SIGN_IN;
if (signIn !== undefined && signIn !== 'local' && signIn !== 'oidc') {
  console.error(`TONGBAN_SIGN_IN must be local or oidc, got ${signIn}`);
  process.exit(2);
}
const now =
  clockStart === undefined
    ? undefined
    : (
        (offset) => () =>
          new Date(Date.now() + offset)
      )(clockStart - Date.now());

try {
  const platform = await startPlatform({
    dataDir: process.env.TONGBAN_DATA_DIR ?? '.tongban',
    port,
    ...(now ? { now } : {}),
    ...(sweepSeconds !== undefined ? { scheduleIntervalMs: Number(sweepSeconds) * 1000 } : {}),
    ...(sealKeySpec !== undefined ? { sealKeySpec } : {}),
    ...(signIn !== undefined ? { signIn } : {}),
  });
  const names = Object.entries(platform.credentials.principals)
    .map(([name, p]) => `${name} (${p.role}${p.officers ? `; --officer ${Object.keys(p.officers).join('|')}` : ''})`)
    .join(', ');
  console.log(
    [
      `Tongban is ready on ${platform.endpoint}  (${Math.round(performance.now())} ms after the process started${platform.seeded ? ', sample data seeded' : ''})`,
      `console:     ${platform.endpoint}/console/ (the web workbench: ${signIn === 'oidc' ? "sign in through the identity provider's stand-in" : "sign in as any principal's officer"})`,
      `credentials: ${relative(process.cwd(), platform.credentialsPath) || platform.credentialsPath}`,
      `principals:  ${names}`,
      `workflows:   ${platform.stepFunctions.endpoint} (Step Functions stand-in; joint handling: ${platform.jointStateMachineArn})`,
      `seal keys:   ${platform.endpoint}/v1/.well-known/jwks.json (public; verify offline: npx tongban verify <document> <seal> --jwks <file>)`,
      `try:         npx tongban items list --as portal${process.env.TONGBAN_DATA_DIR ? ` --credentials ${relative(process.cwd(), platform.credentialsPath) || platform.credentialsPath}` : ''}`,
      ...calendarNotice((now ?? (() => new Date()))()),
    ].join('\n'),
  );
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`${signal}: stopping`);
    platform.close().then(
      () => process.exit(0),
      (e: unknown) => {
        console.error(e);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (e) {
  const err = e as NodeJS.ErrnoException;
  if (err.code === 'EADDRINUSE') console.error(`port ${port} is in use: stop the other process or set PORT`);
  else if (e instanceof PlatformStartError) console.error(e.message);
  else console.error(e);
  process.exit(1);
}

/** Says so when deadlines will soon reach a year whose official arrangement is not loaded yet. */
function calendarNotice(today: Date): string[] {
  const day = chinaDate(today);
  const until = officialCalendar.loadedUntil(day);
  const horizon = chinaDate(new Date(today.getTime() + 60 * 24 * 3600 * 1000));
  if (until !== undefined && horizon <= until) return [];
  return [
    until === undefined
      ? `calendar:    the official holiday arrangement of ${day.slice(0, 4)} is not loaded: dates are counted provisionally on its statutory holidays`
      : `calendar:    official holiday data ends on ${until}; dates beyond it are counted provisionally on the statutory holidays`,
    `             (marked provisional, never used to mark a case late) until the year is added (shared/domain/calendar/README.md)`,
  ];
}
