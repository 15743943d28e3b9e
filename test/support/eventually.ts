// Polling for what a timer or a queue does in the background (the embedded platform's schedules, its
// event relays): `read` again, yielding to the event loop between reads, until `done` holds or
// `withinMs` has passed; answers the last value read, which the caller's assertion then checks (so a
// timeout fails on what was seen, not on a bare "timed out").
export async function eventually<T>(read: () => Promise<T>, done: (value: T) => boolean, withinMs = 30_000): Promise<T> {
  const until = Date.now() + withinMs;
  for (;;) {
    const value = await read();
    if (done(value) || Date.now() > until) return value;
    await new Promise((resolve) => setImmediate(resolve));
  }
}
