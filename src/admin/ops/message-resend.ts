/**
 * message-resend.ts: puts a message back on its topic for queryMsgById -s true. A dead letter
 * (%DLQ%<group>) is re-sent by its broker with RESEND_DEAD_LETTER_MESSAGE (800000, ours) to the
 * topic it came from, with reconsumeTimes 0; any other message is sent again by a producer of
 * group ReSendMsgById (Java's tool), to its topic, or for a retry message (%RETRY%<group>) to
 * the topic it was retrying. The answer is Java's SendResult.toString().
 *
 * Must not: keep retry bookkeeping (DELAY, REAL_TOPIC, RECONSUME_TIME, ...) on a re-sent copy,
 * which would delay it again or send it to a retry topic.
 */
import { Message, type SendResult } from '../../client/index.js';
import { DLQ_GROUP_TOPIC_PREFIX, MessageConst, RETRY_GROUP_TOPIC_PREFIX } from '../../message/index.js';
import { describeResponseCode, RequestCode, ResendDeadLetterMessageRequestHeader, ResponseCode, SendMessageResponseHeader } from '../../protocol/index.js';
import type { AdminClient } from '../admin-client.js';
import { AdminError } from '../command.js';
import { clientCall, toolsProducer, type AdminMessage } from './message.js';

const RESEND_PRODUCER_GROUP = 'ReSendMsgById';

const NOT_COPIED: ReadonlySet<string> = new Set([
  MessageConst.DELAY_TIME_LEVEL,
  MessageConst.REAL_TOPIC,
  MessageConst.REAL_QUEUE_ID,
  MessageConst.RETRY_TOPIC,
  MessageConst.RECONSUME_TIME,
  MessageConst.MAX_RECONSUME_TIMES,
  MessageConst.MIN_OFFSET,
  MessageConst.MAX_OFFSET,
]);

const SEND_STATUS: ReadonlyMap<number, string> = new Map([
  [ResponseCode.SUCCESS, 'SEND_OK'],
  [ResponseCode.FLUSH_DISK_TIMEOUT, 'FLUSH_DISK_TIMEOUT'],
  [ResponseCode.FLUSH_SLAVE_TIMEOUT, 'FLUSH_SLAVE_TIMEOUT'],
  [ResponseCode.SLAVE_NOT_AVAILABLE, 'SLAVE_NOT_AVAILABLE'],
]);

/** SendResult.toString(). */
export function sendResultToString(result: { sendStatus: string; msgId: string; offsetMsgId: string; topic: string; brokerName: string; queueId: number; queueOffset: number }): string {
  return (
    `SendResult [sendStatus=${result.sendStatus}, msgId=${result.msgId}, offsetMsgId=${result.offsetMsgId}, ` +
    `messageQueue=MessageQueue [topic=${result.topic}, brokerName=${result.brokerName}, queueId=${result.queueId}], queueOffset=${result.queueOffset}, recallHandle=null]`
  );
}

export function sdkSendResultToString(result: SendResult): string {
  const queue = result.messageQueue;
  return sendResultToString({ ...result, topic: queue.topic, brokerName: queue.brokerName, queueId: queue.queueId });
}

async function resendDeadLetter(admin: AdminClient, message: AdminMessage): Promise<string> {
  const extFields = ResendDeadLetterMessageRequestHeader.encode({ msgId: message.offsetMsgId });
  const response = await admin.broker(message.storeHost, { code: RequestCode.RESEND_DEAD_LETTER_MESSAGE, extFields });
  const sendStatus = SEND_STATUS.get(response.code);
  if (sendStatus === undefined) throw new AdminError(`resend ${message.msgId}: ${describeResponseCode(response.code)} ${response.remark ?? ''}`.trimEnd());
  const header = SendMessageResponseHeader.decode(response.extFields);
  const route = await admin.topicRoute(message.topic).catch(() => undefined);
  const brokerName = route?.brokerDatas.find((broker) => broker.brokerAddrs['0'] === message.storeHost)?.brokerName ?? message.brokerName ?? 'null';
  const topic = message.properties[MessageConst.RETRY_TOPIC] ?? message.properties[MessageConst.DLQ_ORIGIN_TOPIC] ?? 'null';
  return sendResultToString({ sendStatus, msgId: message.msgId, offsetMsgId: header.msgId, topic, brokerName, queueId: header.queueId, queueOffset: header.queueOffset });
}

async function sendAgain(admin: AdminClient, message: AdminMessage): Promise<string> {
  const retrying = message.topic.startsWith(RETRY_GROUP_TOPIC_PREFIX) ? message.properties[MessageConst.RETRY_TOPIC] : undefined;
  const copy = new Message({ topic: retrying ?? message.topic, body: message.body, flag: message.flag });
  copy.properties.clear();
  for (const [name, value] of Object.entries(message.properties)) if (!NOT_COPIED.has(name)) copy.properties.set(name, value);
  const producer = toolsProducer(admin, RESEND_PRODUCER_GROUP);
  try {
    await clientCall('start producer', () => producer.start());
    return sdkSendResultToString(await clientCall(`resend ${message.msgId}`, () => producer.send(copy)));
  } finally {
    await producer.shutdown();
  }
}

/** Re-sends `message` to its topic (see the module comment); the SendResult line. */
export async function resendMessage(admin: AdminClient, message: AdminMessage): Promise<string> {
  return message.topic.startsWith(DLQ_GROUP_TOPIC_PREFIX) ? resendDeadLetter(admin, message) : sendAgain(admin, message);
}
