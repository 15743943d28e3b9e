// The modules a Lambda bundle takes in place of a package (LAMBDA_ALIASES, infra/lambda-bundling.ts):
// the credentials from the environment, as the SDK's default chain answers on Lambda, and an
// event-stream codec that refuses (the bundles' own run, test/e2e/lambda-bundles.e2e.test.ts, shows every
// SDK client they build still works without the real one); and the SDK clients' lean copies
// (infra/lean-sdk-clients.ts; what they hold is tested in lean-sdk-clients.test.ts).
import { afterEach, describe, expect, it, vi } from 'vitest';
import { LAMBDA_ALIASES, PROJECT_ROOT } from '../../infra/lambda-bundling.ts';
import { LEAN_SDK_CLIENTS } from '../../infra/lean-sdk-clients.ts';
import { defaultProvider } from '../../shared/adapters/lambda-credentials.ts';
import { EventStreamSerde, eventStreamSerdeProvider, resolveEventStreamSerdeConfig } from '../../shared/adapters/no-event-streams.ts';

afterEach(() => {
  vi.unstubAllEnvs();
});

describe('the modules bundled in place of packages', () => {
  it('are the credential chain and the event-stream codec, each by a module of ours, and the SDK clients by their lean copies', () => {
    expect(Object.fromEntries(Object.entries(LAMBDA_ALIASES).map(([from, to]) => [from, to.slice(PROJECT_ROOT.length)]))).toEqual({
      '@aws-sdk/credential-provider-node': 'shared/adapters/lambda-credentials.ts',
      '@smithy/core/event-streams': 'shared/adapters/no-event-streams.ts',
      ...Object.fromEntries(LEAN_SDK_CLIENTS.map((pkg) => [pkg, `.build/node_modules/${pkg}`])),
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

  it('configure a client as the SDK does, and refuse an event-stream operation, saying why', () => {
    // Arrange: a client's config as the S3 and Lambda clients resolve it.
    const config = resolveEventStreamSerdeConfig({ eventStreamSerdeProvider });

    // Act / Assess
    expect(config.eventStreamMarshaller).toMatchObject({ serialize: expect.any(Function), deserialize: expect.any(Function) });
    expect(() => (config.eventStreamMarshaller as { deserialize(): unknown }).deserialize()).toThrow(/event-stream codec/);
    expect(() => new EventStreamSerde()).toThrow(/no Tongban function calls an event-stream operation/);
  });
});
