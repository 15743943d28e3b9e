// What a Lambda bundle takes in place of `@smithy/core/event-streams`: the AWS SDK's event-stream codec
// (binary framed messages, for operations such as S3 SelectObjectContent or Lambda
// InvokeWithResponseStream), which Tongban never calls. Every SDK client imports two names of it as it
// is built (S3 and Lambda configure a marshaller; the others reach it through the protocol's dynamic
// import, which esbuild inlines): about 15 KiB of every bundle, none of it ever run.
// infra/lambda-bundling.ts bundles this module in place of the package; the clients are built and
// configured as before, and an event-stream operation, were one ever called, fails at once and says why.

const REFUSAL = 'this Lambda bundle leaves out the AWS SDK event-stream codec (infra/lambda-bundling.ts): no Tongban function calls an event-stream operation';

function refuse(): never {
  throw new Error(REFUSAL);
}

/** The marshaller a client keeps for event-stream operations: one that refuses to (un)marshal. */
export const eventStreamSerdeProvider = (): { serialize: () => never; deserialize: () => never } => ({ serialize: refuse, deserialize: refuse });

/** The client-config step, as the SDK's: sets `eventStreamMarshaller` from the config's provider. */
export const resolveEventStreamSerdeConfig = <T extends { eventStreamSerdeProvider: (input: T) => unknown }>(input: T): T & { eventStreamMarshaller: unknown } =>
  Object.assign(input, { eventStreamMarshaller: input.eventStreamSerdeProvider(input) });

/** What the protocols load for an event-stream operation: refuses as it is built. */
export class EventStreamSerde {
  constructor() {
    refuse();
  }
}
