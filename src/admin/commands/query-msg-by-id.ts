// mqadmin queryMsgById -t <topic> -i <msgId[,msgId...]> [-f <charset>] [-s true] [-c <cluster>]
// (QueryMsgByIdSubCommand). An offset message id (store host + CommitLog offset, what the broker
// answers a send with) is fetched from the broker it names with VIEW_MESSAGE_BY_ID; any other id
// is taken as a unique key (UNIQ_KEY, the producer's msgId) and looked up with QUERY_MESSAGE.
//
// `-s true` re-sends each message to its topic: this is RocketMQ's own command for a re-send, so
// there is no other name. A dead letter (topic %DLQ%<group>) goes back to its ORIGINAL topic with
// our broker's RESEND_DEAD_LETTER_MESSAGE (800000), which resets its reconsume times; any other
// message is sent again by a producer (group ReSendMsgById) to its topic (a retry message to the
// topic it was retrying), as Java's tool does.
//
// `-g <group> -d <clientId>` pushes each message to that client of the group, whose listener
// consumes it (CONSUME_MESSAGE_DIRECTLY, ops/message-direct.ts); the client's
// ConsumeMessageDirectlyResult is printed as Java's toString.
import { booleanValue, option, requiredValue, type AdminCommand, type AdminContext } from '../command.js';
import { AdminError } from '../errors.js';
import { charsetDecoder, messageDetailLines, queryMessageById } from '../ops/message.js';
import { resendMessage } from '../ops/message-resend.js';
import { consumeMessageDirectly, isPushConsumer, type DirectPush } from '../ops/message-direct.js';
import { consumeMessageDirectlyResultToString } from '../../protocol/index.js';

async function resend(ctx: AdminContext, cluster: string | undefined, topic: string, msgId: string): Promise<void> {
  let message;
  try {
    message = await queryMessageById(ctx.admin, cluster, topic, msgId);
  } catch (error) {
    if (!(error instanceof AdminError)) throw error;
    ctx.out(`no message. msgId=${msgId}`);
    return;
  }
  ctx.out(`prepare resend msg. originalMsgId=${msgId}`);
  ctx.out(await resendMessage(ctx.admin, message));
}

/**
 * QueryMsgByIdSubCommand.pushMsg for each id: the client must be a push consumer; a failed id is
 * reported on stderr and the others still go (Java prints the exception and goes on); exit 1 after.
 */
async function pushAll(ctx: AdminContext, push: Omit<DirectPush, 'msgId'>, ids: readonly string[]): Promise<void> {
  let failed = 0;
  for (const msgId of ids) {
    try {
      if (await isPushConsumer(ctx.admin, push.group, push.clientId)) {
        ctx.out(consumeMessageDirectlyResultToString(await consumeMessageDirectly(ctx.admin, { ...push, msgId })));
      } else {
        ctx.out(`this ${push.clientId} client is not push consumer ,not support direct push `);
      }
    } catch (error) {
      if (!(error instanceof AdminError)) throw error;
      failed += 1;
      ctx.err(`push ${msgId} to ${push.clientId} failed: ${error.message}`);
    }
  }
  if (failed > 0) throw new AdminError(`${failed} of ${ids.length} message(s) were not pushed to ${push.clientId}`);
}

export const queryMsgByIdCommand: AdminCommand = {
  name: 'queryMsgById',
  description: 'Query Message by Id. With -s true, resend the message: a dead letter (%DLQ%) goes back to its original topic (RESEND_DEAD_LETTER_MESSAGE), any other message to its topic.',
  options: [
    option.required('t', 'topic', 'topic name'),
    option.required('i', 'msgId', 'Message Id'),
    option.optional('g', 'consumerGroup', 'consumer group name'),
    option.optional('d', 'clientId', "The consumer's client id"),
    option.optional('s', 'sendMessage', 'resend message'),
    option.optional('u', 'unitName', 'unit name'),
    option.optional('f', 'bodyFormat', 'print message body by the specified format'),
    option.optional('c', 'cluster', 'Cluster name or lmq parent topic, lmq is used to find the route.'),
  ],
  async run(ctx, values) {
    const topic = requiredValue(values, 'topic').trim();
    const ids = requiredValue(values, 'msgId').split(',').map((id) => id.trim()).filter((id) => id.length > 0);
    const cluster = typeof values['cluster'] === 'string' ? values['cluster'].trim() : undefined;
    if (typeof values['consumerGroup'] === 'string' && typeof values['clientId'] === 'string') {
      await pushAll(ctx, { group: values['consumerGroup'].trim(), clientId: values['clientId'].trim(), topic, cluster }, ids);
      return;
    }
    if (values['sendMessage'] !== undefined) {
      if (!booleanValue(values, 'sendMessage', false)) return;
      for (const id of ids) await resend(ctx, cluster, topic, id);
      return;
    }
    const charset = typeof values['bodyFormat'] === 'string' ? charsetDecoder(values['bodyFormat']) : undefined;
    for (const id of ids) {
      const message = await queryMessageById(ctx.admin, cluster, topic, id);
      for (const line of await messageDetailLines(ctx.admin, message, charset, (line) => ctx.err(line))) ctx.out(line);
    }
  },
};
