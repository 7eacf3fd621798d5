/**
 * workload.ts: the workloads every benchmark runs, over a small seam any messaging system fits.
 *
 * A system gives a Publisher (send one body, report the acknowledgement through a Completion) and
 * subscriptions (deliver bodies, acknowledge each after the callback returns). The workloads:
 * - publish: keep `inFlight` sends pending until `messages` are acknowledged or `durationMs` ends;
 *   each of the window's slots owns its Completion and its start time (no allocation per message
 *   on our side), send RT goes into a Histogram.
 * - drain: subscribe from the start and count deliveries until `messages` arrived.
 * - latency: sends at a fixed rate from one 1 ms ticker (no timer per message); the body carries
 *   the time the message was due (not when it went out, so a stalled sender counts against the
 *   system: no coordinated omission); the subscriber records now - due.
 * A Ticker calls back once a second with the interval's figures; bounded by a deadline each.
 */
import { Histogram, nowNs } from './histogram.js';

/** Prebuilt per window slot; a Publisher calls exactly one of them once per send. */
export interface Completion {
  readonly ok: () => void;
  readonly fail: (error: unknown) => void;
  /** Node-style (error-first) form of the two above. */
  readonly callback: (error?: unknown) => void;
}

export interface Publisher {
  send(body: Buffer, completion: Completion): void;
  close(): Promise<void>;
}

export interface Subscription {
  close(): Promise<void>;
}

export interface MessagingSystem {
  readonly name: string;
  publisher(topic: string): Promise<Publisher>;
  /** Creates `topic` where the system wants it done up front (not needed where a first send creates it). */
  prepare?(topic: string): Promise<void>;
  /** Delivers every message of `topic` from its first one (fromStart) or from now on, acknowledging each. */
  subscribe(topic: string, fromStart: boolean, onMessage: (body: Buffer) => void): Promise<Subscription>;
}

export interface Interval {
  readonly second: number;
  readonly messages: number;
  readonly bytes: number;
  readonly histogram: Histogram;
  readonly errors: number;
}

export interface Result {
  readonly messages: number;
  readonly bytes: number;
  readonly errors: number;
  readonly elapsedNs: number;
  readonly histogram: Histogram;
  readonly firstError?: unknown;
}

export type OnInterval = (interval: Interval) => void;

/** Counts messages and keeps a per-second and a total histogram; prints through onInterval. */
export class Meter {
  readonly total = new Histogram();
  private readonly window = new Histogram();
  messages = 0;
  bytes = 0;
  errors = 0;
  firstError: unknown;
  private windowMessages = 0;
  private windowBytes = 0;
  private windowErrors = 0;
  private seconds = 0;
  private timer: NodeJS.Timeout | undefined;
  readonly startNs = nowNs();

  constructor(private readonly onInterval?: OnInterval) {
    if (onInterval !== undefined) this.timer = setInterval(() => this.tick(), 1000);
  }

  hit(bytes: number, latencyUs: number): void {
    this.messages++;
    this.bytes += bytes;
    this.windowMessages++;
    this.windowBytes += bytes;
    if (latencyUs >= 0) {
      this.total.record(latencyUs);
      this.window.record(latencyUs);
    }
  }

  error(error: unknown): void {
    this.errors++;
    this.windowErrors++;
    if (this.firstError === undefined) this.firstError = error;
  }

  private tick(): void {
    this.seconds++;
    this.onInterval?.({ second: this.seconds, messages: this.windowMessages, bytes: this.windowBytes, histogram: this.window, errors: this.windowErrors });
    this.window.reset();
    this.windowMessages = 0;
    this.windowBytes = 0;
    this.windowErrors = 0;
  }

  finish(): Result {
    if (this.timer !== undefined) clearInterval(this.timer);
    return { messages: this.messages, bytes: this.bytes, errors: this.errors, elapsedNs: nowNs() - this.startNs, histogram: this.total, firstError: this.firstError };
  }
}

export interface PublishOptions {
  readonly body: Buffer;
  readonly inFlight: number;
  /** Stop after this many acknowledged sends (or failed ones), or at durationMs, whichever first. */
  readonly messages?: number;
  readonly durationMs?: number;
  /** Give up when this many sends failed (a broken system must not spin). */
  readonly maxErrors?: number;
  readonly onInterval?: OnInterval;
}

/** A client that throws instead of failing the send (amqplib on a closed channel) fails the send. */
function sendSafely(publisher: Publisher, body: Buffer, completion: Completion): void {
  try {
    publisher.send(body, completion);
  } catch (error) {
    completion.fail(error);
  }
}

/** Keeps `inFlight` sends pending on each publisher (round robin over slots) until done. */
export function publish(publishers: readonly Publisher[], options: PublishOptions): Promise<Result> {
  const meter = new Meter(options.onInterval);
  const limit = options.messages ?? Number.MAX_SAFE_INTEGER;
  const deadlineNs = options.durationMs === undefined ? Number.MAX_SAFE_INTEGER : meter.startNs + options.durationMs * 1e6;
  const maxErrors = options.maxErrors ?? 1000;
  const size = options.body.length;
  let launched = 0;
  let pending = 0;
  return new Promise<Result>((resolve) => {
    const stopping = (): boolean => launched >= limit || meter.errors >= maxErrors || nowNs() >= deadlineNs;
    const slots: { start: number; completion: Completion; publisher: Publisher }[] = [];
    const launch = (slot: (typeof slots)[number]): void => {
      if (stopping()) {
        if (pending === 0) resolve(meter.finish());
        return;
      }
      launched++;
      pending++;
      slot.start = nowNs();
      sendSafely(slot.publisher, options.body, slot.completion);
    };
    for (const publisher of publishers) {
      for (let index = 0; index < options.inFlight; index++) {
        const slot = { start: 0, publisher, completion: undefined as unknown as Completion };
        const ok = (): void => {
          pending--;
          meter.hit(size, (nowNs() - slot.start) / 1000);
          launch(slot);
        };
        const fail = (error: unknown): void => {
          pending--;
          meter.error(error);
          launch(slot);
        };
        slot.completion = { ok, fail, callback: (error?: unknown) => (error ? fail(error) : ok()) };
        slots.push(slot);
      }
    }
    for (const slot of slots) launch(slot);
  });
}

/** Subscribes from the first message and counts until `messages` arrived or `timeoutMs` passed. */
export async function drain(system: MessagingSystem, topic: string, messages: number, timeoutMs: number, onInterval?: OnInterval): Promise<Result> {
  const meter = new Meter(onInterval);
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const subscription = await system.subscribe(topic, true, (body) => {
    meter.hit(body.length, -1);
    if (meter.messages === messages) finish();
  });
  const timer = setTimeout(finish, timeoutMs);
  await finished;
  clearTimeout(timer);
  const result = meter.finish();
  await subscription.close();
  return result;
}

export interface LatencyOptions {
  readonly size: number;
  readonly rate: number;
  readonly durationMs: number;
  /**
   * Sent at the same rate before the measured run, and waited for, but not counted: the client's
   * and server's code paths at this rate warm up first (default 0: the probes only).
   */
  readonly warmUpMs?: number;
  readonly onInterval?: OnInterval;
}

/** Time written into latency bodies of warm-up probes, which the receiver skips. */
const PROBE = -1;
/** Bodies carry [due time: f64][run tag: f64]; messages of other runs (an old backlog) are skipped. */
const RUN_TAG = Math.random();
/** The tag of the at-rate warm-up's messages: received and counted apart, never measured. */
const WARM_UP_TAG = RUN_TAG + 1;

function stamped(size: number, dueNs: number): Buffer {
  return stampInto(Buffer.alloc(Math.max(size, 16)), dueNs, RUN_TAG);
}

/** Writes the due time and the run tag into the first 16 bytes of `body`. */
function stampInto(body: Buffer, dueNs: number, tag: number): Buffer {
  body.writeDoubleLE(dueNs, 0);
  body.writeDoubleLE(tag, 8);
  return body;
}

/** Warm-up probes: at most this many (one per 50 ms for 60 s); ready once the last PROBE_RUN all arrived. */
const PROBES_MAX = 1200;
const PROBE_RUN = 16;

function probe(sequence: number): Buffer {
  const body = stamped(24, PROBE);
  body.writeDoubleLE(sequence, 16);
  return body;
}

/** End-to-end latency at a fixed rate: subscribe to new messages, warm up, then send for durationMs. */
export async function latency(system: MessagingSystem, topic: string, options: LatencyOptions): Promise<Result> {
  const publisher = await system.publisher(topic);
  await sendOnce(publisher, stamped(16, PROBE));
  let meter: Meter | undefined;
  const probesSeen = new Uint8Array(PROBES_MAX);
  let expected = Number.MAX_SAFE_INTEGER;
  let finish: () => void = () => undefined;
  let finished = new Promise<void>((resolve) => (finish = resolve));
  let warmUpReceived = 0;
  let warmUpExpected = Number.MAX_SAFE_INTEGER;
  const subscription = await system.subscribe(topic, false, (body) => {
    if (body.length < 16) return;
    const tag = body.readDoubleLE(8);
    if (tag === WARM_UP_TAG) {
      if (++warmUpReceived >= warmUpExpected) finish();
      return;
    }
    if (tag !== RUN_TAG) return;
    if (body.readDoubleLE(0) === PROBE) {
      if (body.length >= 24) probesSeen[body.readDoubleLE(16)] = 1;
    } else if (meter !== undefined) {
      meter.hit(body.length, (nowNs() - body.readDoubleLE(0)) / 1000);
      if (meter.messages + meter.errors >= expected) finish();
    }
  });
  /** Waits (at most 30 s) until `done()` holds or finish() is called. */
  const settle = async (done: () => boolean): Promise<void> => {
    const timer = setTimeout(finish, 30_000);
    if (!done()) await finished;
    clearTimeout(timer);
    finished = new Promise<void>((resolve) => (finish = resolve));
  };
  try {
    await warmUp(publisher, probesSeen);
    if ((options.warmUpMs ?? 0) > 0) {
      const warmUpMeter = new Meter();
      warmUpExpected = await sendAtRate(publisher, { ...options, durationMs: options.warmUpMs ?? 0 }, warmUpMeter, WARM_UP_TAG);
      await settle(() => warmUpReceived >= warmUpExpected);
      warmUpMeter.finish();
    }
    meter = new Meter(options.onInterval);
    expected = await sendAtRate(publisher, options, meter, RUN_TAG);
    const measured = meter;
    await settle(() => measured.messages + measured.errors >= expected);
    return meter.finish();
  } finally {
    await subscription.close();
    await publisher.close();
  }
}

/**
 * Sends one message and waits for its acknowledgement: the topic exists (created on first send
 * where the system does that) before a subscriber looks for it.
 */
export function sendOnce(publisher: Publisher, body: Buffer): Promise<void> {
  return new Promise((resolve, reject) => {
    publisher.send(body, { ok: resolve, fail: reject, callback: (error) => (error ? reject(error as Error) : resolve()) });
  });
}

/**
 * Sends a numbered probe every 50 ms until the last PROBE_RUN of them all arrived: every queue
 * of the topic is assigned and caught up (a queue assigned late would otherwise start behind).
 */
async function warmUp(publisher: Publisher, seen: Uint8Array): Promise<void> {
  const completion: Completion = { ok: () => undefined, fail: () => undefined, callback: () => undefined };
  let sent = 0;
  const ready = (): boolean => sent >= PROBE_RUN && seen.subarray(sent - PROBE_RUN, sent).every((flag) => flag === 1);
  while (!ready()) {
    if (sent >= PROBES_MAX) throw new Error(`the subscriber did not receive ${PROBE_RUN} warm-up messages in a row within 60 s`);
    sendSafely(publisher, probe(sent), completion);
    sent++;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Sends rate × duration messages, each stamped with its due time and `tag`; resolves with the count sent. */
function sendAtRate(publisher: Publisher, options: LatencyOptions, meter: Meter, tag: number): Promise<number> {
  const total = Math.round((options.rate * options.durationMs) / 1000);
  // Every body is made before the clock starts (one allocation, sliced): the load generator must
  // not add garbage collection of its own to the latency it measures.
  const size = Math.max(options.size, 16);
  const slab = Buffer.alloc(total * size);
  const bodies = Array.from({ length: total }, (_, index) => slab.subarray(index * size, (index + 1) * size));
  const startNs = nowNs();
  const intervalNs = 1e9 / options.rate;
  const completion: Completion = { ok: () => undefined, fail: (error) => meter.error(error), callback: (error) => (error ? meter.error(error) : undefined) };
  let sent = 0;
  return new Promise((resolve) => {
    const tick = (): void => {
      const due = Math.min(total, Math.floor((nowNs() - startNs) / intervalNs) + 1);
      for (; sent < due; sent++) sendSafely(publisher, stampInto(bodies[sent] as Buffer, startNs + sent * intervalNs, tag), completion);
      if (sent >= total) resolve(total);
      else setTimeout(tick, 1);
    };
    tick();
  });
}
