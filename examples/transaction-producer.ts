/**
 * transaction-producer.ts: RocketMQ's transaction example (TransactionProducer with a
 * TransactionListener): ten half messages to TopicTest, each local transaction left UNKNOWN, so the
 * broker asks the checker back; the checker commits, rolls back or leaves a transaction unknown
 * by its number (like Java's TransactionListenerImpl). Only the committed ones reach consumers.
 * The broker checks after transactionTimeOut (6 s) at its transactionCheckInterval (60 s here;
 * `-c` a broker.conf with transactionCheckInterval=5000 to see it sooner); Ctrl-C stops it.
 *
 *   npm run build && npx tsc -p examples && node dist/examples/transaction-producer.js
 */
import { Message, TransactionProducer, type LocalTransactionState } from '../src/index.js';

const tags = ['TagA', 'TagB', 'TagC', 'TagD', 'TagE'];
/** What the local transaction of each message ended with, by its key (Java's localTrans map). */
const outcome = new Map<string, LocalTransactionState>();
const checked = new Set<string>();

const producer = new TransactionProducer({
  groupName: 'please_rename_unique_group_name',
  namesrvAddr: process.env['NAMESRV_ADDR'] ?? '127.0.0.1:9876',
  checker: (message) => {
    const state = outcome.get(message.keys ?? '') ?? 'UNKNOWN';
    checked.add(message.keys ?? '');
    console.log(`check ${message.keys ?? ''} (${message.msgId}) → ${state}`);
    return state;
  },
});
await producer.start();
for (let index = 0; index < 10; index++) {
  const key = `KEY${index}`;
  const message = new Message({ topic: 'TopicTest', tags: tags[index % tags.length], keys: key, body: `Hello RocketMQ ${index}` });
  const result = await producer.sendInTransaction(message, () => {
    // The local transaction: remember how it "ended"; answer UNKNOWN so the broker checks back.
    outcome.set(key, (['UNKNOWN', 'COMMIT', 'ROLLBACK'] as const)[index % 3] ?? 'UNKNOWN');
    return 'UNKNOWN';
  });
  console.log(`${key}: ${result.sendStatus} ${result.msgId} local transaction ${result.localTransactionState}`);
}
console.log('Waiting for the broker to check the transactions (Ctrl-C to stop).');
const done = setInterval(() => {
  if ([...outcome].every(([key, state]) => state === 'UNKNOWN' || checked.has(key))) void stop();
}, 1000);
async function stop(): Promise<void> {
  clearInterval(done);
  await producer.shutdown();
  console.log('Producer stopped.');
}
process.once('SIGINT', () => void stop());
