#!/usr/bin/env node
// The `tongban` command. The CLI is TypeScript run through tsx, like the embedded platform.
import { register } from 'tsx/esm/api';

// Lambda runs Node 22; locally Node 20 is supported by this project, so the SDK need not warn about it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
// `tongban items list | head`: a reader that stops early is not an error.
process.stdout.on('error', (e) => {
  if (e.code === 'EPIPE') process.exit(0);
  throw e;
});
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
