// RequestCode.REGISTER_TOPIC_IN_NAMESRV (217): a broker registering one topic's queues
// (RegisterTopicRequestHeader.java); the body is a TopicRouteData holding only queueDatas.
import { header, str, type Infer } from './define.js';

export const RegisterTopicRequestHeader = header({ topic: str() });
export type RegisterTopicRequestHeader = Infer<typeof RegisterTopicRequestHeader>;
