/**
 * queue-selector.ts: MessageQueueSelector, a function choosing the queue of one send, and the
 * selectors RocketMQ ships (producer/selector/*.java). A selector sees the topic's writable queues
 * in route order; the same key then always lands in the same queue while the route is unchanged,
 * which is what ordered messages need.
 */
import { randomInt } from 'node:crypto';
import { javaStringHashCode } from '../../message/index.js';
import type { Message, MessageQueue } from '../message.js';

export type MessageQueueSelector = (queues: readonly MessageQueue[], message: Message) => MessageQueue;

/**
 * SelectMessageQueueByHash: queues[|hashCode(key)| % n], with Java's String.hashCode and Java's
 * sign handling (the remainder of a negative hash, made positive).
 */
export function selectMessageQueueByHash(key: string | ((message: Message) => string)): MessageQueueSelector {
  return (queues, message) => {
    const text = typeof key === 'string' ? key : key(message);
    const queue = queues[Math.abs(javaStringHashCode(text) % queues.length)];
    if (queue === undefined) throw new RangeError('no queue to select from');
    return queue;
  };
}

/** SelectMessageQueueByRandom. */
export const selectMessageQueueByRandom: MessageQueueSelector = (queues) => {
  const queue = queues[randomInt(queues.length)];
  if (queue === undefined) throw new RangeError('no queue to select from');
  return queue;
};
