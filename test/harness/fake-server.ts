/**
 * fake-server.ts: a remoting server that plays name server and broker at once for client tests:
 * it records every request a client sends (code, language, version, flag, extFields, body) and
 * answers with a test's script, so tests can check frames field for field, or make a broker stall
 * or answer garbage. Every start has a stop.
 */
import { createResponse, isOneway, ResponseCode, type ExtFields, type RemotingCommand } from '../../src/protocol/index.js';
import { RemotingServer, type Connection } from '../../src/remoting/index.js';
import { testLogger } from '../../src/log/index.js';

export interface RecordedRequest {
  readonly code: number;
  readonly language: string;
  readonly version: number;
  readonly flag: number;
  readonly extFields: ExtFields;
  readonly body: Buffer | undefined;
}

export interface FakeAnswer {
  readonly code?: number;
  readonly remark?: string;
  readonly extFields?: ExtFields;
  readonly body?: Buffer;
}

/** Answers a request; undefined means "never answer" (a stalled server). */
export type FakeScript = (request: RemotingCommand, connection: Connection) => FakeAnswer | undefined | Promise<FakeAnswer | undefined>;

export interface FakeServer {
  readonly address: string;
  readonly requests: RecordedRequest[];
  /** Requests of one code, in arrival order. */
  of(code: number): RecordedRequest[];
  /** The client connections seen so far (to send requests to clients). */
  readonly connections: Connection[];
  stop(): Promise<void>;
}

export async function startFakeServer(script: FakeScript): Promise<FakeServer> {
  const requests: RecordedRequest[] = [];
  const connections: Connection[] = [];
  const server = new RemotingServer({
    logger: testLogger(),
    onConnect: (connection) => connections.push(connection),
    onRequest: (connection, request) => {
      requests.push({ code: request.code, language: request.language, version: request.version, flag: request.flag, extFields: request.extFields, body: request.body });
      void (async () => {
        const answer = await script(request, connection);
        if (answer !== undefined && !isOneway(request)) {
          connection.send(createResponse(request, answer.code ?? ResponseCode.SUCCESS, { remark: answer.remark, extFields: answer.extFields ?? {}, body: answer.body }));
        }
      })().finally(() => connection.requestDone());
    },
  });
  const port = await server.listen(0, '127.0.0.1');
  return {
    address: `127.0.0.1:${port}`,
    requests,
    connections,
    of: (code) => requests.filter((request) => request.code === code),
    stop: () => server.close(),
  };
}
