/**
 * options.ts: every option of Producer, PushConsumer and LitePullConsumer, declared once with its
 * type, RocketMQ's default (ClientConfig, DefaultMQProducer, DefaultMQPushConsumer,
 * DefaultLitePullConsumer), its bounds and a one-line doc. Names are Java's, so a Java user finds
 * them; units are Java's too and are named in each doc.
 *
 * validateOptions() checks every key, reports every problem at once, refuses keys it does not know
 * and returns a frozen object; it never mutates its input. The only environment reads of the client
 * are here: NAMESRV_ADDR when namesrvAddr is not given, and ROCKETMQ_SERIALIZE_TYPE when
 * serializeType is not, as RocketMQ's clients do.
 */
import { homedir, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { splitHostPort } from '../message/index.js';
import { createLogger, type Logger } from '../log/index.js';
import { illegalArgument } from './errors.js';
import { AllocateMessageQueueAveragely, type AllocateMessageQueueStrategy } from './rebalance/allocate.js';

interface OptionSpec<T> {
  readonly doc: string;
  readonly default: () => T;
  /** The problem with `value`, or undefined when it is acceptable. */
  check(value: unknown): string | undefined;
  /** The stored value (a normalised form of an acceptable input). */
  normalize?(value: T): T;
}

type Schema = Readonly<Record<string, OptionSpec<unknown>>>;
export type OptionsOf<S extends Schema> = { readonly [K in keyof S]: S[K] extends OptionSpec<infer T> ? T : never };
/** What a caller passes: any subset of the keys. */
export type OptionsInput<S extends Schema> = { readonly [K in keyof S]?: S[K] extends OptionSpec<infer T> ? T : never };

function int(defaultValue: number, doc: string, min: number, max = 2 ** 31 - 1): OptionSpec<number> {
  return {
    doc,
    default: () => defaultValue,
    check: (value) => (typeof value !== 'number' || !Number.isSafeInteger(value) ? 'is not an integer' : value < min || value > max ? `${value} is outside ${min}..${max}` : undefined),
  };
}

function bool(defaultValue: boolean, doc: string): OptionSpec<boolean> {
  return { doc, default: () => defaultValue, check: (value) => (typeof value === 'boolean' ? undefined : 'is not a boolean') };
}

function text(defaultValue: () => string, doc: string, problem: (value: string) => string | undefined = () => undefined): OptionSpec<string> {
  return { doc, default: defaultValue, check: (value) => (typeof value !== 'string' ? 'is not a string' : problem(value)) };
}

function oneOf<const V extends string>(values: readonly V[], defaultValue: V, doc: string): OptionSpec<V> {
  return {
    doc,
    default: () => defaultValue,
    check: (value) => ((values as readonly unknown[]).includes(value) ? undefined : `is not one of ${values.join(', ')}`),
  };
}

const GROUP_PATTERN = /^[%|a-zA-Z0-9_-]+$/;
const GROUP_LENGTH_MAX = 120;

/** Validators.checkGroup, plus the default group names Java refuses. */
function groupProblem(reserved: string): (group: string) => string | undefined {
  return (group) => {
    if (group.trim().length === 0) return 'the specified group is blank';
    if (group.length > GROUP_LENGTH_MAX) return `the specified group[${group}] is longer than group max length: ${GROUP_LENGTH_MAX}.`;
    if (!GROUP_PATTERN.test(group)) return `the specified group[${group}] contains illegal characters, allowing only ^[%|a-zA-Z0-9_-]+$`;
    if (group === reserved) return `can not equal ${reserved}, please specify another one.`;
    return undefined;
  };
}

/** "host:port;host:port" (NameServerAddressUtils); empty means "not configured". */
function namesrvProblem(addresses: string): string | undefined {
  for (const address of splitNamesrvAddr(addresses)) {
    try {
      splitHostPort(address);
    } catch {
      return `"${address}" is not host:port`;
    }
  }
  return undefined;
}

export function splitNamesrvAddr(addresses: string): string[] {
  return addresses.split(';').map((address) => address.trim()).filter((address) => address.length > 0);
}

/** The first non-loopback IPv4 address (ClientConfig.clientIP, NetworkUtil.getLocalAddress). */
function localIPv4(): string {
  for (const addresses of Object.values(networkInterfaces())) {
    for (const address of addresses ?? []) if (address.family === 'IPv4' && !address.internal) return address.address;
  }
  return '127.0.0.1';
}

let defaultLogger: Logger | undefined;

/** The logger of clients given none: warnings and errors on stdout. */
function sharedLogger(): Logger {
  defaultLogger ??= createLogger({ level: 'warn' });
  return defaultLogger;
}

const logger: OptionSpec<Logger> = {
  doc: 'A pino logger; by default warnings and errors go to stdout.',
  default: sharedLogger,
  check: (value) => (typeof value === 'object' && value !== null && typeof (value as Logger).warn === 'function' ? undefined : 'is not a logger'),
};

type SerializeTypeName = 'JSON' | 'ROCKETMQ';

const serializeType: OptionSpec<SerializeTypeName> = {
  doc: 'Header encoding of requests: ROCKETMQ (binary, RocketMQSerializable; cheaper to write and read) or JSON; ROCKETMQ_SERIALIZE_TYPE when not given, as rocketmq.serialize.type in Java. RocketMQ servers read both and answer in kind.',
  // An environment value other than the two is reported by check(), as a given one would be.
  default: () => (process.env['ROCKETMQ_SERIALIZE_TYPE'] ?? 'ROCKETMQ') as SerializeTypeName,
  check: (value) => (value === 'JSON' || value === 'ROCKETMQ' ? undefined : `${JSON.stringify(value)} is not JSON or ROCKETMQ`),
};

/** ClientConfig: what every producer and consumer has. */
const ClientConfigSchema = {
  namesrvAddr: text(() => process.env['NAMESRV_ADDR'] ?? '', 'Name servers, "host:port;host:port"; NAMESRV_ADDR when not given.', namesrvProblem),
  clientIP: text(localIPv4, 'This client\'s address in its client id (ip@instanceName) and in message ids.', (value) => (value.length === 0 ? 'is empty' : undefined)),
  instanceName: text(() => 'DEFAULT', 'Instance name in the client id; "DEFAULT" becomes "<pid>#<counter>" for producers and clustering consumers.', (value) =>
    value.length === 0 || value.includes('@') ? 'is empty or holds "@"' : undefined),
  namespace: text(() => '', 'Namespace put in front of every topic and group ("ns%topic"); none when empty.', (value) =>
    value.length > 0 && !GROUP_PATTERN.test(value) ? 'holds characters outside [%|a-zA-Z0-9_-]' : undefined),
  pollNameServerInterval: int(30_000, 'Interval between route refreshes from the name servers, ms.', 10, 86_400_000),
  heartbeatBrokerInterval: int(30_000, 'Interval between heartbeats to every broker, ms.', 10, 86_400_000),
  persistConsumerOffsetInterval: int(5_000, 'Interval between commits of consumed offsets, ms.', 10, 86_400_000),
  mqClientApiTimeout: int(3_000, 'Timeout of route, heartbeat and other control requests, ms.', 1, 600_000),
  serializeType,
  logger,
} as const;

export const ProducerOptionsSchema = {
  ...ClientConfigSchema,
  groupName: text(() => '', 'Producer group (producerGroup); required.', groupProblem('DEFAULT_PRODUCER')),
  createTopicKey: text(() => 'TBW102', 'Template topic a broker copies when it creates a topic on the first send.'),
  defaultTopicQueueNums: int(4, 'Queues of a topic created on the first send.', 1, 1024),
  sendMsgTimeout: int(3_000, 'Timeout of one send, all retries included, ms.', 1, 600_000),
  compressMsgBodyOverHowmuch: int(4 * 1024, 'Bodies of at least this many bytes are sent zlib-compressed, bytes.', 0),
  compressLevel: int(5, 'zlib level of compressed bodies.', 0, 9),
  retryTimesWhenSendFailed: int(2, 'Retries of a failed send, on another broker when there is one.', 0, 64),
  retryAnotherBrokerWhenNotStoreOK: bool(false, 'Retry a send answered FLUSH_DISK_TIMEOUT, FLUSH_SLAVE_TIMEOUT or SLAVE_NOT_AVAILABLE.'),
  maxMessageSize: int(4 * 1024 * 1024, 'Largest body (batches: the encoded batch) a send accepts, bytes.', 1),
  sendLatencyFaultEnable: bool(false, 'Avoid, for a while, brokers that failed or answered slowly (MQFaultStrategy).'),
  autoBatch: bool(false, 'Gather send() calls into SEND_BATCH_MESSAGE batches per topic, queue, tags and waitStoreMsgOK (ProduceAccumulator).'),
  batchMaxDelayMs: int(10, 'autoBatch: longest a message waits for its batch to fill, ms.', 1, 30_000),
  batchMaxBytes: int(32 * 1024, 'autoBatch: a batch is sent once its bodies pass this many bytes.', 1, 2 * 1024 * 1024),
  totalBatchMaxBytes: int(32 * 1024 * 1024, 'autoBatch: bodies held in batches not yet answered; past it a send goes alone, bytes.', 1),
} as const;

export type ProducerOptionsResolved = OptionsOf<typeof ProducerOptionsSchema>;
export type ProducerOptions = OptionsInput<typeof ProducerOptionsSchema> & { readonly groupName: string };

export const MessageModel = { CLUSTERING: 'CLUSTERING', BROADCASTING: 'BROADCASTING' } as const;
export type MessageModel = (typeof MessageModel)[keyof typeof MessageModel];

export const ConsumeFromWhere = {
  CONSUME_FROM_LAST_OFFSET: 'CONSUME_FROM_LAST_OFFSET',
  CONSUME_FROM_FIRST_OFFSET: 'CONSUME_FROM_FIRST_OFFSET',
  CONSUME_FROM_TIMESTAMP: 'CONSUME_FROM_TIMESTAMP',
} as const;
export type ConsumeFromWhere = (typeof ConsumeFromWhere)[keyof typeof ConsumeFromWhere];

/** Java's consumeTimestamp format, yyyyMMddHHmmss in local time, to ms; undefined when malformed. */
export function parseConsumeTimestamp(value: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/.exec(value);
  if (!match) return undefined;
  const [year, month, day, hour, minute, second] = match.slice(1).map(Number) as [number, number, number, number, number, number];
  const date = new Date(year, month - 1, day, hour, minute, second);
  return date.getMonth() === month - 1 && date.getDate() === day ? date.getTime() : undefined;
}

const strategy: OptionSpec<AllocateMessageQueueStrategy> = {
  doc: 'How the group splits queues; AllocateMessageQueueAveragely by default.',
  default: () => new AllocateMessageQueueAveragely(),
  check: (value) =>
    typeof value === 'object' && value !== null && typeof (value as AllocateMessageQueueStrategy).allocate === 'function' && typeof (value as AllocateMessageQueueStrategy).name === 'string'
      ? undefined
      : 'is not an AllocateMessageQueueStrategy',
};

const consumeTimestamp: OptionSpec<number | string> = {
  doc: 'Where CONSUME_FROM_TIMESTAMP starts: ms since the epoch, or Java\'s yyyyMMddHHmmss; 30 minutes ago by default.',
  default: () => Date.now() - 30 * 60 * 1000,
  check: (value) =>
    typeof value === 'number' ? (Number.isSafeInteger(value) && value >= 0 ? undefined : 'is not a time in ms') : typeof value === 'string' && parseConsumeTimestamp(value) !== undefined ? undefined : 'is not ms or yyyyMMddHHmmss',
  normalize: (value) => (typeof value === 'string' ? (parseConsumeTimestamp(value) ?? 0) : value),
};

const ConsumerBaseSchema = {
  ...ClientConfigSchema,
  groupName: text(() => '', 'Consumer group (consumerGroup); required.', groupProblem('DEFAULT_CONSUMER')),
  messageModel: oneOf(Object.values(MessageModel), 'CLUSTERING', 'CLUSTERING shares the queues of the group; BROADCASTING gives every client every message.'),
  consumeFromWhere: oneOf(Object.values(ConsumeFromWhere), 'CONSUME_FROM_LAST_OFFSET', 'Where a group without a committed offset starts.'),
  consumeTimestamp,
  allocateMessageQueueStrategy: strategy,
  pullThresholdForQueue: int(1000, 'Pulling of a queue pauses while this many of its messages wait to be consumed.', 1, 65535),
  pullThresholdSizeForQueue: int(100, 'Pulling of a queue pauses while this many MiB of its messages wait to be consumed.', 1, 1024),
  offsetStoreDir: text(() => join(homedir(), '.rocketmq_offsets'), 'Folder of broadcasting offsets: <dir>/<clientId>/<group>/offsets.json.', (value) => (value.length === 0 ? 'is empty' : undefined)),
  rebalanceInterval: int(20_000, 'Interval between rebalances (rocketmq.client.rebalance.waitInterval), ms.', 10, 86_400_000),
} as const;

export const PushConsumerOptionsSchema = {
  ...ConsumerBaseSchema,
  consumeThreadMax: int(20, 'Most listener calls running at once.', 1, 1000),
  consumeConcurrentlyMaxSpan: int(2000, 'Pulling of a queue pauses while its waiting messages span more offsets than this.', 1, 65535),
  pullInterval: int(0, 'Pause between two pulls of a queue, ms.', 0, 65535),
  consumeMessageBatchMaxSize: int(1, 'Most messages handed to one listener call.', 1, 1024),
  pullBatchSize: int(32, 'Most messages one pull asks for.', 1, 1024),
  pullBatchSizeInBytes: int(256 * 1024, 'Most bytes one pull asks for (maxMsgBytes).', 1),
  postSubscriptionWhenPull: bool(false, 'Send the subscription with every pull instead of relying on the heartbeat.'),
  maxReconsumeTimes: int(-1, 'Deliveries before a message goes to the DLQ; -1 means 16 (orderly: Integer.MAX_VALUE, retried locally for ever).', -1, 65535),
  orderly: bool(false, 'Consume orderly (MessageListenerOrderly): lock each queue on its broker and consume it one batch at a time, in order.'),
  suspendCurrentQueueTimeMillis: int(1_000, 'Orderly: pause before a suspended batch is consumed again, ms.', 10, 30_000),
  consumeTimeout: int(15, 'A message consumed for longer than this is sent back for a later retry, minutes.', 1, 1_440),
  awaitTerminationMillisWhenShutdown: int(0, 'How long shutdown() waits for running listeners; 0 waits up to consumeTimeout, ms.', 0, 86_400_000),
  pullTimeDelayMillsWhenException: int(3_000, 'Pause before pulling a queue again after a failed pull, ms.', 0, 600_000),
} as const;

export type PushConsumerOptionsResolved = OptionsOf<typeof PushConsumerOptionsSchema>;
export type PushConsumerOptions = OptionsInput<typeof PushConsumerOptionsSchema> & { readonly groupName: string };

export const LitePullConsumerOptionsSchema = {
  ...ConsumerBaseSchema,
  autoCommit: bool(true, 'Commit what poll() returned, every autoCommitIntervalMillis.'),
  autoCommitIntervalMillis: int(5_000, 'Interval between automatic commits, ms.', 1000, 86_400_000),
  pullBatchSize: int(10, 'Most messages one pull asks for.', 1, 1024),
  pullThresholdForAll: int(10_000, 'Pulling pauses while this many pulled messages wait for poll().', 1),
  consumeMaxSpan: int(2000, 'Pulling of a queue pauses while its waiting messages span more offsets than this.', 1, 65535),
  pollTimeoutMillis: int(5_000, 'Default timeout of poll() and of each wait of the async iterator, ms.', 0, 86_400_000),
  brokerSuspendMaxTimeMillis: int(20_000, 'How long the broker holds a pull that finds nothing (long polling), ms.', 0, 600_000),
  consumerTimeoutMillisWhenSuspend: int(30_000, 'Client timeout of a held pull, ms.', 1, 600_000),
  topicMetadataCheckIntervalMillis: int(30_000, 'Interval between checks of the queues of assigned topics, ms.', 10, 86_400_000),
  pullTimeDelayMillsWhenException: int(1_000, 'Pause before pulling a queue again after a failed pull, ms.', 0, 600_000),
} as const;

export type LitePullConsumerOptionsResolved = OptionsOf<typeof LitePullConsumerOptionsSchema>;
export type LitePullConsumerOptions = OptionsInput<typeof LitePullConsumerOptionsSchema> & { readonly groupName: string };

/**
 * Checks `input` against `schema` and fills in the defaults. Throws one MQClientError (code -1)
 * listing every problem: wrong types, values out of bounds, unknown keys.
 */
export function validateOptions<S extends Schema>(what: string, schema: S, input: object): OptionsOf<S> {
  const problems: string[] = [];
  const values: Record<string, unknown> = {};
  for (const key of Object.keys(input)) {
    if (!Object.hasOwn(schema, key)) problems.push(`${key}: unknown option`);
  }
  for (const [key, spec] of Object.entries(schema)) {
    const given = (input as Record<string, unknown>)[key];
    const value = given === undefined ? spec.default() : given;
    const problem = spec.check(value);
    if (problem !== undefined) problems.push(`${key}: ${problem}`);
    values[key] = spec.normalize ? spec.normalize(value) : value;
  }
  if (problems.length > 0) throw illegalArgument(`invalid ${what} options:\n  ${problems.join('\n  ')}`);
  return Object.freeze(values) as OptionsOf<S>;
}

/** The docs of a schema, "key (default): doc", for README and error messages. */
export function describeOptions(schema: Schema): string[] {
  return Object.entries(schema).map(([key, spec]) => `${key}: ${spec.doc}`);
}

export function validateProducerOptions(input: ProducerOptions): ProducerOptionsResolved {
  return validateOptions('Producer', ProducerOptionsSchema, input);
}

export function validatePushConsumerOptions(input: PushConsumerOptions): PushConsumerOptionsResolved {
  return validateOptions('PushConsumer', PushConsumerOptionsSchema, input);
}

export function validateLitePullConsumerOptions(input: LitePullConsumerOptions): LitePullConsumerOptionsResolved {
  const options = validateOptions('LitePullConsumer', LitePullConsumerOptionsSchema, input);
  if (options.consumerTimeoutMillisWhenSuspend < options.brokerSuspendMaxTimeMillis) {
    throw illegalArgument('Long polling mode, the consumer consumerTimeoutMillisWhenSuspend must greater than brokerSuspendMaxTimeMillis');
  }
  return options;
}
