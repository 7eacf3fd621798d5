// mqadmin queryMsgByUniqueKey -t <topic> -i <uniqueKey> [-a] [-c <cluster>] (QueryMsgByUniqueKeySubCommand):
// the message whose UNIQ_KEY (the msgId a producer gets) is the given id, through QUERY_MESSAGE
// with _UNIQUE_KEY_QUERY=true; the earliest stored, or with -a every copy (up to 32).
import { option, requiredValue, type AdminCommand } from '../command.js';
import { AdminError } from '../errors.js';
import { messageBlockLines } from '../ops/message-format.js';
import { describeError, LONG_MAX, messageTracks, queryMessages, writeBodyFile } from '../ops/message.js';

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
    if (values['consumerGroup'] !== undefined && values['clientId'] !== undefined) {
      throw new AdminError('pushing a message to a consumer (-g with -d, CONSUME_MESSAGE_DIRECTLY) is not supported yet');
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
