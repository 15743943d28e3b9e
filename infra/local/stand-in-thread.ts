// A stand-in (dynalite, s3rver behind its front) in a worker thread of its own, off the handlers' event
// loop: the handlers still reach it over loopback HTTP at the endpoint it answers, as they would reach
// any other endpoint (AWS_ENDPOINT_URL_<SERVICE>); what the platform asks of it besides HTTP (S3's
// `admit`, a DynamoDB stream's reads and checkpoints, `close`) crosses the thread boundary as
// messages: calls answered in order of their ids, and events (a stream's appends) the thread posts.
// A worker thread, not a child process: it ends with the platform's process, `kill -9` included, so a
// crash leaves no stand-in behind holding the data directory (dynalite's LevelDB lock).
//
// The two sides: `startStandInThread(entry, input)` in the platform starts the thread on `entry`, a
// module that calls `serveStandIn(start)`; `start(input, emit)` starts the stand-in there and answers
// what the platform learns at once (`value`: its endpoint…) and the methods it may call.
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';

/** What a stand-in's thread answers once started: its description, and what may be called on it. */
export interface StandInStarted<V> {
  value: V;
  methods: Record<string, (...args: never[]) => unknown>;
}

type FromThread = { ready: unknown } | { failed: ThreadError } | { id: number; result: unknown } | { id: number; error: ThreadError } | { event: string; payload: unknown };
interface ThreadError {
  name: string;
  message: string;
  code?: string;
}

/** The platform's side of a stand-in's thread. */
export interface StandInThread<V> {
  value: V;
  /** Calls `method` in the thread with `args` (structured-cloned both ways). */
  call<T>(method: string, ...args: unknown[]): Promise<T>;
  /** Calls `listener` with each event `name` the thread emits. */
  on(name: string, listener: (payload: unknown) => void): void;
  /** Calls the thread's `close` method (if it has one), then ends the thread. */
  close(): Promise<void>;
}

const BOOTSTRAP = new URL('./stand-in-worker.mjs', import.meta.url);

/** Starts `entry` (a module that calls serveStandIn) in a worker thread with `input`; resolves once it is ready. */
export async function startStandInThread<V>(entry: URL, input: unknown): Promise<StandInThread<V>> {
  const worker = new Worker(BOOTSTRAP, {
    workerData: { entry: entry.href, input },
    // The bootstrap registers tsx itself: an inherited --import tsx would load it twice.
    execArgv: process.execArgv.filter((arg, i, all) => !(arg === '--import' && all[i + 1] === 'tsx') && !(arg === 'tsx' && all[i - 1] === '--import')),
    env: process.env,
  });
  const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  const listeners = new Map<string, ((payload: unknown) => void)[]>();
  let nextId = 0;
  let ended: Error | undefined;
  let closing = false;
  const fail = (e: Error) => {
    ended ??= e;
    for (const p of pending.values()) p.reject(e);
    pending.clear();
  };
  const value = await new Promise<V>((resolve, reject) => {
    worker.on('message', (m: FromThread) => {
      if ('ready' in m) resolve(m.ready as V);
      else if ('failed' in m) reject(asError(m.failed));
      else if ('event' in m) for (const l of listeners.get(m.event) ?? []) l(m.payload);
      else {
        const p = pending.get(m.id);
        pending.delete(m.id);
        if ('error' in m) p?.reject(asError(m.error));
        else p?.resolve(m.result);
      }
    });
    worker.on('error', (e) => {
      console.error(`stand-in thread ${entry.pathname}: ${e.stack ?? e.message}`);
      fail(e);
      reject(e);
    });
    worker.on('exit', (code) => {
      const e = new Error(`stand-in thread ${entry.pathname} ended (exit code ${code})`);
      // Unasked: what it served is gone (its endpoint refuses connections) until the platform starts again.
      if (!closing) console.error(`${e.message}: the platform cannot go on without it; stop it and start it again`);
      fail(e);
      reject(e);
    });
  });
  const call = <T>(method: string, ...args: unknown[]) =>
    new Promise<T>((resolve, reject) => {
      if (ended) return reject(ended);
      const id = nextId++;
      pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      worker.postMessage({ id, method, args });
    });
  return {
    value,
    call,
    on: (name, listener) => listeners.set(name, [...(listeners.get(name) ?? []), listener]),
    close: async () => {
      closing = true;
      try {
        if (!ended) await call('close');
      } finally {
        await worker.terminate();
      }
    },
  };
}

/**
 * The thread's side: starts the stand-in with the platform's input, answers `ready` with its value
 * (or `failed`), then serves the platform's calls one message at a time (each answered when done).
 */
export function serveStandIn<V>(start: (input: never, emit: (event: string, payload: unknown) => void) => Promise<StandInStarted<V>>): void {
  if (isMainThread || parentPort === null) throw new Error('serveStandIn runs in a stand-in thread (startStandInThread)');
  const port = parentPort;
  const emit = (event: string, payload: unknown) => port.postMessage({ event, payload });
  start((workerData as { input: never }).input, emit).then(
    ({ value, methods }) => {
      port.on('message', ({ id, method, args }: { id: number; method: string; args: never[] }) => {
        const fn = methods[method];
        Promise.resolve()
          .then(() => {
            if (!fn) throw new Error(`the stand-in has no method ${method}`);
            return fn(...args);
          })
          .then(
            (result) => port.postMessage({ id, result }),
            (e: unknown) => port.postMessage({ id, error: threadError(e) }),
          );
      });
      port.postMessage({ ready: value });
    },
    (e: unknown) => port.postMessage({ failed: threadError(e) }),
  );
}

function threadError(e: unknown): ThreadError {
  const error = e instanceof Error ? e : new Error(String(e));
  const code = (error as NodeJS.ErrnoException).code;
  return { name: error.name, message: error.message, ...(code !== undefined ? { code } : {}) };
}

function asError(e: ThreadError): Error {
  return Object.assign(new Error(e.message), { name: e.name }, e.code !== undefined ? { code: e.code } : {});
}
