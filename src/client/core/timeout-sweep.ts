/**
 * timeout-sweep.ts: deadlines for thousands of in-flight operations without a timer each. Entries
 * go into buckets of `tickMs` by deadline (a hashed timer wheel); one interval timer, running only
 * while something is pending, fires every bucket whose time has come. Finishing an operation
 * removes its entry in O(1). A deadline fires at most one tick late, never early.
 *
 * Invariants: an entry fires at most once, and never after it was cancelled; the interval stops at
 * the first tick that finds nothing pending, so an idle client keeps no timer.
 */

/** What a deadline calls when it passes (an operation object can be its own, with no closure). */
export interface TimeoutHandler {
  onTimeout(): void;
}

export interface SweepEntry {
  /** Removes the deadline; safe to call more than once, and after it fired. */
  cancel(): void;
}

/** One deadline; a class, so an entry is one object with no closure of its own (one per send). */
class Entry implements SweepEntry {
  prev: Entry | undefined = undefined;
  next: Entry | undefined = undefined;

  constructor(
    private readonly owner: TimeoutSweep,
    readonly handler: TimeoutHandler,
    /** The bucket it waits in; undefined once it fired or was cancelled. */
    public bucket: Bucket | undefined,
  ) {}

  cancel(): void {
    this.owner.remove(this);
  }
}

/** The entries due in one tick: a doubly linked list through the entries themselves (no Set, no node per entry). */
class Bucket {
  head: Entry | undefined = undefined;
  tail: Entry | undefined = undefined;
  size = 0;
  /** False once the bucket has left the sweep's map (emptied or swept). */
  live = true;

  constructor(readonly index: number) {}

  push(entry: Entry): void {
    entry.prev = this.tail;
    if (this.tail === undefined) this.head = entry;
    else this.tail.next = entry;
    this.tail = entry;
    this.size++;
  }

  unlink(entry: Entry): void {
    const { prev, next } = entry;
    if (prev === undefined) this.head = next;
    else prev.next = next;
    if (next === undefined) this.tail = prev;
    else next.prev = prev;
    entry.prev = undefined;
    entry.next = undefined;
    entry.bucket = undefined;
    this.size--;
  }
}

export class TimeoutSweep {
  private readonly buckets = new Map<number, Bucket>();
  /** The bucket the last entry went into: consecutive deadlines mostly share one. */
  private recent: Bucket | undefined;
  private pending = 0;
  private timer: NodeJS.Timeout | undefined;
  /** The last bucket index swept. */
  private swept: number;

  constructor(
    private readonly tickMs = 50,
    private readonly now: () => number = Date.now,
  ) {
    this.swept = Math.floor(now() / tickMs);
  }

  get size(): number {
    return this.pending;
  }

  /** Calls `onTimeout` once `timeoutMs` has passed, unless the entry is cancelled first. */
  add(timeoutMs: number, onTimeout: () => void): SweepEntry {
    return this.addHandler(timeoutMs, { onTimeout });
  }

  /** add() with an object whose onTimeout() is called; `now`: the caller's clock reading, if it has one. */
  addHandler(timeoutMs: number, handler: TimeoutHandler, now = this.now()): SweepEntry {
    // Round up, so a deadline never fires early.
    const index = Math.max(Math.ceil((now + timeoutMs) / this.tickMs), this.swept + 1);
    let bucket = this.recent;
    if (bucket === undefined || bucket.index !== index || !bucket.live) {
      bucket = this.buckets.get(index);
      if (bucket === undefined) {
        bucket = new Bucket(index);
        this.buckets.set(index, bucket);
      }
      this.recent = bucket;
    }
    const entry = new Entry(this, handler, bucket);
    bucket.push(entry);
    this.pending++;
    if (this.timer === undefined) this.start();
    return entry;
  }

  /** Fires every entry whose deadline has passed (the interval calls this; tests may too). */
  sweep(): void {
    const until = Math.floor(this.now() / this.tickMs);
    if (this.buckets.size === 0) {
      this.swept = until;
      return;
    }
    const due = [...this.buckets.keys()].filter((index) => index <= until);
    this.swept = Math.max(this.swept, until);
    for (const index of due.sort((a, b) => a - b)) {
      const bucket = this.buckets.get(index);
      if (bucket === undefined) continue;
      this.buckets.delete(index);
      bucket.live = false;
      // Always the head: a handler may cancel entries of this bucket that have not fired yet.
      for (let entry = bucket.head; entry !== undefined; entry = bucket.head) {
        bucket.unlink(entry);
        this.pending--;
        entry.handler.onTimeout();
      }
    }
    if (this.pending === 0) this.stop();
  }

  /** Drops every entry without firing it. */
  clear(): void {
    for (const bucket of this.buckets.values()) {
      bucket.live = false;
      while (bucket.head !== undefined) bucket.unlink(bucket.head);
    }
    this.buckets.clear();
    this.recent = undefined;
    this.pending = 0;
    this.stop();
  }

  /** Entry.cancel(): drops the entry from its bucket (nothing when it fired or was cancelled). */
  remove(entry: Entry): void {
    const bucket = entry.bucket;
    if (bucket === undefined) return;
    bucket.unlink(entry);
    this.pending--;
    if (bucket.size === 0 && bucket.live) {
      bucket.live = false;
      this.buckets.delete(bucket.index);
    }
    // The interval stops at its next tick if nothing is pending then: stopping it here would
    // start and stop a timer for every operation of a caller that awaits one at a time.
  }

  private start(): void {
    this.swept = Math.max(this.swept, Math.floor(this.now() / this.tickMs));
    this.timer = setInterval(() => this.sweep(), this.tickMs);
    // Pending operations wait on sockets, which keep the process alive; the sweep need not.
    this.timer.unref();
  }

  private stop(): void {
    if (this.timer !== undefined) clearInterval(this.timer);
    this.timer = undefined;
  }
}
