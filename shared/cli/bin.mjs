#!/usr/bin/env node
// The `tongban` command in this repository (`npx tongban`): the CLI's TypeScript run through tsx, like
// the embedded platform. What users install is the bundle `npm run pack:cli` makes from the same entry.
import { register } from 'tsx/esm/api';

register();
await import('./command.ts');
