// Key attributes and index names of the DynamoDB tables: shared by the CDK data stack and the
// adapters, so a renamed index cannot break one side silently.
export const ITEMS_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** The official holiday arrangements' partition (dynamo-calendar-store.ts): `<year>#<version>` items. */
  calendarPartition: 'CALENDAR',
  /** The supervision rule catalogue's partition (dynamo-rule-catalogue-store.ts): `<version>` items. */
  supervisionRulesPartition: 'SUPERVISION_RULES',
  indexes: {
    /** Every listed item (published or suspended, not terminated), by type then code. */
    catalogue: { name: 'catalogue', partitionKey: 'catPk', sortKey: 'catSk' },
    /** The same, per department. */
    catalogueByDepartment: { name: 'catalogueByDepartment', partitionKey: 'catDeptPk', sortKey: 'catSk' },
    /** Items in progress (draft, submitted, returned), by state, then department and code. */
    work: { name: 'work', partitionKey: 'workPk', sortKey: 'workSk' },
  },
} as const;

export const DIRECTORY_TABLE = {
  partitionKey: 'pk',
  /** The record holding the directory as a JSON document (written by the data stack; on the embedded platform, with the seals). */
  directoryKey: 'directory',
  /**
   * The seal registry's parts, one record each (`doc`: a JSON array of seal keys): each seal-key stack
   * (infra/stacks/seals-stack.ts) writes the seals of its departments into its own. A department's
   * seals are in part `sealStackOf(department)` (infra/config.ts): the number of parts is fixed,
   * and so where every department's seals are.
   */
  sealRegistryKeys: ['seals#1', 'seals#2', 'seals#3', 'seals#4'],
  /** The most seal keys one part holds: its stack's bound (a key and an alias each; CloudFormation allows 500 resources a stack). */
  maxSealsPerPart: 240,
} as const;

/** DynamoDB's TTL attribute (epoch seconds) of every table whose items expire: the cases and events tables'. */
export const TTL_ATTRIBUTE = 'expiresAt';

/** An item's TTL: `days` after `at` (an ISO time), in epoch seconds. */
export function expiresAfter(at: string, days: number): number {
  return Math.floor(Date.parse(at) / 1000) + days * 86_400;
}

/**
 * Cases (see dynamo-case-store.ts for the items and their keys) and the e-licences they issue
 * (dynamo-licence-store.ts). The case indexes list heads (and a joint case's task items and its finding
 * items, case-items.ts), the licence index licence items; each is sparse where its attributes are absent.
 * The case indexes hold their keys alone: a listing reads the heads of the page it lists
 * (case-listings.ts), so a head write costs an index write only where it moves the head in a list (a new
 * status, a new due date), not each time the state changes, and the state is not kept three times more.
 */
export const CASES_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /** The idempotency records of filings and actions expire (case-items.ts: IDEMPOTENCY_RECORD_DAYS); nothing else here does. */
  ttlAttribute: TTL_ATTRIBUTE,
  /**
   * Shards of a department's queue: its partition key is `DEPT#<departmentId>#<shard>`, the shard a
   * hash of the case number, so a big department's queue is not one hot key (800 filings/s to one
   * department: test/bench/key-load.ts). A head written under another number of shards stays where it
   * is until its next write: readers query every shard of the current number, so a number that is a
   * multiple of the old (8 before issue 21) reads the old keys too, and no case is lost from a list.
   */
  departmentQueueShards: 32,
  /**
   * Shards of a channel's cases: `CH#<channelId>#<shard>`, the shard a hash of the applicant's id, so
   * one applicant's cases are in one shard (the applicant's list is one query) and a channel through
   * which every filing comes is not one hot key. Heads written before issue 21 are under
   * `CH#<channelId>` alone: readers query it too, as one more shard, until every such head is rewritten.
   */
  channelCasesShards: 32,
  indexes: {
    /** A department's cases by status, then due date, then case number (`<status>#<due>#<caseNo>`). */
    departmentQueue: { name: 'departmentQueue', partitionKey: 'deptPk', sortKey: 'deptSk', projection: 'keys-only' },
    /** A channel's cases (`CH#<channelId>#<shard>`, see channelCasesShards) by applicant, then filing time (`<applicantId>#<receivedAt>#<caseNo>`). */
    channelCases: { name: 'channelCases', partitionKey: 'chPk', sortKey: 'chSk', projection: 'keys-only' },
    /** Cases marked overdue or in violation, and finding items (`SUPERVISION#<kind>#<shard>`, see supervisionShards), by deadline (`<deadline>#<caseNo>`). */
    supervision: { name: 'supervision', partitionKey: 'supPk', sortKey: 'supSk', projection: 'keys-only' },
    /** E-licences by holder (`HOLDER#<resident ID or credit code>`), newest first by `<issuedOn>#<licence id>`. */
    licenceHolder: { name: 'licenceHolder', partitionKey: 'holderPk', sortKey: 'holderSk' },
    /**
     * Case heads by the time they changed (`ANCHOR#<shard 0-7>`, `<changed at>#<caseNo>#<version>#<entry
     * hash>`), for the anchor journals (shared/domain/anchors): the keys say all a journal needs, so the
     * index holds the keys alone.
     */
    anchorQueue: { name: 'anchorQueue', partitionKey: 'anchorPk', sortKey: 'anchorSk', projection: 'keys-only' },
  },
  /**
   * Shards of the anchor queue (`ANCHOR#<shard>`, the shard a hash of the case number): no hot key.
   * Every head write moves its entry (its sort key holds the time), so the index takes two writes per
   * head write; 32 (8 before issue 21: a multiple, so the old keys are among those read) keeps each
   * under the limit at 1,000 filings/s (test/bench/key-load.ts).
   */
  anchorQueueShards: 32,
  /**
   * Shards of each supervision list: `SUPERVISION#<kind>#<shard>`, the shard a hash of the case number,
   * so the sweep marking a day's late cases at once is not one hot key. Entries written before issue 21
   * are under `SUPERVISION#<kind>` alone: readers query it too, as one more shard.
   */
  supervisionShards: 16,
} as const;

/**
 * Case events routed to their audience and webhook deliveries (shared/adapters/dynamo-event-store.ts
 * for the items): subscriptions, the routing watermark of each case, each owner's feed, and the
 * deliveries — pending, delivered, parked — of each subscription. Items that only matter for a while
 * (the feed, delivered markers) carry `expiresAt` (epoch seconds), DynamoDB's TTL attribute. The `due`
 * index lists the (subscription, case) pairs with deliveries waiting, by when the next is due.
 */
export const EVENTS_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  ttlAttribute: TTL_ATTRIBUTE,
  /**
   * Shards of an owner's feed: `FEED#<kind>#<ownerId>#<shard>`, the shard a hash of the record's key,
   * so a channel through which every filing comes (6,000 events/s at 1,000 filings/s) is not one hot
   * key (test/bench/key-load.ts). A feed written before issue 21 is under `FEED#<kind>#<ownerId>`
   * alone: readers read it too, as one more shard (its items expire within FEED_DAYS anyway).
   */
  feedShards: 32,
  /**
   * Shards of the `due` index: `DUE#<shard>`, the shard a hash of the (subscription, record) pair; the
   * sweep reads them all (a few entries each, once a minute), and `DUE`, the key of before issue 21, as
   * one more. Every event delivered moves its pair's marker four times (put, leased, released), each an
   * index write: 128 keeps each shard under the limit with a subscription to a busy channel and one
   * to a busy department (test/bench/key-load.ts), and with up to four to the channel. Not 64: one more
   * subscription to the channel would take it over (for a saving of 64 queries a tick). Ten
   * subscriptions to each (MAX_SUBSCRIPTIONS) would be over the limit even at 128.
   */
  dueShards: 128,
  /**
   * Shards of a subscription's deliveries: `DLV#<subscriptionId>#<shard>`, the shard a hash of the
   * record's key, so all of a (subscription, record) pair — its pending, delivered and parked
   * deliveries and its marker — is in one partition, and a subscription to a busy channel (every
   * event: eight write units or so each) is not one hot key. The pairs under `DLV#<subscriptionId>`
   * alone (before issue 21) are moved into their shards (dynamo-event-store.ts).
   */
  deliveryShards: 64,
  indexes: {
    /** `DUE#<shard>` (see dueShards) / `<next attempt ISO>#<subscription id>#<caseNo>`: the pairs whose head delivery is due by then (sparse). */
    due: { name: 'due', partitionKey: 'duePk', sortKey: 'dueSk' },
  },
} as const;

/**
 * Electronic supervision's findings (监察预警, shared/adapters/dynamo-finding-store.ts for the items):
 * each finding's head and its hash-chained history, written by puts alone (a record, like a case).
 * The indexes list the heads: by the department that must answer, by rule, by subject (a case, an
 * item), by state, and the open ones by the day they fall due (sparse: an answered finding leaves it).
 * Items: `FINDING#<id>` / `HEAD` (the finding, whole, and its index keys), `FINDING#<id>` / `H#<n, 10
 * digits>` (history entry n and the finding after it), `WATCH` / `DAY#<task>` (the day the watch
 * function last finished a daily pass).
 */
export const SUPERVISION_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /**
   * Shards of the findings lists by department, rule, state and due day: `<key>#<shard>`, the shard a
   * hash of the finding id (so a finding's entries stay in one shard all its life), so that the watch
   * raising the findings of a night's overdue marks at once (one finding per marked case, 80 % to one
   * department, all under one rule, one state and the due list: test/bench/key-load.ts) is not one hot
   * key. Few: every list page reads them all. The list by subject (a case, an item) is not sharded:
   * a subject has a few findings at most. Heads written before issue 21 are under the key alone
   * (`DEPT#<owner>`, `RULE#<rule>`, `STATE#<state>`, `DUE`) until their next write: readers query it
   * too, as one more shard.
   */
  findingShards: 8,
  indexes: {
    /** `DEPT#<departmentId>#<shard>` (`DEPT#platform#<shard>` for what the platform's reviewers owe) / `<raisedOn>#<findingId>`. */
    findingsByDepartment: { name: 'findingsByDepartment', partitionKey: 'fdPk', sortKey: 'fdSk' },
    /** `RULE#<ruleId>#<shard>` / `<raisedOn>#<findingId>`. */
    findingsByRule: { name: 'findingsByRule', partitionKey: 'frPk', sortKey: 'frSk' },
    /** `CASE#<caseNo>` or `ITEM#<code>` / `<raisedOn>#<findingId>` (not sharded). */
    findingsBySubject: { name: 'findingsBySubject', partitionKey: 'fsPk', sortKey: 'fsSk' },
    /** `STATE#<state>#<shard>` / `<raisedOn>#<findingId>`: the platform's lists by state alone (escalated: 督办). */
    findingsByState: { name: 'findingsByState', partitionKey: 'fstPk', sortKey: 'fstSk' },
    /**
     * `DUE#<shard>` / `<dueOn>#<findingId>`: the findings awaiting an answer that can still escalate or
     * fall late (open, returned: sparse; an escalated one has nothing more to wait for), for the escalation pass.
     */
    findingsDue: { name: 'findingsDue', partitionKey: 'duePk', sortKey: 'dueSk' },
  },
} as const;

/**
 * Statistics (shared/adapters/dynamo-statistics-store.ts for the items): derived data, kept from the
 * case events and recomputable from the case records, so the keeper may delete its own work items.
 * `FACT#<day>#<departmentId>` / `<eventId>`: an event's fact (put once); `CHANGED` / `<day>#<departmentId>`:
 * the buckets to roll up (a token per mark); `SUM#<departmentId>` / `<day>#<part>`: a day's summary;
 * `DOCUMENT` / `<yyyy-mm>`: a month's sealed document. No index: every read is by partition.
 * The facts and the marks are sharded (factShards, changedShards): `FACT#<day>#<departmentId>#<shard>`,
 * `CHANGED#<shard>`.
 */
export const STATISTICS_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  /**
   * Shards of a bucket's facts: `FACT#<day>#<departmentId>#<shard>`, the shard a hash of the event id
   * (so a replay finds its fact where it was put), so a department's busy day (4,800 facts/s at 1,000
   * filings/s, 80 % to one department: test/bench/key-load.ts) is not one hot key. Few: every roll-up
   * and check of a bucket reads them all. Facts put before
   * issue 21 are under `FACT#<day>#<departmentId>` alone: readers read it too, as one more shard.
   */
  factShards: 8,
  /**
   * Shards of the changed marks: `CHANGED#<shard>` / `<day>#<departmentId>`, each mark put in a shard
   * drawn at random, so the mark of a busy bucket (one item, put with each of its facts) is as many
   * items; the roll-up reads every shard and `CHANGED`, the key of before issue 21, and settles each
   * mark of a bucket it read.
   */
  changedShards: 8,
  indexes: {},
} as const;

/**
 * The public's voice (shared/adapters/dynamo-chained-records.ts for the items): 好差评 evaluations and
 * tickets (consultations, complaints, corrections), each a record with its own hash-chained history,
 * written by puts alone (like a finding). Items: `EVAL#<id>` or `TICKET#<id>` / `HEAD` (the record, whole,
 * under `record`, its `kind`, the attributes the lists filter by and its index keys), and `/ H#<n, 10
 * digits>` (history entry n and the record after it). The indexes list the heads.
 */
export const FEEDBACK_TABLE = {
  partitionKey: 'pk',
  sortKey: 'sk',
  indexes: {
    /** `CH#<channelId>#<EVAL|TICKET>` / `<filedAt ISO>#<id>`: what a channel filed, newest first. */
    byChannel: { name: 'byChannel', partitionKey: 'chPk', sortKey: 'chSk' },
    /** `DEPT#<departmentId>#<EVAL|TICKET>` / `<day>#<id>` (an evaluation's day rated, a ticket's day filed): what is addressed to a department. */
    byDepartment: { name: 'byDepartment', partitionKey: 'dPk', sortKey: 'dSk' },
    /** `STATE#<EVAL|TICKET>#<state>` / `<day>#<id>`: the platform's lists (tickets to assign, appeals to decide…). */
    byState: { name: 'byState', partitionKey: 'sPk', sortKey: 'sSk' },
    /** `DUE#<EVAL|TICKET>` / `<dueOn>#<id>`: the records a department owes an answer to (sparse), for the watch's daily late pass. */
    due: { name: 'due', partitionKey: 'duePk', sortKey: 'dueSk' },
  },
} as const;

/** An index of a table's layout: its keys, and whether it holds every attribute (the default) or its keys alone. */
export interface IndexLayout {
  name: string;
  partitionKey: string;
  sortKey: string;
  projection?: 'keys-only';
}

/** The names of a table's indexes (a function granted Query on all of them). */
export function indexNames(layout: { indexes: Record<string, { name: string }> }): string[] {
  return Object.values(layout.indexes).map((ix) => ix.name);
}
