// mqadmin skipAccumulatedMessage -g <group> -t <topic> [-f]: moves a group's offsets on a topic to
// the end of each queue, telling its live clients (SkipAccumulationSubCommand: a reset to
// timestamp -1).
import { booleanValue, option, requiredValue, type AdminCommand } from '../command.js';
import { resetOnline } from './reset-offset-by-time.js';

export const skipAccumulatedMessageCommand: AdminCommand = {
  name: 'skipAccumulatedMessage',
  description: 'Skip all messages that are accumulated (not consumed) currently.',
  options: [
    option.required('g', 'group', 'set the consumer group'),
    option.required('t', 'topic', 'set the topic'),
    option.optional('f', 'force', 'set the force rollback by timestamp switch[true|false]'),
    option.optional('c', 'cluster', 'Cluster name or lmq parent topic, lmq is used to find the route.'),
  ],
  async run(ctx, values) {
    await resetOnline(ctx, {
      group: requiredValue(values, 'group').trim(),
      topic: requiredValue(values, 'topic').trim(),
      timestamp: -1,
      text: '-1',
      force: booleanValue(values, 'force', true),
      skip: true,
    });
  },
};
