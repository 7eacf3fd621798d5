// mqadmin queryMsgByUniqueKey -t <topic> -i <uniqueKey> [-a] [-c <cluster>] (QueryMsgByUniqueKeySubCommand):
// the message whose UNIQ_KEY (the msgId a producer gets) is the given id, through QUERY_MESSAGE
// with _UNIQUE_KEY_QUERY=true; the earliest stored, or with -a every copy (up to 32).
// With -g <group> -d <clientId> the message is pushed to that client instead, whose listener
// consumes it (CONSUME_MESSAGE_DIRECTLY); its ConsumeMessageDirectlyResult is printed.
import { option, requiredValue, type AdminCommand, type AdminContext } from '../command.js';
import { consumeMessageDirectly, isPushConsumer, type DirectPush } from '../ops/message-direct.js';
import { consumeMessageDirectlyResultToString } from '../../protocol/index.js';
import { AdminError } from '../errors.js';
import { messageBlockLines } from '../ops/message-format.js';
import { describeError, LONG_MAX, messageTracks, queryMessages, writeBodyFile } from '../ops/message.js';

/** The -g -d branch of QueryMsgByUniqueKeySubCommand.execute, with its messages. */
async function push(ctx: AdminContext, target: DirectPush): Promise<void> {
  let pushType = false;
  try {
    pushType = await isPushConsumer(ctx.admin, target.group, target.clientId);
  } catch (error) {
    if (!(error instanceof AdminError)) throw error;
    ctx.out(`get consumer runtime info for ${target.clientId} client failed `);
  }
  if (!pushType) {
    ctx.out(`get consumer info failed or this ${target.clientId} client is not push consumer, not support direct push `);
    return;
  }
  ctx.out(consumeMessageDirectlyResultToString(await consumeMessageDirectly(ctx.admin, target)));
}

export const queryMsgByUniqueKeyCommand: AdminCommand = {
  name: 'queryMsgByUniqueKey',
  description: 'Query Message by Unique key.',
  options: [
    option.required('i', 'msgId', 'Message Id'),
    option.optional('g', 'consumerGroup', 'consumer group name'),
    option.optional('d', 'clientId', "The consumer's client id"),
    option.required('t', 'topic', 'The topic of msg'),
    option.flag('a', 'showAll', 'Print all message, the limit is 32'),
    option.optional('c', 'cluster', 'Cluster name or lmq parent topic, lmq is used to find the route.'),
  ],
  async run(ctx, values) {
    const msgId = requiredValue(values, 'msgId').trim();
    const topic = requiredValue(values, 'topic').trim();
    if (typeof values['consumerGroup'] === 'string' && typeof values['clientId'] === 'string') {
      await push(ctx, { group: values['consumerGroup'].trim(), clientId: values['clientId'].trim(), topic, msgId });
      return;
    }
    const cluster = typeof values['cluster'] === 'string' ? values['cluster'].trim() : undefined;
    const found = await queryMessages(ctx.admin, { topic, key: msgId, maxNum: 32, begin: 0, end: LONG_MAX, unique: true, cluster });
    const sorted = [...found].sort((a, b) => a.storeTimestamp - b.storeTimestamp);
    const shown = values['showAll'] === true ? sorted : sorted.slice(0, 1);
    for (const [index, message] of shown.entries()) {
      for (const line of messageBlockLines(message, await writeBodyFile(message, index), false)) ctx.out(line);
      try {
        const tracks = await messageTracks(ctx.admin, message);
        ctx.out('');
        ctx.out('');
        for (const track of tracks.length === 0 ? ['WARN: No Consumer'] : tracks) ctx.out(track);
      } catch (error) {
        ctx.err(`message track of ${message.msgId} failed: ${describeError(error)}`);
      }
    }
  },
};
