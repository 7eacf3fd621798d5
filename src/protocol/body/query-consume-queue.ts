/**
 * query-consume-queue.ts: QueryConsumeQueueResponseBody, the answer of QUERY_CONSUME_QUEUE (321):
 * the queue's min and max index, its entries from the asked index (ConsumeQueueData: CommitLog
 * offset, size, tags hash), and with a consumer group its subscription and filter data.
 */
import { parseBody } from './fastjson.js';
import { decodeSubscription, type SubscriptionData } from './heartbeat.js';
import { asArray, asBoolean, asInteger, asObject, asString, optional } from './shape.js';

export interface ConsumeQueueData {
  readonly physicOffset: number;
  readonly physicSize: number;
  readonly tagsCode: number;
  readonly extendDataJson?: string | undefined;
  readonly bitMap?: string | undefined;
  readonly eval: boolean;
  readonly msg?: string | undefined;
}

export interface QueryConsumeQueueResponseBody {
  readonly subscriptionData?: SubscriptionData | undefined;
  readonly filterData?: string | undefined;
  readonly queueData?: readonly ConsumeQueueData[] | undefined;
  readonly maxQueueIndex: number;
  readonly minQueueIndex: number;
}

function sorted(object: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.keys(object).sort().filter((key) => object[key] !== undefined).map((key) => [key, object[key]]));
}

/** fastjson's form: keys in alphabetical order, null fields left out. */
export function encodeQueryConsumeQueueResponseBody(body: QueryConsumeQueueResponseBody): Buffer {
  return Buffer.from(
    JSON.stringify(
      sorted({
        filterData: body.filterData,
        maxQueueIndex: body.maxQueueIndex,
        minQueueIndex: body.minQueueIndex,
        queueData: body.queueData?.map((data) => sorted({ ...data })),
        subscriptionData: body.subscriptionData === undefined ? undefined : sorted({ ...body.subscriptionData }),
      }),
    ),
  );
}

function decodeConsumeQueueData(value: unknown, path: string): ConsumeQueueData {
  const object = asObject(value, path);
  const text = (name: string): string | undefined => optional(object[name], undefined, (v) => asString(v, `${path}.${name}`));
  return {
    physicOffset: asInteger(object['physicOffset'], `${path}.physicOffset`),
    physicSize: asInteger(object['physicSize'], `${path}.physicSize`),
    tagsCode: optional(object['tagsCode'], 0, (v) => asInteger(v, `${path}.tagsCode`)),
    extendDataJson: text('extendDataJson'),
    bitMap: text('bitMap'),
    eval: optional(object['eval'], false, (v) => asBoolean(v, `${path}.eval`)),
    msg: text('msg'),
  };
}

/** Throws BodyError. */
export function decodeQueryConsumeQueueResponseBody(body: Buffer | undefined): QueryConsumeQueueResponseBody {
  const root = asObject(parseBody(body, 'queryConsumeQueue'), 'queryConsumeQueue');
  return {
    subscriptionData: optional(root['subscriptionData'], undefined, (v) => decodeSubscription(v, 'queryConsumeQueue.subscriptionData')),
    filterData: optional(root['filterData'], undefined, (v) => asString(v, 'queryConsumeQueue.filterData')),
    queueData: optional(root['queueData'], undefined, (v) =>
      asArray(v, 'queryConsumeQueue.queueData').map((item, index) => decodeConsumeQueueData(item, `queryConsumeQueue.queueData[${index}]`)),
    ),
    maxQueueIndex: optional(root['maxQueueIndex'], 0, (v) => asInteger(v, 'queryConsumeQueue.maxQueueIndex')),
    minQueueIndex: optional(root['minQueueIndex'], 0, (v) => asInteger(v, 'queryConsumeQueue.minQueueIndex')),
  };
}

/** ConsumeQueueData.toString(), as queryCq prints each entry. */
export function consumeQueueDataToString(data: ConsumeQueueData): string {
  const quoted = (text: string | undefined): string => `'${text ?? 'null'}'`;
  return `ConsumeQueueData{physicOffset=${data.physicOffset}, physicSize=${data.physicSize}, tagsCode=${data.tagsCode}, extendDataJson=${quoted(data.extendDataJson)}, bitMap=${quoted(data.bitMap)}, eval=${data.eval}, msg=${quoted(data.msg)}}`;
}
