// The embedded platform keeps the synthesised joint-handling definition between starts, under a
// fingerprint of what it is made from: the fingerprint must cover every module and package the
// construct is built from, or a change to one of them would run a stale definition.
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { JOINT_DEFINITION_PACKAGES, JOINT_DEFINITION_SOURCES, definitionFingerprint, definitionRecord, keptDefinition } from '../../infra/local/joint-definition-cache.ts';

const ROOT = new URL('../..', import.meta.url).pathname;
const ARN = 'arn:aws-cn:lambda:cn-north-1:000000000000:function:tongban-local-joint';

/** What a source file imports (static imports, types included: a type can change the definition's shape). */
function importsOf(source: string): string[] {
  const text = readFileSync(join(ROOT, source), 'utf8');
  return [...text.matchAll(/^import\s[^;]*?from\s+'([^']+)';/gms)].map((m) => m[1]!);
}

describe('the kept joint-handling definition', () => {
  it('is fingerprinted over every module and package the construct and its synthesis import', () => {
    for (const source of JOINT_DEFINITION_SOURCES) {
      for (const spec of importsOf(source)) {
        if (spec.startsWith('.')) {
          expect(JOINT_DEFINITION_SOURCES, `${source} imports ${spec}`).toContain(relative(ROOT, join(ROOT, dirname(source), spec)));
        } else if (!spec.startsWith('node:')) {
          const pkg = spec.split('/')[0]!;
          expect(JOINT_DEFINITION_PACKAGES as readonly string[], `${source} imports ${spec}`).toContain(pkg);
        }
      }
    }
    // The scan itself works: the construct imports the contract and aws-cdk-lib.
    expect(importsOf('infra/constructs/joint-handling.ts')).toEqual(expect.arrayContaining(['aws-cdk-lib', '../../shared/contracts/joint-workflow.ts']));
  });

  it('changes with the function ARN, and is stable otherwise', async () => {
    const a = await definitionFingerprint(ARN);
    expect(await definitionFingerprint(ARN)).toBe(a);
    expect(await definitionFingerprint(ARN.replace('cn-north-1', 'cn-northwest-1'))).not.toBe(a);
    expect(a).toMatch(/^[0-9a-f]{64}$/);
  });

  it('is used only under its own fingerprint; anything else is made again', () => {
    const definition = { StartAt: 'Dispatch', States: { Dispatch: { Type: 'Succeed' } } };
    const text = definitionRecord('f1', definition);
    expect(keptDefinition(text, 'f1')).toEqual(definition);
    expect(keptDefinition(text, 'f2')).toBeUndefined();
    expect(keptDefinition(undefined, 'f1')).toBeUndefined();
    expect(keptDefinition('{"fingerprint": "f1"', 'f1')).toBeUndefined();
    expect(keptDefinition('{"fingerprint": "f1", "definition": "not an object"}', 'f1')).toBeUndefined();
  });
});
