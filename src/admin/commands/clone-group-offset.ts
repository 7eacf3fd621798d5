// mqadmin cloneGroupOffset -s <srcGroup> -d <destGroup> -t <topic> [-o true]: copies a group's
// committed offsets of a topic to another group on every broker of the source group's retry
// topic (DefaultMQAdminExt.cloneGroupOffset: CLONE_GROUP_OFFSET 314).
import { option, requiredValue, type AdminCommand } from '../command.js';
import { cloneGroupOffset } from '../ops/consumer.js';

export const cloneGroupOffsetCommand: AdminCommand = {
  name: 'cloneGroupOffset',
  description: 'Clone offset from other group.',
  options: [
    option.required('s', 'srcGroup', 'set source consumer group'),
    option.required('d', 'destGroup', 'set destination consumer group'),
    option.required('t', 'topic', 'set the topic'),
    option.optional('o', 'offline', 'the group or the topic is offline'),
  ],
  async run(ctx, values) {
    const srcGroup = requiredValue(values, 'srcGroup').trim();
    const destGroup = requiredValue(values, 'destGroup').trim();
    const topic = requiredValue(values, 'topic').trim();
    const offline = typeof values['offline'] === 'string' && values['offline'].trim().toLowerCase() === 'true';
    await cloneGroupOffset(ctx.admin, srcGroup, destGroup, topic, offline);
    ctx.out(`clone group offset success. srcGroup[${srcGroup}], destGroup=[${destGroup}], topic[${topic}]`);
  },
};
