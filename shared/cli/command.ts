// The `tongban` process: runs main() with the command line and exits with its code. The entry of the
// packed CLI (bundled by infra/cli-packaging.ts) and, through tsx, of `npx tongban` in this repository.
import { main } from './main.ts';

// Lambda runs Node 22; locally Node 20 is supported by this project, so the SDK need not warn about it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
// `tongban items list | head`: a reader that stops early is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
process.exitCode = await main(process.argv.slice(2));
