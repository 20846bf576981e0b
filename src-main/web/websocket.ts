import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import type { AppError } from '../../src-shared/contract';
import { TOKEN_PARAM, unauthorizedError, WS_CLOSE_UNAUTHORIZED, WS_PATH, type ServerMessage } from '../../src-shared/transport';
import type { Host } from '../host/host';
import { answer } from './answer';
import { jsonDepth, MAX_JSON_DEPTH, MAX_MESSAGE_BYTES, MAX_REQUEST_ID_LENGTH } from './limits';
import { originRefusal } from './origin';
import type { ReplayCache } from './replay-cache';

export interface SocketContext {
  host: Host;
  cache: ReplayCache;
  /** Changes on every server start; sent as `hello` so clients know whether their ids are remembered. */
  instance: string;
  tokenMatches(given: string | null | undefined): boolean;
}

/** Answers an upgrade it will not perform with a plain HTTP status, and closes. */
function refuseUpgrade(socket: Duplex, status: string, message: string): void {
  socket.end(`HTTP/1.1 ${status}\r\nconnection: close\r\ncontent-type: text/plain\r\ncontent-length: ${Buffer.byteLength(message)}\r\n\r\n${message}`);
}

type Decoded = { id: string | null; channel?: string; request?: unknown; error?: AppError };

/** One text frame as a request, or the typed error to answer it with (and the id, when it had one). */
function decodeMessage(data: RawData, isBinary: boolean): Decoded {
  if (isBinary) return { id: null, error: { code: 'invalid_request', message: 'binary frames are not accepted: send JSON text' } };
  let msg: unknown;
  try {
    msg = JSON.parse(data.toString());
  } catch (error) {
    return { id: null, error: { code: 'invalid_request', message: `the message is not JSON: ${(error as Error).message}` } };
  }
  if (typeof msg !== 'object' || msg === null || Array.isArray(msg)) {
    return { id: null, error: { code: 'invalid_request', message: 'a message is a JSON object {id, channel, request}' } };
  }
  const { id, channel, request } = msg as Record<string, unknown>;
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_REQUEST_ID_LENGTH) {
    return { id: null, error: { code: 'invalid_request', message: `'id' must be a string of 1..${MAX_REQUEST_ID_LENGTH} characters` } };
  }
  if (typeof channel !== 'string') return { id, error: { code: 'invalid_request', message: "'channel' must be a string", field: 'channel' } };
  // The same limit as an HTTP body: the request, not the envelope around it.
  if (jsonDepth(request) > MAX_JSON_DEPTH) return { id, error: { code: 'invalid_request', message: `the request nests deeper than ${MAX_JSON_DEPTH} levels` } };
  return { id, channel, request };
}

/**
 * `/ws?token=…`: the renderer's one connection (requests, replies and events). Every socket has an
 * 'error' listener (a frame over MAX_MESSAGE_BYTES closes with 1009, invalid UTF-8 with 1007, as ws
 * decides, and is logged), so no frame of one client can end the process or touch another client.
 */
export function acceptWebSockets(ctx: SocketContext): { upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void; close(): void } {
  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  wss.on('error', (error) => console.error('web: WebSocket server error:', error.message));

  function attach(ws: WebSocket): void {
    const send = (m: ServerMessage): void => {
      if (ws.readyState !== ws.OPEN) return;
      try {
        ws.send(JSON.stringify(m));
      } catch (error) {
        console.error('web: a message could not be sent:', error);
      }
    };
    const unsubscribe = ctx.host.bus.subscribe((event, payload) => send({ event, payload }));
    ws.on('close', unsubscribe);
    ws.on('message', (data, isBinary) => {
      const m = decodeMessage(data, isBinary);
      if (m.error) return send({ id: m.id, reply: { ok: false, error: m.error } });
      void answer(ctx.host, ctx.cache, `ws:${m.id}`, m.channel!, m.request).then((reply) => send({ id: m.id, reply }));
    });
    send({ hello: { instance: ctx.instance } });
  }

  return {
    upgrade(req, socket, head) {
      socket.on('error', (error) => console.warn('web: socket error during upgrade:', error.message));
      let url: URL;
      try {
        url = new URL(req.url ?? '/', 'http://127.0.0.1');
      } catch {
        return refuseUpgrade(socket, '400 Bad Request', 'malformed URL');
      }
      if (url.pathname !== WS_PATH) return refuseUpgrade(socket, '404 Not Found', `WebSockets are served at ${WS_PATH} only`);
      const refusal = originRefusal(req);
      if (refusal) return refuseUpgrade(socket, '403 Forbidden', refusal);
      wss.handleUpgrade(req, socket, head, (ws) => {
        // Before anything else: ws reports bad frames (size, UTF-8, protocol) here, then closes.
        ws.on('error', (error) => console.warn(`web: WebSocket closed on a bad frame: ${error.message}`));
        if (!ctx.tokenMatches(url.searchParams.get(TOKEN_PARAM))) ws.close(WS_CLOSE_UNAUTHORIZED, unauthorizedError().message);
        else attach(ws);
      });
    },
    close() {
      for (const client of wss.clients) client.terminate();
      wss.close();
    },
  };
}
