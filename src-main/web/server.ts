import { createReadStream, existsSync, statSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { timingSafeEqual } from 'node:crypto';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AppError } from '../../src-shared/contract';
import { API_PATH_PREFIX, TOKEN_PARAM, unauthorizedError, WS_PATH, type ClientMessage, type ServerMessage } from '../../src-shared/transport';
import type { Host } from '../host/host';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
};
const MAX_BODY_BYTES = 10 * 1024 * 1024;
const WS_UNAUTHORIZED = 4401;

const HTTP_STATUS: Record<AppError['code'], number> = {
  invalid_request: 400,
  unauthorized: 401,
  not_found: 404,
  unknown_channel: 404,
  conflict: 409,
  internal: 500,
};

export interface WebServerOptions {
  host: Host;
  token: string;
  rendererDir: string;
  port?: number;
}

export interface WebServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

function tokenMatches(given: string | null | undefined, token: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}

function requestToken(req: IncomingMessage, url: URL): string | null {
  const auth = req.headers.authorization;
  if (auth?.startsWith('Bearer ')) return auth.slice('Bearer '.length);
  return url.searchParams.get(TOKEN_PARAM);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        reject(new Error(`request body over ${MAX_BODY_BYTES} bytes`));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolveBody(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/**
 * Web mode: the built renderer as static files, and the contract over HTTP (POST /api/<channel>) and
 * one WebSocket per page (requests and events), on 127.0.0.1 only. Every API call and socket must
 * carry the per-launch token; the static files carry no data and are served without it.
 */
export function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const { host, token } = opts;
  const rendererDir = resolve(opts.rendererDir);
  if (!existsSync(join(rendererDir, 'index.html')))
    throw new Error(`no built renderer at ${rendererDir}: run 'npm run build' first`);

  async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
    if (!tokenMatches(requestToken(req, url), token)) return sendJson(res, 401, { ok: false, error: unauthorizedError() });
    if (req.method !== 'POST') return sendJson(res, 405, { ok: false, error: { code: 'invalid_request', message: 'use POST' } });
    let body: unknown;
    try {
      const text = await readBody(req);
      body = text.trim() === '' ? {} : JSON.parse(text);
    } catch (error) {
      return sendJson(res, 400, { ok: false, error: { code: 'invalid_request', message: `the body is not JSON: ${(error as Error).message}` } });
    }
    const reply = await host.dispatch(decodeURIComponent(url.pathname.slice(API_PATH_PREFIX.length)), body);
    sendJson(res, reply.ok ? 200 : HTTP_STATUS[reply.error.code], reply);
  }

  function serveStatic(res: ServerResponse, pathname: string): void {
    const rel = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
    let file = join(rendererDir, rel);
    if (!(file + sep).startsWith(rendererDir + sep) && file !== rendererDir) {
      res.writeHead(403).end();
      return;
    }
    // Client-side routes fall back to the app's page.
    if (!existsSync(file) || statSync(file).isDirectory()) file = join(rendererDir, 'index.html');
    res.writeHead(200, { 'content-type': MIME[extname(file)] ?? 'application/octet-stream' });
    createReadStream(file).pipe(res);
  }

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname.startsWith(API_PATH_PREFIX)) {
      handleApi(req, res, url).catch((error) => sendJson(res, 500, { ok: false, error: { code: 'internal', message: String(error) } }));
    } else if (req.method === 'GET' || req.method === 'HEAD') serveStatic(res, url.pathname);
    else res.writeHead(405).end();
  });

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_BODY_BYTES });
  server.on('upgrade', (req, socket, head) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname !== WS_PATH) return socket.destroy();
    wss.handleUpgrade(req, socket, head, (ws) => {
      if (!tokenMatches(url.searchParams.get(TOKEN_PARAM), token)) ws.close(WS_UNAUTHORIZED, unauthorizedError().message);
      else attachSocket(ws);
    });
  });

  function attachSocket(ws: WebSocket): void {
    const send = (m: ServerMessage): void => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(m));
    };
    const unsubscribe = host.bus.subscribe((event, payload) => send({ event, payload }));
    ws.on('close', unsubscribe);
    ws.on('message', (data) => {
      let msg: ClientMessage;
      try {
        msg = JSON.parse(String(data)) as ClientMessage;
      } catch {
        return; // not our client: nothing to answer to
      }
      if (typeof msg?.id !== 'number' || typeof msg.channel !== 'string') return;
      void host.dispatch(msg.channel, msg.request).then((reply) => send({ id: msg.id, reply }));
    });
  }

  return new Promise((resolveServer, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolveServer({
        port,
        url: `http://127.0.0.1:${port}/?${TOKEN_PARAM}=${token}`,
        close: () =>
          new Promise((done) => {
            for (const client of wss.clients) client.terminate();
            wss.close();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
