import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ProcessQueue } from './process-queue.js';
import { ReceivedMessage } from './received-message.js';

function message(queueOffset: number, bytes = 10): ReceivedMessage {
  const record = {
    size: 0,
    bodyCrc: 0,
    queueId: 0,
    flag: 0,
    queueOffset,
    commitLogOffset: queueOffset * 100,
    sysFlag: 0,
    bornTimestamp: 0,
    bornHost: Buffer.alloc(8),
    storeTimestamp: 0,
    storeHost: Buffer.alloc(8),
    reconsumeTimes: 0,
    preparedTransactionOffset: 0,
  };
  return new ReceivedMessage('T', Buffer.alloc(bytes), {}, record, 'broker-a', undefined, 0);
}

const offsets = (messages: readonly ReceivedMessage[]): number[] => messages.map((held) => held.queueOffset);

test('ProcessQueue: the committable offset is the first one held, or one past the last pulled', () => {
  const queue = new ProcessQueue();
  assert.equal(queue.removeMessage([message(0)]), -1, 'nothing held before');
  const pulled = [10, 11, 12, 15, 16].map((offset) => message(offset));
  queue.putMessage(pulled);
  assert.equal(queue.msgCount, 5);
  assert.equal(queue.msgSize, 50);
  assert.equal(queue.maxSpan(), 6);
  // Consumed out of order: the offset stays at the first one still held.
  assert.equal(queue.removeMessage([pulled[1] as ReceivedMessage, pulled[3] as ReceivedMessage]), 10);
  assert.equal(queue.removeMessage([pulled[0] as ReceivedMessage]), 12);
  assert.equal(queue.firstMessage(), pulled[2]);
  assert.equal(queue.msgCount, 2);
  assert.equal(queue.msgSize, 20);
  assert.equal(queue.removeMessage([pulled[4] as ReceivedMessage, pulled[2] as ReceivedMessage]), 17);
  assert.equal(queue.msgCount, 0);
  assert.equal(queue.msgSize, 0);
  assert.equal(queue.firstOffset(), undefined);
  assert.equal(queue.maxSpan(), 0);
});

test('ProcessQueue: an offset already held is not counted twice; one below the last is sorted into place', () => {
  const queue = new ProcessQueue();
  const first = message(5);
  queue.putMessage([first, message(6)]);
  queue.putMessage([message(5, 99), message(7)]);
  assert.equal(queue.msgCount, 3);
  assert.equal(queue.msgSize, 30);
  assert.ok(queue.containsMessage(first));
  queue.putMessage([message(3)]);
  assert.equal(queue.firstOffset(), 3);
  assert.equal(queue.removeMessage([message(3)]), 5);
});

test('ProcessQueue: a queue that held thousands through steady consumption keeps its offsets and counts', () => {
  const queue = new ProcessQueue();
  let committed = -1;
  let next = 0;
  // Pulls of 32, consumed one by one a little behind (as a concurrent consumer does).
  for (let pull = 0; pull < 300; pull++) {
    const batch = Array.from({ length: 32 }, () => message(next++));
    queue.putMessage(batch);
    for (const consumed of batch.slice(0, 30)) committed = queue.removeMessage([consumed]);
  }
  assert.equal(queue.msgCount, 600);
  assert.equal(queue.msgSize, 6000);
  // Each pull left its last two (32p + 30 and 32p + 31): the first of them all is the committable offset.
  assert.equal(committed, 30);
  assert.equal(queue.firstOffset(), 30);
  assert.equal(queue.maxSpan(), 32 * 300 - 1 - 30);
});

test('ProcessQueue (orderly): takeMessages, commit, and messages given back go to the front in order', () => {
  const queue = new ProcessQueue();
  queue.putMessage([1, 2, 3, 4, 5].map((offset) => message(offset)));
  const taken = queue.takeMessages(3);
  assert.deepEqual(offsets(taken), [1, 2, 3]);
  assert.equal(queue.msgCount, 5, 'a batch being consumed still counts');
  assert.equal(queue.firstOffset(), 4);
  queue.makeMessageToConsumeAgain(taken.slice(1));
  assert.equal(queue.msgCount, 5);
  assert.deepEqual(offsets(queue.takeMessages(10)), [2, 3, 4, 5]);
  assert.equal(queue.commit(), 6);
  assert.equal(queue.msgCount, 0);
  assert.equal(queue.msgSize, 0);
  assert.equal(queue.commit(), -1);
});
