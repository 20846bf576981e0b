import type { AppError, Channel, EventName, EventOf, Reply, RequestOf } from './contract';
import type { DesktopBridge } from './desktop';

/**
 * The wire format of web mode's WebSocket (`/ws?token=…`) and the shape the Electron preload exposes.
 * Both carry only what the contract declares; main validates everything that arrives.
 *
 * `id` is made by the client and unique within its session (a random session prefix and a counter),
 * 1..128 characters. The server remembers recent ids: a request sent again with the same id (after a
 * reconnect) gets the first reply and never runs twice. A message the server cannot read answers
 * `{id: null, reply: {ok: false, …}}` when it has no usable id.
 * `hello` is the server's first message on every connection: `instance` changes when the server
 * restarts, which tells a client that its requests in flight were lost rather than remembered.
 */
export type ClientMessage = { id: string; channel: string; request: unknown };
export type ServerMessage =
  | { id: string | null; reply: Reply<Channel> }
  | { event: EventName; payload: EventOf<EventName> }
  | { hello: { instance: string } };

/** WebSocket close code for a missing or wrong token (4000-4999 are the application's). */
export const WS_CLOSE_UNAUTHORIZED = 4401;
/** HTTP API: a retried POST with the same key answers the first reply (header names are lower case in Node). */
export const IDEMPOTENCY_HEADER = 'idempotency-key';

/** HTTP API of web mode: POST /api/<channel> with the request as JSON body, token as Bearer. */
export const API_PATH_PREFIX = '/api/';
export const WS_PATH = '/ws';
export const TOKEN_PARAM = 'token';

/**
 * What the Electron preload puts on `window.workbench`: one named function per contract channel
 * (built from the contract's list, so there is no call for an arbitrary channel), and event subscription
 * limited to the contract's events.
 */
export type PreloadBridge = {
  requests: { [C in Channel]: (request: RequestOf<C>) => Promise<Reply<C>> };
  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void;
  /** Native dialogs and menu commands (src-shared/desktop.ts); only the Electron preload has them. */
  desktop?: DesktopBridge;
};

export function unauthorizedError(): AppError {
  return { code: 'unauthorized', message: 'missing or wrong token: open the URL the workbench printed at start' };
}

/** Electron IPC: the two transport channels the preload uses; contract channel names travel inside. */
export const IPC_REQUEST = 'workbench:request';
export const IPC_EVENT = 'workbench:event';
