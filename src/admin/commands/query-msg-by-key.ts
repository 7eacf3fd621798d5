// mqadmin queryMsgByKey -t <topic> -k <key> [-b <ms>] [-e <ms>] [-m <maxNum>] [-c <cluster>]
// (QueryMsgByKeySubCommand): the messages of a topic with a key, through QUERY_MESSAGE on every
// broker of the topic; one line per message: msgId, queue id, queue offset.
import { intValue, option, requiredValue, type AdminCommand, type OptionValues } from '../command.js';
import { AdminError } from '../errors.js';
import { javaFormat } from '../java-format.js';
import { LONG_MAX, queryMessages } from '../ops/message.js';

/** A Java long option (e.g. a timestamp), kept exact; `fallback` when absent. */
export function longValue(values: OptionValues, long: string, fallback: bigint): bigint {
  const value = values[long];
  if (value === undefined) return fallback;
  const text = typeof value === 'string' ? value.trim() : '';
  if (!/^-?\d+$/.test(text) || BigInt(text) > LONG_MAX || BigInt(text) < -LONG_MAX - 1n) throw new AdminError(`option --${long}: "${String(value)}" is not a long`);
  return BigInt(text);
}

export const queryMsgByKeyCommand: AdminCommand = {
  name: 'queryMsgByKey',
  description: 'Query Message by Key.',
  options: [
    option.required('t', 'topic', 'Topic name'),
    option.required('k', 'msgKey', 'Message Key'),
    option.optional('b', 'beginTimestamp', 'Begin timestamp(ms). default:0, eg:1676730526212'),
    option.optional('e', 'endTimestamp', 'End timestamp(ms). default:Long.MAX_VALUE, eg:1676730526212'),
    option.optional('m', 'maxNum', 'The maximum number of messages returned by the query, default:64'),
    option.optional('c', 'cluster', 'Cluster name or lmq parent topic, lmq is used to find the route.'),
  ],
  async run(ctx, values) {
    const topic = requiredValue(values, 'topic').trim();
    const key = requiredValue(values, 'msgKey').trim();
    const begin = longValue(values, 'beginTimestamp', 0n);
    const end = longValue(values, 'endTimestamp', LONG_MAX);
    const maxNum = intValue(values, 'maxNum', 64);
    const cluster = typeof values['cluster'] === 'string' ? values['cluster'].trim() : undefined;
    const messages = await queryMessages(ctx.admin, { topic, key, maxNum, begin, end, unique: false, cluster });
    ctx.out(javaFormat('%-50s %4s %40s', '#Message ID', '#QID', '#Offset'));
    for (const message of messages) ctx.out(javaFormat('%-50s %4d %40d', message.msgId, message.queueId, message.queueOffset));
  },
};
