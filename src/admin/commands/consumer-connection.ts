// mqadmin consumerConnection -g <group> [-b <broker>]: a consumer group's clients (id, address,
// language, version), its subscriptions and consume settings (ConsumerConnectionSubCommand).
import { option, requiredValue, type AdminCommand } from '../command.js';
import { javaFormat } from '../java-format.js';
import { examineConsumerConnection } from '../ops/consumer.js';
import { versionDesc } from '../ops/mq-version.js';

export const consumerConnectionCommand: AdminCommand = {
  name: 'consumerConnection',
  description: "Query consumer's socket connection, client version and subscription.",
  options: [option.required('g', 'consumerGroup', 'consumer group name'), option.optional('b', 'brokerAddr', 'broker address')],
  async run(ctx, values) {
    const group = requiredValue(values, 'consumerGroup').trim();
    const broker = values['brokerAddr'];
    const connection = await examineConsumerConnection(ctx.admin, group, typeof broker === 'string' ? broker.trim() : undefined);
    ctx.out(javaFormat('%-36s %-22s %-10s %s', '#ClientId', '#ClientAddr', '#Language', '#Version'));
    for (const client of connection.connectionSet) {
      ctx.out(javaFormat('%-36s %-22s %-10s %s', client.clientId, client.clientAddr, client.language, versionDesc(client.version)));
    }
    ctx.out('');
    ctx.out('Below is subscription:');
    ctx.out(javaFormat('%-20s %s', '#Topic', '#SubExpression'));
    for (const subscription of connection.subscriptionTable) ctx.out(javaFormat('%-20s %s', subscription.topic, subscription.subString));
    ctx.out('');
    ctx.out(`ConsumeType: ${connection.consumeType ?? 'null'}`);
    ctx.out(`MessageModel: ${connection.messageModel ?? 'null'}`);
    ctx.out(`ConsumeFromWhere: ${connection.consumeFromWhere ?? 'null'}`);
  },
};
