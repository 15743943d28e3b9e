// Local stand-in for Amazon EventBridge: PutEvents over the real wire protocol (AWS JSON 1.1,
// `X-Amz-Target: AWSEvents.PutEvents`), so the unmodified `@aws-sdk/client-eventbridge` reaches it
// with an endpoint override or `AWS_ENDPOINT_URL_EVENTBRIDGE`; rules whose targets are in-process
// functions; an archive and its replay.
//
// What it is:
// - Buses by name (`default` always exists); an entry names one by name or ARN (none: `default`).
// - PutEvents validated as AWS validates it: 1–10 entries (ValidationException otherwise), the
//   entries together at most 256 KB counted as AWS counts them (Time 14 bytes, Source, DetailType,
//   Detail and each Resources entry in UTF-8 bytes; ValidationException), Source ≤ 256 and DetailType
//   ≤ 128 characters, ≤ 100 Resources (ValidationException); per entry, Source, DetailType and Detail
//   are required (`InvalidArgument`), Detail must be a JSON object (`MalformedDetail`), a Source
//   starting with `aws.` is `NotAuthorizedForSourceException`. The answer is FailedEntryCount and, in
//   the order of the entries, `{EventId}` or `{ErrorCode, ErrorMessage}`.
//   Unlike AWS, an unknown bus is refused per entry (`ResourceNotFoundException`): AWS accepts the
//   entry and drops the event, which only hides a misconfiguration here.
// - The log: accepted events are written to a DynamoDB table (dynalite locally; `ensureTables`
//   `eventBridge`) BEFORE the answer, one item per event, keyed by bus and a sequence number that
//   grows in the order the writes complete (appends to a bus are serialised in this process). The
//   log is the bus's archive.
// - Rules: an event pattern (event-pattern.ts: `source`, `detail-type`, `detail`… with exact,
//   prefix, suffix, anything-but, exists, numeric matching) and a target function, given with the
//   EventBridge event envelope `{version:'0', id, 'detail-type', source, account, time, region,
//   resources, detail}`. Each rule dispatches the bus's log in order, one event at a time; a target
//   that throws is retried with exponential backoff, and after `maximumRetryAttempts` retries or once
//   the event is older than `maximumEventAgeSeconds` it goes to the rule's `deadLetter` (as to a
//   target's DLQ) and the rule goes on. Each rule's checkpoint (the last event dispatched) is saved
//   in the same table after each event, so events accepted before a kill -9 are dispatched after the
//   restart; an event being dispatched when the process died is dispatched again (at-least-once). A
//   rule without a checkpoint (new) starts at the end of the log, as a new rule on AWS sees only
//   events put after it exists.
// - `replay(...)`: the archived events a bus accepted in a time window, dispatched again to its rules
//   (or to those named), in log order, with `replay-name` in the envelope, as an archive replay does;
//   with each rule's retries and dead letter. A replay is not durable: one cut short by a restart is
//   not resumed (start it again).
// - Retention: the log keeps an event `retentionDays` days (default 7; AWS's archives keep what their
//   retention says), and longer while a configured rule has not dispatched it. Trimmed at start and,
//   at most once a minute, when a rule has dispatched everything.
//
// What it is not: no other operations (rules and buses are configured in process, not through the
// API), no authentication (SigV4 is accepted unchecked: bind it to loopback), no input transformers,
// no schedules, no cross-bus targets, no PutEvents EndpointId (global endpoints).
import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import { BatchWriteCommand, GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { AwsJsonError, serveAwsJson } from './aws-json-server.ts';
import type { EventPattern } from './event-pattern.ts';
import { compilePattern, matchesPattern } from './event-pattern.ts';

export const MAX_ENTRIES = 10;
/** 256 KB: the most the entries of one PutEvents may weigh together, as AWS counts them. */
export const MAX_PUT_EVENTS_BYTES = 256 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;
const PAGE = 25;
const TRIM_INTERVAL_MS = 60_000;
const SEQUENCE_DIGITS = 20;

/** The envelope a target receives (`replay-name` set when the event is replayed). */
export type BusEvent = EventBridgeEvent<string, unknown> & { 'replay-name'?: string };

/** What a rule's dead letter receives (the attributes AWS puts on a DLQ message, and the event). */
export interface DeadLetter {
  ruleArn: string;
  event: BusEvent;
  errorMessage: string;
  exhaustedRetryCondition: 'MaximumRetryAttempts' | 'MaximumEventAgeInSeconds';
  retryAttempts: number;
}

export interface EventBridgeRule {
  bus: string;
  name: string;
  /** Event pattern, JSON text or object. */
  pattern: string | EventPattern;
  target: (event: BusEvent) => Promise<unknown>;
  /** Retries after the first attempt (default 185, AWS's). */
  maximumRetryAttempts?: number;
  /** Default 86,400 (24 h), AWS's. */
  maximumEventAgeSeconds?: number;
  /** Backoff before retry k: min(base × 2^(k-1), max) ms (defaults 1 s and 60 s). */
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  /** The target's dead-letter queue. If it throws, the event is dispatched again later. Without one, an event that exhausts its retries is dropped (and reported through `onNotice`). */
  deadLetter?: (letter: DeadLetter) => void | Promise<void>;
}

export type EventBridgeNotice = { type: 'dead-letter'; letter: DeadLetter } | { type: 'dropped'; letter: DeadLetter } | { type: 'failure'; rule?: string; message: string };

export interface LocalEventBridgeOptions {
  /** Interface to bind (loopback). */
  host: string;
  port?: number;
  region: string;
  account?: string;
  /** The log, rules' checkpoints: a table made by `ensureTables` (`eventBridge`). */
  db: DynamoDBDocumentClient;
  table: string;
  /** Bus names (besides `default`). */
  buses: readonly string[];
  rules?: readonly EventBridgeRule[];
  /** Days an event stays in the log (the archive); default 7. */
  retentionDays?: number;
  onNotice?: (notice: EventBridgeNotice) => void;
  /** Tests: the clock (epoch ms). */
  now?: () => number;
}

export interface ReplayOptions {
  bus: string;
  /** Events accepted at or after `from` and before `to`. */
  from: Date;
  to: Date;
  /** `replay-name` of the envelopes (default `replay-<uuid>`). */
  name?: string;
  /** Rule names (default: every rule of the bus). */
  rules?: readonly string[];
}

export interface LocalEventBridge {
  endpoint: string;
  port: number;
  busArn(bus: string): string;
  ruleArn(bus: string, rule: string): string;
  /** Resolves once every rule has dispatched (or dead-lettered) every event accepted before the call. */
  drained(): Promise<void>;
  /** Dispatches the archived events of a window to the rules again; answers how many events matched a rule. */
  replay(opts: ReplayOptions): Promise<{ replayed: number }>;
  /** Stops the server and the rules (a dispatch in progress is not checkpointed: it runs again after a restart). */
  close(): Promise<void>;
}

interface LogItem {
  pk: string;
  sk: string;
  event: string;
  acceptedAt: number;
}

const busPk = (bus: string): string => `BUS#${bus}`;
const rulePk = (bus: string, rule: string): string => `RULE#${bus}#${rule}`;
const CHECKPOINT = 'CHECKPOINT';
const utf8 = (s: unknown): number => (typeof s === 'string' ? Buffer.byteLength(s, 'utf8') : 0);

/** One bus: its appends, serialised, and the sequence number up to which the log is committed. */
class Bus {
  committed = '';
  private queue: Promise<unknown> = Promise.resolve();
  private waiters: (() => void)[] = [];
  constructor(readonly name: string) {}

  append(write: () => Promise<string>): Promise<void> {
    const run = this.queue.then(async () => {
      this.committed = await write();
      const waiters = this.waiters;
      this.waiters = [];
      for (const w of waiters) w();
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  nextAppend(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  wakeAll(): void {
    for (const w of this.waiters.splice(0)) w();
  }

  idle(): Promise<unknown> {
    return this.queue;
  }
}

export async function startLocalEventBridge(opts: LocalEventBridgeOptions): Promise<LocalEventBridge> {
  const { db, table, region } = opts;
  const account = opts.account ?? '000000000000';
  const partition = region.startsWith('cn-') ? 'aws-cn' : 'aws';
  const now = opts.now ?? Date.now;
  const retentionMs = (opts.retentionDays ?? 7) * DAY_MS;
  const busArn = (bus: string): string => `arn:${partition}:events:${region}:${account}:event-bus/${bus}`;
  const ruleArn = (bus: string, rule: string): string => `arn:${partition}:events:${region}:${account}:rule/${bus}/${rule}`;
  const notice = (n: EventBridgeNotice): void => opts.onNotice?.(n);

  const buses = new Map<string, Bus>(['default', ...opts.buses].map((b) => [b, new Bus(b)]));
  for (const bus of buses.values()) {
    const last = await db.send(
      new QueryCommand({ TableName: table, KeyConditionExpression: 'pk = :pk', ExpressionAttributeValues: { ':pk': busPk(bus.name) }, ScanIndexForward: false, Limit: 1 }),
    );
    bus.committed = (last.Items?.[0] as LogItem | undefined)?.sk ?? '';
  }
  const rules = (opts.rules ?? []).map((r) => {
    if (!buses.has(r.bus)) throw new Error(`rule ${r.name}: unknown bus ${r.bus}`);
    return { ...r, compiled: compilePattern(r.pattern), arn: ruleArn(r.bus, r.name) };
  });
  if (new Set(rules.map((r) => r.arn)).size !== rules.length) throw new Error('two rules of one bus have the same name');

  let stopped = false;
  let wakeStop: () => void = () => undefined;
  const stopSignal = new Promise<void>((resolve) => (wakeStop = resolve));
  const pause = (ms: number): Promise<void> =>
    new Promise((resolve) => {
      const timer = setTimeout(resolve, ms);
      void stopSignal.then(() => {
        clearTimeout(timer);
        resolve();
      });
    });

  // -------------------------------------------------------------------------------------------
  // PutEvents
  // -------------------------------------------------------------------------------------------

  const busOf = (name: unknown): Bus | undefined => {
    if (name === undefined || name === null || name === '') return buses.get('default');
    if (typeof name !== 'string') return undefined;
    const m = /^arn:aws(?:-cn)?:events:([^:]+):(\d{12}):event-bus\/(.+)$/.exec(name);
    if (m) return m[1] === region && m[2] === account ? buses.get(m[3]!) : undefined;
    return buses.get(name);
  };

  const putEvents = async (input: Record<string, unknown>): Promise<Record<string, unknown>> => {
    const entries = input.Entries;
    if (!Array.isArray(entries))
      throw new AwsJsonError('ValidationException', "1 validation error detected: Value null at 'entries' failed to satisfy constraint: Member must not be null");
    if (entries.length < 1 || entries.length > MAX_ENTRIES)
      throw new AwsJsonError(
        'ValidationException',
        `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ${entries.length < 1 ? 'greater than or equal to 1' : `less than or equal to ${MAX_ENTRIES}`}`,
      );
    let total = 0;
    entries.forEach((raw: unknown, i) => {
      const e = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
      const at = `entries.${i + 1}.member`;
      if (typeof e.Source === 'string' && e.Source.length > 256)
        throw new AwsJsonError(
          'ValidationException',
          `1 validation error detected: Value at '${at}.source' failed to satisfy constraint: Member must have length less than or equal to 256`,
        );
      if (typeof e.DetailType === 'string' && e.DetailType.length > 128)
        throw new AwsJsonError(
          'ValidationException',
          `1 validation error detected: Value at '${at}.detailType' failed to satisfy constraint: Member must have length less than or equal to 128`,
        );
      if (e.Resources !== undefined && (!Array.isArray(e.Resources) || e.Resources.length > 100 || e.Resources.some((r) => typeof r !== 'string' || r.length > 2048)))
        throw new AwsJsonError(
          'ValidationException',
          `1 validation error detected: Value at '${at}.resources' failed to satisfy constraint: at most 100 strings of at most 2048 characters`,
        );
      total +=
        (e.Time !== undefined && e.Time !== null ? 14 : 0) +
        utf8(e.Source) +
        utf8(e.DetailType) +
        utf8(e.Detail) +
        ((e.Resources as unknown[] | undefined) ?? []).reduce<number>((n, r) => n + utf8(r), 0);
    });
    if (total > MAX_PUT_EVENTS_BYTES) throw new AwsJsonError('ValidationException', 'Total size of the entries in the request is over the limit.');

    const acceptedAt = now();
    type Result = { EventId: string } | { ErrorCode: string; ErrorMessage: string };
    const results: Result[] = [];
    const byBus = new Map<Bus, BusEvent[]>();
    for (const raw of entries as unknown[]) {
      const e = (typeof raw === 'object' && raw !== null ? raw : {}) as Record<string, unknown>;
      const refuse = (ErrorCode: string, ErrorMessage: string): void => void results.push({ ErrorCode, ErrorMessage });
      const required = (['Source', 'DetailType', 'Detail'] as const).find((f) => typeof e[f] !== 'string' || e[f] === '');
      if (required) {
        refuse('InvalidArgument', `Parameter ${required} is not valid. Reason: ${required} is a required argument.`);
        continue;
      }
      if ((e.Source as string).startsWith('aws.')) {
        refuse('NotAuthorizedForSourceException', 'Not authorized for the source.');
        continue;
      }
      let detail: unknown;
      try {
        detail = JSON.parse(e.Detail as string);
      } catch {
        detail = undefined;
      }
      if (typeof detail !== 'object' || detail === null || Array.isArray(detail)) {
        refuse('MalformedDetail', 'Detail is malformed.');
        continue;
      }
      const bus = busOf(e.EventBusName);
      if (!bus) {
        refuse('ResourceNotFoundException', `Event bus ${String(e.EventBusName)} does not exist.`);
        continue;
      }
      const time = timeOf(e.Time) ?? acceptedAt;
      if (Number.isNaN(time)) {
        refuse('InvalidArgument', 'Parameter Time is not valid.');
        continue;
      }
      const id = randomUUID();
      const event: BusEvent = {
        version: '0',
        id,
        'detail-type': e.DetailType as string,
        source: e.Source as string,
        account,
        time: new Date(time).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        region,
        resources: (e.Resources as string[] | undefined) ?? [],
        detail,
      };
      results.push({ EventId: id });
      byBus.set(bus, [...(byBus.get(bus) ?? []), event]);
    }
    for (const [bus, events] of byBus) await bus.append(() => appendLog(bus, events, acceptedAt));
    const failed = results.filter((r) => 'ErrorCode' in r).length;
    return { FailedEntryCount: failed, Entries: results };
  };

  const nextSequence = (after: string): string => ((after === '' ? 0n : BigInt(after)) + 1n).toString().padStart(SEQUENCE_DIGITS, '0');

  /** Writes the events to the log (all of them, or the PutEvents fails); answers the last sequence number. */
  const appendLog = async (bus: Bus, events: BusEvent[], acceptedAt: number): Promise<string> => {
    let sequence = bus.committed;
    const items: LogItem[] = events.map((event) => {
      sequence = nextSequence(sequence);
      return { pk: busPk(bus.name), sk: sequence, event: JSON.stringify(event), acceptedAt };
    });
    let pending = items.map((Item) => ({ PutRequest: { Item } }));
    for (let round = 0; pending.length > 0; round++) {
      if (round === 5) throw new AwsJsonError('InternalException', 'The event log could not be written', 500);
      const out = await db.send(new BatchWriteCommand({ RequestItems: { [table]: pending } }));
      pending = (out.UnprocessedItems?.[table] ?? []) as typeof pending;
    }
    return sequence;
  };

  // -------------------------------------------------------------------------------------------
  // Rules
  // -------------------------------------------------------------------------------------------

  type Rule = (typeof rules)[number];
  const checkpoints = new Map<Rule, string>();
  const drainWaiters: { rule: Rule; target: string; resolve: () => void; reject: (e: Error) => void }[] = [];
  let lastTrim = 0;

  const settle = (rule: Rule): void => {
    const at = checkpoints.get(rule) ?? '';
    for (let i = drainWaiters.length - 1; i >= 0; i--) {
      const w = drainWaiters[i]!;
      if (w.rule === rule && at >= w.target) {
        drainWaiters.splice(i, 1);
        w.resolve();
      }
    }
  };

  const saveCheckpoint = async (rule: Rule, sequence: string): Promise<void> => {
    await db.send(new PutCommand({ TableName: table, Item: { pk: rulePk(rule.bus, rule.name), sk: CHECKPOINT, sequence } }));
    checkpoints.set(rule, sequence);
    settle(rule);
  };

  /** Delivers one event to a rule's target with its retries; answers false when stopped before it was done. */
  const deliver = async (rule: Rule, event: BusEvent, acceptedAt: number): Promise<boolean> => {
    const maxRetries = rule.maximumRetryAttempts ?? 185;
    const maxAgeMs = (rule.maximumEventAgeSeconds ?? 86_400) * 1000;
    for (let attempt = 0; ; attempt++) {
      if (stopped) return false;
      try {
        await rule.target(event);
        return true;
      } catch (e) {
        const errorMessage = (e as Error)?.message ?? String(e);
        const condition = attempt >= maxRetries ? 'MaximumRetryAttempts' : now() - acceptedAt >= maxAgeMs ? 'MaximumEventAgeInSeconds' : undefined;
        if (condition) {
          const letter: DeadLetter = { ruleArn: rule.arn, event, errorMessage, exhaustedRetryCondition: condition, retryAttempts: attempt };
          if (rule.deadLetter) {
            await rule.deadLetter(letter);
            notice({ type: 'dead-letter', letter });
          } else notice({ type: 'dropped', letter });
          return true;
        }
        await pause(Math.min((rule.retryBaseDelayMs ?? 1000) * 2 ** attempt, rule.retryMaxDelayMs ?? 60_000));
      }
    }
  };

  const readLog = async (bus: string, after: string, limit: number): Promise<LogItem[]> => {
    const out = await db.send(
      new QueryCommand({
        TableName: table,
        KeyConditionExpression: after === '' ? 'pk = :pk' : 'pk = :pk AND sk > :after',
        ExpressionAttributeValues: { ':pk': busPk(bus), ...(after === '' ? {} : { ':after': after }) },
        Limit: limit,
      }),
    );
    return (out.Items ?? []) as LogItem[];
  };

  const runRule = async (rule: Rule): Promise<void> => {
    const bus = buses.get(rule.bus)!;
    let errors = 0;
    while (!stopped) {
      try {
        const appended = bus.nextAppend();
        const committed = bus.committed;
        const page = (await readLog(rule.bus, checkpoints.get(rule) ?? '', PAGE)).filter((item) => item.sk <= committed);
        errors = 0;
        if (page.length === 0) {
          settle(rule);
          if (now() - lastTrim >= TRIM_INTERVAL_MS) {
            lastTrim = now();
            await trim();
          }
          await Promise.race([appended, stopSignal]);
          continue;
        }
        let last: string | undefined;
        for (const item of page) {
          const event = JSON.parse(item.event) as BusEvent;
          if (matchesPattern(rule.compiled, event)) {
            if (!(await deliver(rule, event, item.acceptedAt))) return;
            await saveCheckpoint(rule, item.sk);
            last = undefined;
          } else last = item.sk;
          if (stopped) break;
        }
        if (last !== undefined) await saveCheckpoint(rule, last);
      } catch (e) {
        if (stopped) return;
        errors += 1;
        notice({ type: 'failure', rule: rule.arn, message: (e as Error)?.message ?? String(e) });
        await pause(Math.min((rule.retryBaseDelayMs ?? 1000) * 2 ** Math.min(errors - 1, 20), rule.retryMaxDelayMs ?? 60_000));
      }
    }
  };

  /** Deletes log events older than the retention that every rule of their bus has dispatched. */
  const trim = async (): Promise<void> => {
    const expired = now() - retentionMs;
    for (const bus of buses.values()) {
      const own = rules.filter((r) => r.bus === bus.name).map((r) => checkpoints.get(r) ?? '');
      const passed = own.length === 0 ? bus.committed : own.reduce((a, b) => (a < b ? a : b));
      const doomed = (await readLog(bus.name, '', 100)).filter((i) => i.acceptedAt < expired && i.sk <= passed);
      for (let i = 0; i < doomed.length; i += 25)
        await db.send(new BatchWriteCommand({ RequestItems: { [table]: doomed.slice(i, i + 25).map((d) => ({ DeleteRequest: { Key: { pk: d.pk, sk: d.sk } } })) } }));
    }
  };

  for (const rule of rules) {
    const saved = await db.send(new GetCommand({ TableName: table, Key: { pk: rulePk(rule.bus, rule.name), sk: CHECKPOINT } }));
    const start = saved.Item?.sequence as string | undefined;
    if (start === undefined) await saveCheckpoint(rule, buses.get(rule.bus)!.committed);
    else checkpoints.set(rule, start);
  }
  await trim();
  lastTrim = now();
  const running = rules.map((rule) => runRule(rule).catch((e: unknown) => notice({ type: 'failure', rule: rule.arn, message: (e as Error)?.message ?? String(e) })));

  // -------------------------------------------------------------------------------------------
  // Replay
  // -------------------------------------------------------------------------------------------

  const replay = async (r: ReplayOptions): Promise<{ replayed: number }> => {
    if (!buses.has(r.bus)) throw new Error(`unknown bus ${r.bus}`);
    const targets = rules.filter((rule) => rule.bus === r.bus && (r.rules === undefined || r.rules.includes(rule.name)));
    const name = r.name ?? `replay-${randomUUID()}`;
    const from = r.from.getTime();
    const to = r.to.getTime();
    let replayed = 0;
    let after = '';
    for (;;) {
      const page = await readLog(r.bus, after, PAGE);
      if (page.length === 0) break;
      for (const item of page) {
        if (stopped) return { replayed };
        after = item.sk;
        if (item.acceptedAt < from || item.acceptedAt >= to) continue;
        const event = { ...(JSON.parse(item.event) as BusEvent), 'replay-name': name };
        let matched = false;
        for (const rule of targets) {
          if (!matchesPattern(rule.compiled, event)) continue;
          matched = true;
          await deliver(rule, event, now());
        }
        if (matched) replayed += 1;
      }
    }
    return { replayed };
  };

  const server = await serveAwsJson({
    host: opts.host,
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    contentType: 'application/x-amz-json-1.1',
    targetPrefix: 'AWSEvents.',
    operations: { PutEvents: putEvents },
    internalErrorType: 'InternalException',
  });

  return {
    endpoint: server.endpoint,
    port: server.port,
    busArn,
    ruleArn,
    async drained() {
      await Promise.all([...buses.values()].map((b) => b.idle()));
      await Promise.all(
        rules.map(async (rule) => {
          const target = buses.get(rule.bus)!.committed;
          if ((checkpoints.get(rule) ?? '') >= target && checkpoints.has(rule)) return;
          if (stopped) throw new Error('the local EventBridge is closed');
          await new Promise<void>((resolve, reject) => drainWaiters.push({ rule, target, resolve, reject }));
        }),
      );
    },
    replay,
    async close() {
      stopped = true;
      wakeStop();
      for (const bus of buses.values()) bus.wakeAll();
      await server.close();
      await Promise.all(running);
      for (const w of drainWaiters.splice(0)) w.reject(new Error('the local EventBridge is closed'));
      for (const bus of buses.values()) await bus.idle();
    },
  };
}

/** An entry's Time (the SDK sends epoch seconds; ISO text accepted too) in epoch ms; undefined when absent. */
function timeOf(value: unknown): number | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return value * 1000;
  if (typeof value === 'string') return Date.parse(value);
  return Number.NaN;
}
