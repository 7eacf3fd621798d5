/**
 * timer-const.ts: the names RocketMQ 5 gives to timer messages (TimerMessageStore.java,
 * MessageConst.java), kept here because message/ does not list them yet: the topic a scheduled
 * message waits in, the properties the broker adds, and the magic bits of a timer log record.
 */

/** Where a timer message waits until it is due (TimerMessageStore.TIMER_TOPIC), queue 0 only. */
export const TIMER_TOPIC = 'rmq_sys_wheel_timer';
export const TIMER_QUEUE_ID = 0;

/** Properties of timer messages (MessageConst.PROPERTY_TIMER_*). */
export const TimerProperty = {
  /** Relative delay in seconds, set by the producer. */
  DELAY_SEC: 'TIMER_DELAY_SEC',
  /** Relative delay in ms, set by the producer. */
  DELAY_MS: 'TIMER_DELAY_MS',
  /** Absolute due time in ms, set by the producer. */
  DELIVER_MS: 'TIMER_DELIVER_MS',
  /**
   * Set by the broker when the message enters the timer: when it is due, in ms. Java floors it to
   * timerPrecisionMs; we keep the exact time, since we deliver at it. A message carrying it is
   * never scheduled again (Java's "double check").
   */
  OUT_MS: 'TIMER_OUT_MS',
  /** Set on delivery: store time of the copy that waited (Long.MAX_VALUE when it never waited). */
  ENQUEUE_MS: 'TIMER_ENQUEUE_MS',
  /** Set on delivery: when it left the timer. */
  DEQUEUE_MS: 'TIMER_DEQUEUE_MS',
  /** How many times the message was re-stored while it waited. */
  ROLL_TIMES: 'TIMER_ROLL_TIMES',
  /** On a recall marker: "<topic>+<UNIQ_KEY>" of the message it cancels. */
  DEL_UNIQKEY: 'TIMER_DEL_UNIQKEY',
} as const;

/** The properties a producer uses to ask for a timer message. */
export const TIMER_REQUEST_PROPERTIES = [TimerProperty.DELAY_SEC, TimerProperty.DELAY_MS, TimerProperty.DELIVER_MS] as const;

/** TIMER_ENQUEUE_MS of a message that never waited in the wheel (String.valueOf(Long.MAX_VALUE)). */
export const NEVER_ENQUEUED = '9223372036854775807';

/** MessageConst.PROPERTY_TRACE_CONTEXT, which a recall marker carries empty. */
export const TRACE_CONTEXT = 'TRACE_CONTEXT';

/** Tag of a recall marker (RecallMessageProcessor.RECALL_MESSAGE_TAG). */
export const RECALL_MESSAGE_TAG = '_RECALL_TAG_';

/** Magic bits of a timer log record (TimerMessageStore.MAGIC_*). */
export const TimerMagic = {
  DEFAULT: 1,
  /** The record waits in the coarse wheel: its slot is not its due slot, it is placed again later. */
  ROLL: 1 << 1,
  /** The record is a recall marker. */
  DELETE: 1 << 2,
} as const;

/** The key a recall marker names its message by (TimerMessageStore.buildDeleteKey). */
export function deleteKey(realTopic: string, uniqKey: string): string {
  return `${realTopic}+${uniqKey}`;
}
