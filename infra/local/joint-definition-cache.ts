// The joint-handling definition the embedded platform runs, kept in its data directory between
// starts. Synthesising it (infra/constructs/joint-definition.ts) means loading aws-cdk-lib and
// validating the result with the engine: about 2 s of every start. So the definition is kept with a
// fingerprint of everything it is made from — the construct's and the contract's source text, the
// versions of aws-cdk-lib and aws-local-stepfunctions, the function ARN — and synthesised again
// whenever any of them changed. A kept definition is the one `cdk synth` would produce from the same
// sources; a test checks that the fingerprint covers every module the construct imports.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The sources the definition is built from, relative to the repository root. */
export const JOINT_DEFINITION_SOURCES = [
  'infra/constructs/joint-handling.ts',
  'infra/constructs/occurrence-alarm.ts',
  'infra/constructs/joint-definition.ts',
  'shared/contracts/joint-workflow.ts',
] as const;
/** The packages whose code builds or judges it (as installed: npm's flat node_modules). */
export const JOINT_DEFINITION_PACKAGES = ['aws-cdk-lib', 'constructs', 'aws-local-stepfunctions'] as const;

/** The file in the data directory. */
export const JOINT_DEFINITION_FILE = 'joint-definition.json';

export async function definitionFingerprint(functionArn: string): Promise<string> {
  const hash = createHash('sha256').update(`function ${functionArn}\n`);
  for (const source of JOINT_DEFINITION_SOURCES) hash.update(`${source}\n`).update(await readFile(join(ROOT, source)));
  for (const pkg of JOINT_DEFINITION_PACKAGES) {
    const manifest = JSON.parse(await readFile(join(ROOT, 'node_modules', pkg, 'package.json'), 'utf8')) as { version: string };
    hash.update(`${pkg}@${manifest.version}\n`);
  }
  return hash.digest('hex');
}

/** The definition a kept file holds for `fingerprint`, or undefined (another fingerprint, or not a kept definition). */
export function keptDefinition(text: string | undefined, fingerprint: string): object | undefined {
  try {
    const kept = JSON.parse(text ?? '') as { fingerprint?: unknown; definition?: unknown };
    return kept.fingerprint === fingerprint && typeof kept.definition === 'object' && kept.definition !== null ? kept.definition : undefined;
  } catch {
    return undefined;
  }
}

/** What is kept: the definition with its fingerprint. */
export function definitionRecord(fingerprint: string, definition: object): string {
  return JSON.stringify({ fingerprint, definition });
}
