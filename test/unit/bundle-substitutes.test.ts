// The modules a Lambda bundle takes in place of a package (LAMBDA_ALIASES, infra/lambda-bundling.ts):
// the credentials from the environment, as the SDK's default chain answers on Lambda, and the one
// comparison of `semver` the X-Ray SDK's packages make.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LAMBDA_ALIASES, PROJECT_ROOT } from '../../infra/lambda-bundling.ts';
import { defaultProvider } from '../../shared/adapters/lambda-credentials.ts';
import { gte } from '../../shared/adapters/semver-gte.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the modules bundled in place of packages', () => {
  it('are the credential chain and semver, each by a module of ours', () => {
    expect(Object.fromEntries(Object.entries(LAMBDA_ALIASES).map(([from, to]) => [from, to.slice(PROJECT_ROOT.length)]))).toEqual({
      '@aws-sdk/credential-provider-node': 'shared/adapters/lambda-credentials.ts',
      semver: 'shared/adapters/semver-gte.ts',
    });
  });

  it("give the SDK the function role's credentials Lambda puts in the environment, and refuse as the SDK does without them", async () => {
    // Arrange
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'ASIAEXAMPLE');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'token');

    // Act / Assess
    expect(await defaultProvider({})()).toMatchObject({ accessKeyId: 'ASIAEXAMPLE', secretAccessKey: 'secret', sessionToken: 'token' });
    vi.stubEnv('AWS_ACCESS_KEY_ID', '');
    await expect(defaultProvider({})()).rejects.toMatchObject({ name: 'CredentialsProviderError' });
  });

  it('compare release versions as semver.gte does, and refuse what is none', () => {
    expect(gte('22.11.0', '8.0.0')).toBe(true);
    expect(gte('v8.0.0', '8.0.0')).toBe(true);
    expect(gte('7.10.1', '8.0.0')).toBe(false);
    expect(gte('3.1164.0', '3.1169.0')).toBe(false);
    expect(gte('3.10.0', '3.9.9')).toBe(true);
    expect(() => gte('22', '8.0.0')).toThrow(TypeError);
  });
});
