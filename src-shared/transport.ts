import type { AppError, Channel, EventName, EventOf, Reply, RequestOf } from './contract';

/**
 * The wire format of web mode's WebSocket (`/ws?token=…`) and the shape the Electron preload exposes.
 * Both carry only what the contract declares; main validates everything that arrives.
 */
export type ClientMessage = { id: number; channel: string; request: unknown };
export type ServerMessage =
  | { id: number; reply: Reply<Channel> }
  | { event: EventName; payload: EventOf<EventName> };

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
};

export function unauthorizedError(): AppError {
  return { code: 'unauthorized', message: 'missing or wrong token: open the URL the workbench printed at start' };
}

/** Electron IPC: the two transport channels the preload uses; contract channel names travel inside. */
export const IPC_REQUEST = 'workbench:request';
export const IPC_EVENT = 'workbench:event';
