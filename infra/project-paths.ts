// Where the project is, and the banner every ESM bundle of it starts with: what the Lambda bundling
// (lambda-bundling.ts) and the CLI's packing (cli-packaging.ts) share, in a module that loads nothing
// else — importing lambda-bundling.ts makes the lean SDK clients' copies (lean-sdk-clients.ts), which
// the CLI's packing does not need.
import { fileURLToPath } from 'node:url';

/** The repository root (holds package.json, package-lock.json and functions/). */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Gives an ESM bundle a `require`, for CommonJS dependencies that call `require('node:…')` at run time (esbuild cannot rewrite those into imports). */
export const ESM_REQUIRE_BANNER = "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);";
