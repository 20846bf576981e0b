import { ApiError } from '../../src-shared/api-error';
import type { Api, AppError, Channel, EventName, EventOf, Reply, RequestOf, ResponseOf } from '../../src-shared/contract';
import { TOKEN_PARAM, WS_CLOSE_UNAUTHORIZED, WS_PATH, type ClientMessage, type PreloadBridge, type ServerMessage } from '../../src-shared/transport';
import { setConnectionState, type ConnectionState } from './connection';

type Listener = (payload: unknown) => void;

function unwrap<C extends Channel>(reply: Reply<C>): ResponseOf<C> {
  if (reply.ok) return reply.data;
  throw new ApiError(reply.error);
}

/** The Electron client: the preload's named functions. */
export function createPreloadApi(bridge: PreloadBridge): Api {
  return {
    async request(channel, request) {
      const call = bridge.requests[channel] as (r: typeof request) => Promise<Reply<typeof channel>>;
      return unwrap(await call(request));
    },
    on: (event, listener) => bridge.on(event, listener),
  };
}

export interface WebSocketApiOptions {
  /** A request without a reply after this long fails (the server may be hung). */
  requestTimeoutMs?: number;
  /** Requests fail once the client has been without a connection this long; new ones fail at once. */
  offlineGraceMs?: number;
  /** Reconnect delays: initial, doubled per failed attempt, capped. */
  backoffInitialMs?: number;
  backoffMaxMs?: number;
  onStatus?(state: ConnectionState): void;
  /** The prefix of this client's request ids; random by default. */
  sessionId?: string;
}

export const REQUEST_TIMEOUT_MS = 60_000;
export const OFFLINE_GRACE_MS = 6_000;
export const BACKOFF_INITIAL_MS = 250;
export const BACKOFF_MAX_MS = 5_000;

export type WebSocketApi = Api & {
  state(): ConnectionState;
  /** Ends the client: no more reconnects, pending requests fail. */
  close(): void;
};

type Pending = {
  message: ClientMessage;
  resolve: (reply: Reply<Channel>) => void;
  timer: ReturnType<typeof setTimeout>;
  /** The server instance it was last sent to; null while never sent. */
  sentTo: string | null;
};

function fail(code: AppError['code'], message: string): Reply<Channel> {
  return { ok: false, error: { code, message } };
}

function randomSessionId(): string {
  const bytes = new Uint8Array(9);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * The web-mode client: one WebSocket carrying requests (matched to replies by id) and events.
 * - Each request is sent once per connection, when the server's `hello` has arrived.
 * - After a drop it reconnects with exponential backoff (capped) and, if the same server instance
 *   answers, re-sends the requests still pending with their SAME ids: the server remembers ids, so a
 *   request that had already run answers its first reply and nothing runs twice. If the server
 *   restarted (another instance), what was in flight is failed with an error saying it may or may
 *   not have happened: the new server cannot know, and running it blind could start a second run.
 * - Every request settles: a reply, a timeout, the offline grace running out, or a refused token.
 * The connection state (for the disconnected banner) goes to `onStatus`.
 */
export function createWebSocketApi(url: string, options: WebSocketApiOptions = {}): WebSocketApi {
  const requestTimeoutMs = options.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
  const offlineGraceMs = options.offlineGraceMs ?? OFFLINE_GRACE_MS;
  const backoffInitialMs = options.backoffInitialMs ?? BACKOFF_INITIAL_MS;
  const backoffMaxMs = options.backoffMaxMs ?? BACKOFF_MAX_MS;
  const sessionId = options.sessionId ?? randomSessionId();
  let nextId = 1;
  const pending = new Map<string, Pending>();
  const listeners = new Map<EventName, Set<Listener>>();

  let socket: WebSocket | null = null;
  /** The instance of the server the current socket said hello from; null until hello. */
  let readyOn: string | null = null;
  /** The last server instance seen, to tell a reconnect from a restarted server. */
  let lastInstance: string | null = null;
  let state: ConnectionState = { status: 'connecting', attempt: 0 };
  let offlineSince: number | null = null;
  let retryTimer: ReturnType<typeof setTimeout> | null = null;
  let offlineTimer: ReturnType<typeof setTimeout> | null = null;
  let ended = false;

  function setState(next: ConnectionState): void {
    state = next;
    options.onStatus?.(next);
  }

  function settle(id: string, reply: Reply<Channel>): void {
    const p = pending.get(id);
    if (!p) return;
    pending.delete(id);
    clearTimeout(p.timer);
    p.resolve(reply);
  }

  function failAll(reply: Reply<Channel>, which: (p: Pending) => boolean = () => true): void {
    for (const [id, p] of [...pending]) if (which(p)) settle(id, reply);
  }

  function send(p: Pending): void {
    if (!socket || readyOn === null) return;
    try {
      socket.send(JSON.stringify(p.message));
      p.sentTo = readyOn;
    } catch {
      // The socket is closing: onclose follows, and the request goes out on the next connection.
    }
  }

  function unreachable(): Reply<Channel> {
    return fail('internal', `the workbench server is not reachable (no connection for ${Math.round(offlineGraceMs / 1000)} s): is it still running? The page reconnects by itself when it is back`);
  }

  function onHello(instance: string): void {
    if (lastInstance !== null && instance !== lastInstance) {
      failAll(
        fail('internal', 'the workbench server restarted while this request was in flight; it may or may not have been carried out: check, then try again'),
        (p) => p.sentTo !== null,
      );
    }
    lastInstance = instance;
    readyOn = instance;
    offlineSince = null;
    if (offlineTimer) clearTimeout(offlineTimer);
    offlineTimer = null;
    setState({ status: 'connected', attempt: 0 });
    for (const p of pending.values()) send(p);
  }

  function onMessage(data: unknown): void {
    let msg: ServerMessage;
    try {
      msg = JSON.parse(String(data)) as ServerMessage;
    } catch {
      return; // not from our server: nothing to match it to
    }
    if ('hello' in msg) onHello(msg.hello.instance);
    else if ('reply' in msg) {
      if (msg.id !== null) settle(msg.id, msg.reply);
      else console.warn('[workbench] the server could not read a message:', msg.reply);
    } else {
      for (const l of listeners.get(msg.event) ?? []) {
        try {
          l(msg.payload);
        } catch (error) {
          console.error(`[workbench] a listener of ${msg.event} failed:`, error);
        }
      }
    }
  }

  function onClose(ws: WebSocket, code: number, reason: string): void {
    if (socket !== ws) return;
    socket = null;
    readyOn = null;
    try {
      ws.close();
    } catch {
      // already closed
    }
    if (ended) return;
    if (code === WS_CLOSE_UNAUTHORIZED) {
      setState({ status: 'unauthorized', attempt: 0 });
      failAll(fail('unauthorized', reason || 'missing or wrong token'));
      return;
    }
    offlineSince ??= Date.now();
    const attempt = state.status === 'disconnected' ? state.attempt + 1 : 1;
    const delay = Math.min(backoffMaxMs, backoffInitialMs * 2 ** (attempt - 1));
    setState({ status: 'disconnected', attempt });
    retryTimer = setTimeout(connect, delay);
    if (!offlineTimer) {
      offlineTimer = setTimeout(() => {
        offlineTimer = null;
        failAll(unreachable());
      }, Math.max(0, offlineSince + offlineGraceMs - Date.now()));
    }
  }

  function connect(): void {
    retryTimer = null;
    if (socket || ended || state.status === 'unauthorized') return;
    let ws: WebSocket;
    try {
      ws = new WebSocket(url);
    } catch (error) {
      console.error('[workbench] cannot open the WebSocket:', error);
      return;
    }
    socket = ws;
    ws.onmessage = (e) => onMessage(e.data);
    ws.onclose = (e) => onClose(ws, e.code, e.reason);
    // Browsers follow an error with close; Node's WebSocket does not after a refused connect, so an
    // error counts as the close (onClose handles each socket once).
    ws.onerror = () => onClose(ws, 1006, '');
  }

  return {
    request<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
      if (ended) return Promise.reject(new ApiError({ code: 'internal', message: 'the client was closed' }));
      if (state.status === 'unauthorized') return Promise.reject(new ApiError({ code: 'unauthorized', message: 'missing or wrong token: open the URL the workbench printed at start' }));
      if (offlineSince !== null && Date.now() - offlineSince >= offlineGraceMs) {
        const reply = unreachable();
        return Promise.reject(new ApiError((reply as { error: AppError }).error));
      }
      const message: ClientMessage = { id: `${sessionId}-${nextId++}`, channel, request };
      const reply = new Promise<Reply<Channel>>((resolve) => {
        const timer = setTimeout(
          () => settle(message.id, fail('internal', `${channel}: no reply from the workbench within ${Math.round(requestTimeoutMs / 1000)} s`)),
          requestTimeoutMs,
        );
        const p: Pending = { message, resolve, timer, sentTo: null };
        pending.set(message.id, p);
        send(p);
      });
      if (!socket && !retryTimer) connect();
      return reply.then((r) => unwrap(r as Reply<C>));
    },
    on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as Listener);
      if (!socket && !retryTimer) connect();
      return () => set.delete(listener as Listener);
    },
    state: () => state,
    close() {
      ended = true;
      if (retryTimer) clearTimeout(retryTimer);
      if (offlineTimer) clearTimeout(offlineTimer);
      failAll(fail('internal', 'the client was closed'));
      socket?.close();
      socket = null;
    },
  };
}

/** The client for wherever the renderer runs: Electron (preload bridge) or a browser (web mode). */
export function createApi(): Api {
  const bridge = (globalThis as { workbench?: PreloadBridge }).workbench;
  if (bridge) return createPreloadApi(bridge);
  const params = new URLSearchParams(location.search);
  const token = params.get(TOKEN_PARAM) ?? sessionStorage.getItem(TOKEN_PARAM) ?? '';
  sessionStorage.setItem(TOKEN_PARAM, token);
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return createWebSocketApi(`${scheme}://${location.host}${WS_PATH}?${TOKEN_PARAM}=${encodeURIComponent(token)}`, {
    onStatus: setConnectionState,
  });
}
