// Operated reference data a function counts on — the official calendar, the supervision rules — read
// from its store at most once per `maxAgeMs` per process, one read at a time however many callers
// wait, so a load reaches every function within that time and never needs a redeploy. A read that
// fails keeps the last value read, or the fallback (what ships with the platform): a storage hiccup
// is never an outage of what depends on it.

export interface CachedReadingOptions<T> {
  /** Reads the value from its store. */
  read: () => Promise<T>;
  /** What is counted on before anything could be read: the shipped data. */
  fallback: () => T;
  maxAgeMs: number;
  now?: () => number;
  /** Told when the store cannot be read (the last value, or the fallback, is used meanwhile). */
  onReadError: (error: unknown) => void;
}

export class CachedReading<T> {
  private cached: { value: T; at: number } | undefined;
  private reading: Promise<T> | undefined;
  private lastReadFailed = false;

  constructor(private readonly options: CachedReadingOptions<T>) {}

  async current(): Promise<T> {
    const now = (this.options.now ?? Date.now)();
    if (this.cached && now - this.cached.at < this.options.maxAgeMs) return this.cached.value;
    this.reading ??= this.read(now).finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  /** False while the store could not be read at the last attempt (health says `degraded`). */
  healthy(): boolean {
    return !this.lastReadFailed;
  }

  /** Forgets the cached value: the next call reads the store (after a load in this process). */
  invalidate(): void {
    this.cached = undefined;
  }

  private async read(now: number): Promise<T> {
    try {
      const value = await this.options.read();
      this.cached = { value, at: now };
      this.lastReadFailed = false;
      return value;
    } catch (e) {
      this.lastReadFailed = true;
      this.options.onReadError(e);
      // Tried again on the next call; meanwhile the last good value, or the fallback.
      return this.cached?.value ?? this.options.fallback();
    }
  }
}

/** The default report of an unreadable store: one JSON log line (functions pass their logger's `warn`). */
export function warnUnreadable(message: string): (error: unknown) => void {
  return (error) => console.warn(JSON.stringify({ level: 'WARN', message, error: String(error) }));
}
