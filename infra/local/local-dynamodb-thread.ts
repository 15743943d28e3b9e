// The thread side of startDynaliteThread (local-dynamodb.ts): dynalite, its LevelDB and its streams in
// a worker thread of their own (stand-in-thread.ts). The platform calls a stream's reads and
// checkpoints here (`stream`), and is told of each append (`append`, with the record).
import type { DynaliteOptions } from './local-dynamodb.ts';
import { startDynalite } from './local-dynamodb.ts';
import { serveStandIn } from './stand-in-thread.ts';

/** What the platform gives the thread. */
export interface DynaliteThreadInput {
  path: string | undefined;
  host: string;
  options: DynaliteOptions;
}

/** What the thread answers once dynalite listens. */
export interface DynaliteThreadValue {
  endpoint: string;
  streams: { tableName: string; arn: string; region: string }[];
}

/** The stream methods the platform may call across the boundary (each answers a promise). */
export const REMOTE_STREAM_METHODS = ['read', 'lastSequence', 'loadCheckpoint', 'saveCheckpoint', 'trim'] as const;

serveStandIn<DynaliteThreadValue>(async (input: DynaliteThreadInput, emit) => {
  const dynamo = await startDynalite(input.path, input.host, input.options);
  for (const stream of dynamo.streams.values()) stream.onAppend((record) => emit('append', { table: stream.tableName, record }));
  return {
    value: { endpoint: dynamo.endpoint, streams: [...dynamo.streams.values()].map((s) => ({ tableName: s.tableName, arn: s.arn, region: s.region })) },
    methods: {
      stream: (table: string, method: (typeof REMOTE_STREAM_METHODS)[number], args: never[]) => {
        const stream = dynamo.streams.get(table);
        if (!stream || !REMOTE_STREAM_METHODS.includes(method)) throw new Error(`no stream method ${table}.${method}`);
        return (stream[method] as (...a: never[]) => Promise<unknown>).apply(stream, args);
      },
      close: () => dynamo.close(),
    },
  };
});
