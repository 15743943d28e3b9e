// A city fits CloudFormation: 150 departments, 30 channels, 10 reviewers and 10 auditors (one
// principal each, 200 roles) and the console (its stack, the API's CORS preflights, a federated trust
// statement in each of the 170 named roles) synthesise, cdk-nag clean (the app's checks fail synth on any
// unacknowledged finding), and every stack's template — as CDK writes it — stays well inside
// CloudFormation's limits: 1,000,000 bytes (asserted below 800,000), 500 resources, 200 outputs,
// 200 parameters.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Annotations, Match } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from 'aws-cdk-lib';
import { CONFIG_CONTEXT_KEY, MAX_ROLE_PRINCIPALS, MAX_SEALS_PER_STACK, loadConfig, principalRoleName } from '../../infra/config.ts';
import { CITY, cityConfig } from './city-config.ts';
import { removeSynthOutputs, stackNames, stacksOf, synthApp } from '../support/synth-app.ts';

/** CloudFormation's limits, with the margin the platform keeps below the template size's. */
const LIMITS = { bytes: 800_000, resources: 500, outputs: 200, parameters: 200 };

describe(`a city of ${CITY.departments} departments, ${CITY.channels} channels, ${CITY.reviewers} reviewers and ${CITY.auditors} auditors`, () => {
  let built: ReturnType<typeof synthApp>;
  const config = cityConfig(CITY);
  beforeAll(() => {
    built = synthApp(config);
  });
  afterAll(removeSynthOutputs);

  it('synthesises every stack within CloudFormation limits, with margin', () => {
    expect(built.assembly.stacks.map((s) => s.stackName).sort()).toEqual(stackNames('city', { console: true }));
    for (const stack of built.assembly.stacks) {
      const text = readFileSync(join(built.assembly.directory, stack.templateFile), 'utf8');
      const template = JSON.parse(text) as { Resources?: object; Outputs?: object; Parameters?: object };
      const size = {
        bytes: Buffer.byteLength(text),
        resources: Object.keys(template.Resources ?? {}).length,
        outputs: Object.keys(template.Outputs ?? {}).length,
        parameters: Object.keys(template.Parameters ?? {}).length,
      };
      for (const limit of Object.keys(LIMITS) as (keyof typeof LIMITS)[]) expect(size[limit], `${stack.stackName} ${limit}`).toBeLessThan(LIMITS[limit]);
    }
  });

  it('creates the role of every principal, and is cdk-nag clean in every stack', () => {
    const roleNames = Object.values(built.principals.roles).map((r) => built.principals.resolve((r.node.defaultChild as { roleName?: unknown }).roleName));
    expect(roleNames.sort()).toEqual(config.principals.map((p) => principalRoleName('city', p.name)).sort());
    for (const stack of stacksOf(built)) {
      const annotations = Annotations.fromStack(stack);
      expect(annotations.findError('*', Match.anyValue()), stack.stackName).toEqual([]);
      expect(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*')), stack.stackName).toEqual([]);
    }
  });

  it('refuses, at synth, more principals than the principals stack holds, and more seals than a seal-key stack holds', () => {
    const crowded = { ...config, principals: [...config.principals, ...Array.from({ length: MAX_ROLE_PRINCIPALS }, (_, i) => ({ ...config.principals[0]!, name: `extra-${i}` }))] };
    expect(() => loadConfig(new App({ context: { [CONFIG_CONTEXT_KEY]: crowded } }))).toThrow(
      `${crowded.principals.length} principals with a trustedAccount: the principals stack creates ${MAX_ROLE_PRINCIPALS} roles at most`,
    );
    // The city's seals, spread by credit code, leave every seal-key stack room for rotations.
    const perStack = built.seals.map((s) => s.sealKeys.keys.length);
    expect(perStack.reduce((a, b) => a + b, 0)).toBe(CITY.departments);
    expect(Math.max(...perStack)).toBeLessThan(MAX_SEALS_PER_STACK / 2);
  });
});
