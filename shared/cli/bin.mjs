#!/usr/bin/env node
// The `tongban` command. The CLI is TypeScript run through tsx, like the embedded platform.
import { register } from 'tsx/esm/api';

// Lambda runs Node 22; locally Node 20 is supported by this project, so the SDK need not warn about it.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
register();
const { main } = await import('./main.ts');
process.exitCode = await main(process.argv.slice(2));
