// The EventBridge sources of the platform's events on its bus, apart from the events' schemas
// (case-events.ts, feedback-events.ts and platform-events.ts re-export them): a function that only
// routes by source, such as the queue consumers (functions/http/queue-work.ts), does not build the
// schemas of events it never reads as it loads, nor bundle them.

/** The EventBridge `Source` the relay puts case events on the bus with (`aws.` is reserved). */
export const CASE_EVENT_BUS_SOURCE = 'tongban.cases';
/** The EventBridge `Source` the feedback relay puts evaluation and ticket events on the bus with. */
export const FEEDBACK_EVENT_BUS_SOURCE = 'tongban.feedback';
/** The EventBridge sources of the platform's events on its bus: the case relay's and the feedback relay's. */
export const PLATFORM_EVENT_BUS_SOURCES = [CASE_EVENT_BUS_SOURCE, FEEDBACK_EVENT_BUS_SOURCE] as const;
