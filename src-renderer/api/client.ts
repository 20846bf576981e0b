import {
  ApiError,
  type Api,
  type Channel,
  type EventName,
  type EventOf,
  type Reply,
  type RequestOf,
  type ResponseOf,
} from '../../src-shared/contract';
import { TOKEN_PARAM, WS_PATH, type ClientMessage, type PreloadBridge, type ServerMessage } from '../../src-shared/transport';

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

/**
 * The web-mode client: one WebSocket carrying requests (matched to replies by id) and events.
 * It reconnects after a drop and re-sends what was pending, so a server restart is not fatal.
 */
export function createWebSocketApi(url: string): Api {
  let socket: WebSocket | null = null;
  let opened: Promise<WebSocket> | null = null;
  let nextId = 1;
  const pending = new Map<number, { message: ClientMessage; resolve: (r: Reply<Channel>) => void }>();
  const listeners = new Map<EventName, Set<Listener>>();

  function connect(): Promise<WebSocket> {
    if (opened) return opened;
    opened = new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      ws.onopen = () => {
        socket = ws;
        for (const p of pending.values()) ws.send(JSON.stringify(p.message));
        resolve(ws);
      };
      ws.onmessage = (e) => {
        const msg = JSON.parse(String(e.data)) as ServerMessage;
        if ('id' in msg) {
          const p = pending.get(msg.id);
          pending.delete(msg.id);
          p?.resolve(msg.reply);
        } else {
          for (const l of listeners.get(msg.event) ?? []) l(msg.payload);
        }
      };
      ws.onclose = (e) => {
        socket = null;
        opened = null;
        if (e.code === 4401) {
          for (const p of pending.values())
            p.resolve({ ok: false, error: { code: 'unauthorized', message: e.reason || 'unauthorized' } });
          pending.clear();
          reject(new Error(e.reason || 'unauthorized'));
          return;
        }
        if (pending.size > 0 || listeners.size > 0) setTimeout(() => void connect().catch(() => undefined), 1000);
      };
    });
    return opened;
  }

  return {
    async request<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
      const message: ClientMessage = { id: nextId++, channel, request };
      const reply = new Promise<Reply<Channel>>((resolve) => pending.set(message.id, { message, resolve }));
      const ws = await connect();
      if (socket === ws && ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify(message));
      return unwrap((await reply) as Reply<C>);
    },
    on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void {
      let set = listeners.get(event);
      if (!set) listeners.set(event, (set = new Set()));
      set.add(listener as Listener);
      void connect().catch(() => undefined);
      return () => set.delete(listener as Listener);
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
  return createWebSocketApi(`${scheme}://${location.host}${WS_PATH}?${TOKEN_PARAM}=${encodeURIComponent(token)}`);
}
