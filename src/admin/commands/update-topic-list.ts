// mqadmin updateTopicList (-b addr | -c cluster) -f file (UpdateTopicListSubCommand): create or
// update every topic of a JSON array of TopicConfig (Java's field names) in one
// UPDATE_AND_CREATE_TOPIC_LIST per broker.
import { readFile } from 'node:fs/promises';
import { BodyError, decodeTopicConfigArray, type TopicConfig } from '../../protocol/index.js';
import { AdminError, option, requiredValue, type AdminCommand } from '../command.js';
import { createAndUpdateTopicConfigList } from '../ops/topic.js';
import { brokerOrCluster } from './update-topic.js';

/** Largest file read, bytes. */
const TOPIC_LIST_FILE_BYTES_MAX = 64 * 1024 * 1024;

async function readTopicConfigs(fileName: string): Promise<TopicConfig[]> {
  let text: string;
  try {
    const bytes = await readFile(fileName);
    if (bytes.length > TOPIC_LIST_FILE_BYTES_MAX) throw new AdminError(`${fileName} is larger than ${TOPIC_LIST_FILE_BYTES_MAX} bytes`);
    text = bytes.toString('utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new AdminError(`the file path ${fileName} does not exists`);
    if (error instanceof AdminError) throw error;
    throw new AdminError(`cannot read ${fileName}: ${(error as Error).message}`);
  }
  try {
    return decodeTopicConfigArray(text);
  } catch (error) {
    if (error instanceof BodyError) throw new AdminError(`${fileName}: ${error.message}`);
    throw error;
  }
}

export const updateTopicListCommand: AdminCommand = {
  name: 'updateTopicList',
  description: 'create or update topic in batch',
  options: [
    option.optional('b', 'brokerAddr', 'create topic to which broker'),
    option.optional('c', 'clusterName', 'create topic to which cluster'),
    option.required('f', 'filename', 'Path to a file with list of org.apache.rocketmq.common.TopicConfig in json format'),
  ],
  async run(ctx, values) {
    const target = brokerOrCluster(values);
    const configs = await readTopicConfigs(requiredValue(values, 'filename').trim());
    if (configs.length === 0) return;
    const brokers = 'broker' in target ? [target.broker] : await ctx.admin.masterAddrsOfCluster(target.cluster);
    for (const addr of brokers) {
      await createAndUpdateTopicConfigList(ctx.admin, addr, configs);
      ctx.out(`submit batch of topic config to ${addr} success, please check the result later.`);
    }
  },
};
