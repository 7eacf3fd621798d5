/**
 * dispatcher.ts: turns requests into handler calls and handler outcomes into responses. It is
 * the only place that answers REQUEST_CODE_NOT_SUPPORTED, maps a HeaderError or BodyError to
 * SYSTEM_ERROR with its message (the connection stays open, as in Java), maps a
 * ResponseCodeError to its code and remark, and echoes `opaque`. A oneway request gets no answer.
 *
 * Handlers are declared one per request code and collected in a table by each server.
 */
import { AssertionError } from 'node:assert';
import {
  BodyError,
  createResponse,
  describeRequestCode,
  HeaderError,
  isOneway,
  ResponseCode,
  ResponseCodeError,
  type ExtFields,
  type TypedHeader,
  type Fields,
  type HeaderCodec,
  type HeaderValue,
  type RemotingCommand,
} from '../protocol/index.js';
import type { Logger } from '../log/index.js';
import type { Connection } from './connection.js';

/** What a handler answers. Omitted code means SUCCESS. */
export interface HandlerResult {
  readonly code?: number;
  readonly remark?: string;
  readonly extFields?: ExtFields;
  /** Response header fields still typed (HeaderCodec.typed), written before extFields. */
  readonly typedHeader?: TypedHeader;
  readonly body?: Buffer | undefined;
}

export interface HandlerRequest<H> {
  readonly header: H;
  readonly command: RemotingCommand;
  readonly connection: Connection;
}

export interface Handler<Ctx> {
  readonly code: number;
  /** True when the handler reads a ROCKETMQ binary header in place from the request's frame (RemotingCommand.frame). */
  readonly readsInPlace?: boolean;
  handle(ctx: Ctx, command: RemotingCommand, connection: Connection): Promise<HandlerResult> | HandlerResult;
}

/** The request's header: read in place from its frame when the codec can, else decoded from its extFields (which name any error). */
function headerOf<F extends Fields>(codec: HeaderCodec<F>, command: RemotingCommand): HeaderValue<F> {
  const frame = command.frame;
  if (frame !== undefined && codec.readBinary !== undefined) {
    const value = codec.readBinary(frame);
    if (value !== undefined) return value;
  }
  return codec.decode(command.extFields);
}

/** Declares the handler of one request code whose extFields decode with `header`. */
export function defineHandler<Ctx, F extends Fields>(spec: {
  readonly code: number;
  readonly header: HeaderCodec<F>;
  handle(ctx: Ctx, request: HandlerRequest<HeaderValue<F>>): Promise<HandlerResult> | HandlerResult;
}): Handler<Ctx> {
  return {
    code: spec.code,
    readsInPlace: spec.header.readBinary !== undefined,
    handle: (ctx, command, connection) => spec.handle(ctx, { header: headerOf(spec.header, command), command, connection }),
  };
}

/** A handler of a request that has no header fields. */
export function defineBodyHandler<Ctx>(spec: {
  readonly code: number;
  handle(ctx: Ctx, request: HandlerRequest<undefined>): Promise<HandlerResult> | HandlerResult;
}): Handler<Ctx> {
  return { code: spec.code, handle: (ctx, command, connection) => spec.handle(ctx, { header: undefined, command, connection }) };
}

export function ok(extFields?: ExtFields, body?: Buffer): HandlerResult {
  return { code: ResponseCode.SUCCESS, ...(extFields ? { extFields } : {}), body };
}

function notSupported(request: RemotingCommand): HandlerResult {
  return { code: ResponseCode.REQUEST_CODE_NOT_SUPPORTED, remark: ` request type ${request.code} not supported` };
}

export class Dispatcher<Ctx> {
  private readonly handlers = new Map<number, Handler<Ctx>>();
  private readonly inPlace = new Set<number>();

  constructor(
    handlers: readonly Handler<Ctx>[],
    private readonly ctx: Ctx,
    private readonly logger: Logger,
  ) {
    for (const handler of handlers) {
      if (this.handlers.has(handler.code)) throw new Error(`two handlers for ${describeRequestCode(handler.code)}`);
      this.handlers.set(handler.code, handler);
      if (handler.readsInPlace === true) this.inPlace.add(handler.code);
    }
  }

  /** True when the handler of `code` reads a binary header in place (the connections' readsInPlace). */
  readsInPlace(code: number): boolean {
    return this.inPlace.has(code);
  }

  get codes(): readonly number[] {
    return [...this.handlers.keys()];
  }

  /**
   * Handles one request and sends its answer; never throws (bugs are re-thrown asynchronously).
   * A handler that answers at once is answered at once; a promise gets one then(), no async chain.
   */
  dispatch(connection: Connection, request: RemotingCommand): void {
    const handler = this.handlers.get(request.code);
    let pending: Promise<HandlerResult> | HandlerResult;
    try {
      pending = handler === undefined ? notSupported(request) : handler.handle(this.ctx, request, connection);
    } catch (error) {
      this.finish(connection, request, this.errorResponse(request, connection, error));
      return;
    }
    if (!(pending instanceof Promise)) {
      this.finish(connection, request, createResponse(request, pending.code ?? ResponseCode.SUCCESS, pending));
      return;
    }
    pending.then(
      (result) => this.finish(connection, request, createResponse(request, result.code ?? ResponseCode.SUCCESS, result)),
      (error: unknown) => this.finish(connection, request, this.errorResponse(request, connection, error)),
    );
  }

  /** The response a request gets; exposed for tests that drive handlers without a socket. */
  async respond(connection: Connection, request: RemotingCommand): Promise<RemotingCommand> {
    const handler = this.handlers.get(request.code);
    try {
      const result = await (handler === undefined ? notSupported(request) : handler.handle(this.ctx, request, connection));
      return createResponse(request, result.code ?? ResponseCode.SUCCESS, result);
    } catch (error) {
      return this.errorResponse(request, connection, error);
    }
  }

  private finish(connection: Connection, request: RemotingCommand, response: RemotingCommand): void {
    if (!isOneway(request)) connection.send(response);
    connection.requestDone();
  }

  private errorResponse(request: RemotingCommand, connection: Connection, error: unknown): RemotingCommand {
    return createResponse(request, ...this.errorAnswer(request, connection, error));
  }

  private errorAnswer(request: RemotingCommand, connection: Connection, error: unknown): [number, { remark: string }] {
    if (error instanceof AssertionError) {
      // A failed assertion is a bug, never a response code: let it crash loudly.
      process.nextTick(() => {
        throw error;
      });
    }
    if (error instanceof ResponseCodeError) return [error.code, { remark: error.remark }];
    const where = { peer: connection.remoteAddress, request: describeRequestCode(request.code) };
    if (error instanceof HeaderError || error instanceof BodyError) {
      this.logger.debug({ ...where, reason: error.message }, 'bad request');
      return [ResponseCode.SYSTEM_ERROR, { remark: error.message }];
    }
    this.logger.error({ ...where, err: error }, 'request failed');
    return [ResponseCode.SYSTEM_ERROR, { remark: error instanceof Error ? error.message : String(error) }];
  }
}
