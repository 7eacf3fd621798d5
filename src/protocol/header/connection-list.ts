// GET_CONSUMER_CONNECTION_LIST (203) and GET_PRODUCER_CONNECTION_LIST (204): a group's live
// clients on a broker (answers: ConsumerConnection / ProducerConnection).
import { header, str, type Infer } from './define.js';

export const GetConsumerConnectionListRequestHeader = header({ consumerGroup: str() });
export type GetConsumerConnectionListRequestHeader = Infer<typeof GetConsumerConnectionListRequestHeader>;

export const GetProducerConnectionListRequestHeader = header({ producerGroup: str() });
export type GetProducerConnectionListRequestHeader = Infer<typeof GetProducerConnectionListRequestHeader>;
