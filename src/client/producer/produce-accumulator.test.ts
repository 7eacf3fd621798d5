import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MessageConst } from '../../message/index.js';
import { Message, MessageQueue, type MessageInit } from '../message.js';
import { ProduceAccumulator, splitBatchResult, type AccumulatorTimers, type BatchSender } from './produce-accumulator.js';
import type { SendResult, SendTarget } from './send-path.js';

const DEFAULT: SendTarget = { kind: 'default' };

/** A clock and timers moved by hand. */
class ManualTimers implements AccumulatorTimers {
  time = 1_000;
  private readonly pending = new Map<number, { at: number; callback: () => void }>();
  private next = 0;
  readonly now = (): number => this.time;
  readonly setTimeout = (callback: () => void, ms: number): unknown => {
    this.next++;
    this.pending.set(this.next, { at: this.time + ms, callback });
    return this.next;
  };
  readonly clearTimeout = (handle: unknown): void => {
    this.pending.delete(handle as number);
  };
  get armed(): number {
    return this.pending.size;
  }
  advance(ms: number): void {
    this.time += ms;
    for (const [handle, timer] of [...this.pending]) {
      if (timer.at > this.time) continue;
      this.pending.delete(handle);
      timer.callback();
    }
  }
}

interface Sent {
  readonly kind: 'batch' | 'one';
  readonly messages: readonly Message[];
  readonly target: SendTarget;
  readonly answer: (result: SendResult) => void;
  readonly fail: (error: unknown) => void;
}

/** Records every send; each is answered by the test. */
class FakeSender implements BatchSender {
  readonly sent: Sent[] = [];
  sendBatch(messages: readonly Message[], target: SendTarget): Promise<SendResult> {
    return new Promise((answer, fail) => this.sent.push({ kind: 'batch', messages: [...messages], target, answer, fail }));
  }
  sendOne(message: Message, target: SendTarget): Promise<SendResult> {
    return new Promise((answer, fail) => this.sent.push({ kind: 'one', messages: [message], target, answer, fail }));
  }
}

/** What a broker answers a batch: one offset message id per message, joined by commas. */
function batchResult(messages: readonly Message[], queueOffset: number): SendResult {
  return {
    sendStatus: 'SEND_OK',
    msgId: messages.map((message) => message.msgId).join(','),
    offsetMsgId: messages.map((_, index) => `OFF${queueOffset + index}`).join(','),
    messageQueue: new MessageQueue('T', 'broker-a', 3),
    queueOffset,
    transactionId: undefined,
    regionId: 'DefaultRegion',
    traceOn: true,
  };
}

let ids = 0;
function message(init: Partial<MessageInit> & { size?: number } = {}): Message {
  const built = new Message({ topic: 'T', body: Buffer.alloc(init.size ?? 100, 1), ...init });
  ids++;
  built.properties.set(MessageConst.UNIQ_CLIENT_MESSAGE_ID_KEYIDX, `ID${ids}`);
  return built;
}

function setup(settings: Partial<{ batchMaxDelayMs: number; batchMaxBytes: number; totalBatchMaxBytes: number }> = {}) {
  const timers = new ManualTimers();
  const sender = new FakeSender();
  const accumulator = new ProduceAccumulator({ batchMaxDelayMs: 10, batchMaxBytes: 1_000, totalBatchMaxBytes: 100_000, ...settings }, sender, timers);
  return { timers, sender, accumulator };
}

test('autoBatch - a group goes out once its bodies pass batchMaxBytes, and each caller gets its own result', async () => {
  const { timers, sender, accumulator } = setup({ batchMaxBytes: 1_000 });
  const messages = Array.from({ length: 11 }, () => message({ size: 100 }));
  const results = messages.map((each) => accumulator.send(each, DEFAULT));
  // 10 x 100 bytes is not more than 1,000: the eleventh passes it.
  assert.equal(sender.sent.length, 1);
  const [batch] = sender.sent;
  assert.equal(batch?.kind, 'batch');
  assert.deepEqual(batch?.messages, messages, 'every message, in the order sent');
  assert.equal(timers.armed, 0, 'the delay timer is cleared when the size sends the group');
  assert.equal(accumulator.heldBytes, 1_100);
  batch?.answer(batchResult(messages, 40));
  const answered = await Promise.all(results);
  assert.deepEqual(answered.map((result) => result.queueOffset), messages.map((_, index) => 40 + index));
  assert.deepEqual(answered.map((result) => result.msgId), messages.map((each) => each.msgId));
  assert.deepEqual(answered.map((result) => result.offsetMsgId), messages.map((_, index) => `OFF${40 + index}`));
  assert.ok(answered.every((result) => result.messageQueue.queueId === 3 && result.sendStatus === 'SEND_OK'));
  assert.equal(accumulator.heldBytes, 0);
});

test('autoBatch - a group that does not fill goes out batchMaxDelayMs after its first message', async () => {
  const { timers, sender, accumulator } = setup({ batchMaxDelayMs: 10 });
  const first = accumulator.send(message(), DEFAULT);
  timers.advance(6);
  const second = accumulator.send(message(), DEFAULT);
  timers.advance(3);
  assert.equal(sender.sent.length, 0, 'nothing before the delay');
  timers.advance(1);
  assert.equal(sender.sent.length, 1);
  assert.equal(sender.sent[0]?.messages.length, 2);
  sender.sent[0]?.answer(batchResult(sender.sent[0].messages, 0));
  assert.deepEqual((await Promise.all([first, second])).map((result) => result.queueOffset), [0, 1]);
  // A late timer does not hold a message longer: the next add sends it.
  accumulator.send(message(), DEFAULT).catch(() => undefined);
  timers.time += 50;
  accumulator.send(message(), DEFAULT).catch(() => undefined);
  assert.equal(sender.sent.length, 2);
  assert.equal(sender.sent[1]?.messages.length, 2);
});

test('autoBatch - a group of one message goes out as a plain send with its own result', async () => {
  const { timers, sender, accumulator } = setup();
  const single = message();
  const pending = accumulator.send(single, DEFAULT);
  timers.advance(10);
  assert.equal(sender.sent[0]?.kind, 'one');
  const own = { ...batchResult([single], 7), offsetMsgId: 'OFF-SINGLE' };
  sender.sent[0]?.answer(own);
  assert.equal(await pending, own);
});

test('autoBatch - groups are kept apart by topic, queue, tags and waitStoreMsgOK', () => {
  const { timers, sender, accumulator } = setup();
  const queue: SendTarget = { kind: 'queue', queue: new MessageQueue('T', 'broker-a', 1) };
  const otherQueue: SendTarget = { kind: 'queue', queue: new MessageQueue('T', 'broker-a', 2) };
  const sends: [Message, SendTarget][] = [
    [message(), DEFAULT],
    [message(), DEFAULT],
    [message({ topic: 'U' }), DEFAULT],
    [message({ tags: 'A' }), DEFAULT],
    [message({ tags: 'B' }), DEFAULT],
    [message({ tags: 'A' }), DEFAULT],
    [message({ waitStoreMsgOK: false }), DEFAULT],
    [message(), queue],
    [message(), queue],
    [message(), otherQueue],
  ];
  for (const [each, target] of sends) accumulator.send(each, target).catch(() => undefined);
  assert.equal(accumulator.waitingGroups, 7);
  timers.advance(10);
  const sizes = sender.sent.map((sent) => sent.messages.length).sort();
  assert.deepEqual(sizes, [1, 1, 1, 1, 2, 2, 2]);
  const byQueue = sender.sent.filter((sent) => sent.target.kind === 'queue');
  assert.deepEqual(byQueue.map((sent) => (sent.target.kind === 'queue' ? sent.target.queue.queueId : -1)).sort(), [1, 2]);
  const tagged = sender.sent.filter((sent) => sent.messages[0]?.tags === 'A');
  assert.equal(tagged.length, 1);
  assert.equal(tagged[0]?.messages.length, 2);
});

test('autoBatch - delays, timers, retry topics, transactions and selectors go alone', () => {
  const { accumulator } = setup();
  assert.equal(accumulator.canBatch(message(), DEFAULT), true);
  assert.equal(accumulator.canBatch(message({ delayLevel: 3 }), DEFAULT), false);
  assert.equal(accumulator.canBatch(message({ deliverTimeMs: 5 }), DEFAULT), false);
  for (const name of [MessageConst.TIMER_DELAY_MS, MessageConst.TIMER_DELAY_SEC, MessageConst.PRODUCER_GROUP, MessageConst.TRANSACTION_PREPARED]) {
    const marked = message();
    marked.properties.set(name, '1');
    assert.equal(accumulator.canBatch(marked, DEFAULT), false, name);
  }
  assert.equal(accumulator.canBatch(message({ topic: '%RETRY%G' }), DEFAULT), false);
  assert.equal(accumulator.canBatch(message(), { kind: 'selector', selector: (queues) => queues[0] as MessageQueue, message: message() }), false);
});

test('autoBatch - past totalBatchMaxBytes held, sends go alone until answers free it', async () => {
  const { sender, accumulator } = setup({ batchMaxBytes: 250, totalBatchMaxBytes: 600 });
  const first = Array.from({ length: 3 }, () => message({ size: 100 }));
  const answers = first.map((each) => accumulator.send(each, DEFAULT));
  const second = Array.from({ length: 3 }, () => message({ size: 100 }));
  second.forEach((each) => accumulator.send(each, DEFAULT).catch(() => undefined));
  assert.equal(accumulator.heldBytes, 600);
  assert.equal(accumulator.canBatch(message(), DEFAULT), false, 'the bound is reached');
  sender.sent[0]?.answer(batchResult(first, 0));
  await Promise.all(answers);
  assert.equal(accumulator.heldBytes, 300);
  assert.equal(accumulator.canBatch(message(), DEFAULT), true);
});

test('autoBatch - a failed batch fails every caller, and the bytes are freed', async () => {
  const { timers, sender, accumulator } = setup();
  const pending = [accumulator.send(message(), DEFAULT), accumulator.send(message(), DEFAULT)];
  timers.advance(10);
  const failure = new Error('broker gone');
  sender.sent[0]?.fail(failure);
  for (const each of pending) await assert.rejects(each, (error) => error === failure);
  assert.equal(accumulator.heldBytes, 0);
});

test('autoBatch - a sender that throws at once rejects the promises of its group instead of throwing out of send()', async () => {
  const timers = new ManualTimers();
  const failure = new Error('bad batch');
  const throwing: BatchSender = {
    sendBatch: () => {
      throw failure;
    },
    sendOne: () => Promise.reject(failure),
  };
  const accumulator = new ProduceAccumulator({ batchMaxDelayMs: 10, batchMaxBytes: 150, totalBatchMaxBytes: 10_000 }, throwing, timers);
  const first = accumulator.send(message(), DEFAULT);
  const second = accumulator.send(message(), DEFAULT);
  await assert.rejects(first, (error) => error === failure);
  await assert.rejects(second, (error) => error === failure);
  assert.equal(accumulator.heldBytes, 0);
});

test('autoBatch - flushAll sends every waiting group and waits for the answers', async () => {
  const { sender, accumulator } = setup();
  const pending = [accumulator.send(message(), DEFAULT), accumulator.send(message(), DEFAULT), accumulator.send(message({ topic: 'U' }), DEFAULT)];
  let flushed = false;
  const flushing = accumulator.flushAll().then(() => (flushed = true));
  assert.equal(sender.sent.length, 2);
  assert.equal(accumulator.waitingGroups, 0);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(flushed, false, 'still waiting for the answers');
  for (const sent of sender.sent) sent.answer(batchResult(sent.messages, 0));
  await flushing;
  assert.equal((await Promise.all(pending)).length, 3);
});

test('splitBatchResult - ids that do not match the batch are an error; one id (a batch queue) goes to every message', () => {
  const messages = [message(), message(), message()];
  assert.throws(() => splitBatchResult({ ...batchResult(messages, 0), offsetMsgId: 'A,B' }, messages), /sendResult is illegal/);
  const whole = { ...batchResult(messages, 5), offsetMsgId: 'ONE' };
  assert.deepEqual(splitBatchResult(whole, messages), [whole, whole, whole]);
});
