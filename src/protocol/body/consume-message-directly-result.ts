/**
 * consume-message-directly-result.ts: ConsumeMessageDirectlyResult, the body a client answers
 * CONSUME_MESSAGE_DIRECTLY (309) with: whether it consumes orderly, whether offsets auto-commit,
 * the listener's outcome as a CMResult name, a remark (the error when the listener threw) and how
 * long the listener ran. Written as fastjson does: keys sorted, null fields left out.
 */
import { BodyError } from '../errors.js';
import { parseBody } from './fastjson.js';
import { asBoolean, asInteger, asObject, asString, optional } from './shape.js';

/** CMResult: the outcome of a direct consumption. */
export const CMResult = {
  CR_SUCCESS: 'CR_SUCCESS',
  CR_LATER: 'CR_LATER',
  CR_ROLLBACK: 'CR_ROLLBACK',
  CR_COMMIT: 'CR_COMMIT',
  CR_THROW_EXCEPTION: 'CR_THROW_EXCEPTION',
  CR_RETURN_NULL: 'CR_RETURN_NULL',
} as const;
export type CMResult = (typeof CMResult)[keyof typeof CMResult];

const CM_RESULTS: ReadonlySet<string> = new Set(Object.values(CMResult));

export interface ConsumeMessageDirectlyResult {
  readonly order: boolean;
  readonly autoCommit: boolean;
  /** Absent when the listener answered a status with no CMResult (Java's switch default). */
  readonly consumeResult?: CMResult | undefined;
  readonly remark?: string | undefined;
  readonly spentTimeMills: number;
}

export function encodeConsumeMessageDirectlyResult(result: ConsumeMessageDirectlyResult): Buffer {
  const json: Record<string, unknown> = { autoCommit: result.autoCommit };
  if (result.consumeResult !== undefined) json['consumeResult'] = result.consumeResult;
  json['order'] = result.order;
  if (result.remark !== undefined) json['remark'] = result.remark;
  json['spentTimeMills'] = result.spentTimeMills;
  return Buffer.from(JSON.stringify(json));
}

function asCMResult(value: unknown): CMResult {
  const name = asString(value, 'consumeMessageDirectlyResult.consumeResult');
  if (!CM_RESULTS.has(name)) throw new BodyError(`consumeMessageDirectlyResult.consumeResult: unknown CMResult ${name}`);
  return name as CMResult;
}

export function decodeConsumeMessageDirectlyResult(body: Buffer | undefined): ConsumeMessageDirectlyResult {
  const root = asObject(parseBody(body, 'consume message directly result'), 'consumeMessageDirectlyResult');
  return {
    order: optional(root['order'], false, (v) => asBoolean(v, 'consumeMessageDirectlyResult.order')),
    autoCommit: optional(root['autoCommit'], true, (v) => asBoolean(v, 'consumeMessageDirectlyResult.autoCommit')),
    consumeResult: optional(root['consumeResult'], undefined, asCMResult),
    remark: optional(root['remark'], undefined, (v) => asString(v, 'consumeMessageDirectlyResult.remark')),
    spentTimeMills: optional(root['spentTimeMills'], 0, (v) => asInteger(v, 'consumeMessageDirectlyResult.spentTimeMills')),
  };
}

/** ConsumeMessageDirectlyResult.toString(), what mqadmin prints (absent values as null). */
export function consumeMessageDirectlyResultToString(result: ConsumeMessageDirectlyResult): string {
  return (
    `ConsumeMessageDirectlyResult [order=${result.order}, autoCommit=${result.autoCommit}, consumeResult=${result.consumeResult ?? 'null'}, ` +
    `remark=${result.remark ?? 'null'}, spentTimeMills=${result.spentTimeMills}]`
  );
}
