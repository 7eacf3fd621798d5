// mqadmin clusterRT [-a amount] [-s size] [-c cluster] [-p true] [-m room] [-i seconds]
// (CLusterSendMsgRTCommand): sends `amount` messages of `size` bytes to each broker's own topic
// (the topic named after the broker, on its master) and prints the mean send time, ms, leaving out
// the first send (a connection's start), then again every interval until stopped (Ctrl-C), as Java.
import { AdminError } from '../errors.js';
import { intValue, option, booleanValue, type AdminCommand, type AdminContext } from '../command.js';
import { javaFormat } from '../java-format.js';
import { brokersOf, sendToBroker, type BrokerEntry } from '../ops/broker.js';

const AMOUNT_MAX = 1_000_000;
const SIZE_MAX = 4 * 1024 * 1024;
const INTERVAL_MAX_S = 86_400;

/** "yyyy-MM-dd HH:mm:ss" in GMT+8, as Java's getCurTime. */
function chinaTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

async function measure(ctx: AdminContext, broker: BrokerEntry, amount: number, body: Buffer, group: string): Promise<{ rt: number; success: number; fail: number }> {
  let elapsed = 0;
  let success = 0;
  let fail = 0;
  for (let index = 0; index < amount; index++) {
    const start = ctx.now();
    let stored = false;
    try {
      stored = await sendToBroker(ctx.admin, broker.address, group, broker.brokerName, body, start);
    } catch (error) {
      if (!(error instanceof AdminError)) throw error;
    }
    if (stored) success++;
    else fail++;
    if (index !== 0) elapsed += ctx.now() - start;
  }
  return { rt: elapsed / (amount - 1), success, fail };
}

export const clusterRTCommand: AdminCommand = {
  name: 'clusterRT',
  description: 'List All clusters Message Send RT.',
  options: [
    option.optional('a', 'amount', 'message amount | default 100'),
    option.optional('s', 'size', 'message size | default 128 Byte'),
    option.optional('c', 'cluster', 'cluster name | default display all cluster'),
    option.optional('p', 'print log', 'print as tlog | default false'),
    option.optional('m', 'machine room', 'machine room name | default noname'),
    option.optional('i', 'interval', 'print interval | default 10 seconds'),
  ],
  async run(ctx, values) {
    const amount = intValue(values, 'amount', 100, 2, AMOUNT_MAX);
    const body = Buffer.alloc(intValue(values, 'size', 128, 1, SIZE_MAX), 'a');
    const intervalMs = intValue(values, 'interval', 10, 0, INTERVAL_MAX_S) * 1000;
    const tlog = booleanValue(values, 'print log', false);
    const room = typeof values['machine room'] === 'string' ? values['machine room'].trim() : 'noname';
    const cluster = typeof values['cluster'] === 'string' ? values['cluster'].trim() : undefined;
    const group = String(ctx.now());
    if (!tlog) ctx.out(javaFormat('%-24s  %-24s  %-4s  %-8s  %-8s', '#Cluster Name', '#Broker Name', '#RT', '#successCount', '#failCount'));
    for (;;) {
      const info = await ctx.admin.clusterInfo();
      if (cluster !== undefined && info.clusterAddrTable[cluster] === undefined) throw new AdminError(`cluster [${cluster}] not exist`);
      const masters = brokersOf(info, cluster === undefined ? [] : [cluster]).filter((broker) => broker.brokerId === 0);
      for (const broker of masters) {
        const { rt, success, fail } = await measure(ctx, broker, amount, body, group);
        if (tlog) ctx.out(`${chinaTime(ctx.now())}|${room}|${broker.cluster}|${broker.brokerName}|${Math.round(rt)}`);
        else ctx.out(javaFormat('%-24s  %-24s  %-8s  %-16s  %-16s', broker.cluster, broker.brokerName, javaFormat('%.2f', rt), success, fail));
      }
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  },
};
