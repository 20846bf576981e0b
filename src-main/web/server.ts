import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join, resolve } from 'node:path';
import { randomUUID, timingSafeEqual } from 'node:crypto';
import { API_PATH_PREFIX, TOKEN_PARAM } from '../../src-shared/transport';
import type { Host } from '../host/host';
import { handleApi, sendApiFailure } from './http-api';
import { ReplayCache } from './replay-cache';
import { SECURITY_HEADERS, serveStatic } from './static-files';
import { acceptWebSockets } from './websocket';

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

function tokenMatcher(token: string): (given: string | null | undefined) => boolean {
  const expected = Buffer.from(token);
  return (given) => {
    if (!given) return false;
    const a = Buffer.from(given);
    return a.length === expected.length && timingSafeEqual(a, expected);
  };
}

/**
 * Web mode: the built renderer as static files (static-files.ts), the contract over HTTP
 * (POST /api/<channel>, http-api.ts) and one WebSocket per page (requests and events,
 * websocket.ts), on 127.0.0.1 only. Every API call and socket must carry the per-launch token; the
 * static files carry no data and are served without it. No request, frame or socket error ends
 * the process: each is answered with a typed error or logged (docs/decisions.md, the transports).
 */
export function startWebServer(opts: WebServerOptions): Promise<WebServer> {
  const { host } = opts;
  const rendererDir = resolve(opts.rendererDir);
  if (!existsSync(join(rendererDir, 'index.html')))
    throw new Error(`no built renderer at ${rendererDir}: run 'npm run build' first`);
  const tokenMatches = tokenMatcher(opts.token);
  const cache = new ReplayCache();
  const sockets = acceptWebSockets({ host, cache, instance: randomUUID(), tokenMatches });

  const server: Server = createServer((req, res) => {
    res.on('error', (error) => console.warn('web: response error:', error.message));
    req.on('error', (error) => console.warn('web: request error:', error.message));
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://127.0.0.1');
    } catch {
      res.writeHead(400, { ...SECURITY_HEADERS, 'content-type': 'text/plain' }).end('malformed URL');
      return;
    }
    if (url.pathname.startsWith(API_PATH_PREFIX)) {
      handleApi({ host, cache, tokenMatches }, req, res, url).catch((error) => sendApiFailure(res, error));
    } else if (req.method === 'GET' || req.method === 'HEAD') {
      serveStatic(res, rendererDir, url.pathname, req.method === 'HEAD');
    } else {
      res.writeHead(405, { ...SECURITY_HEADERS, allow: 'GET, HEAD' }).end();
    }
  });
  // Bytes that are not HTTP, headers over Node's limit, a client that resets: answer if possible, close.
  server.on('clientError', (error: NodeJS.ErrnoException, socket) => {
    if (socket.writable && !socket.destroyed) socket.end('HTTP/1.1 400 Bad Request\r\nconnection: close\r\n\r\n');
    else socket.destroy();
    if (error.code !== 'ECONNRESET') console.warn(`web: bad HTTP from a client: ${error.code ?? error.message}`);
  });
  server.on('upgrade', (req, socket, head) => {
    try {
      sockets.upgrade(req, socket, head);
    } catch (error) {
      console.error('web: WebSocket upgrade failed:', error);
      socket.destroy();
    }
  });

  return new Promise((resolveServer, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => {
      server.off('error', reject);
      server.on('error', (error) => console.error('web: server error:', error.message));
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolveServer({
        port,
        url: `http://127.0.0.1:${port}/?${TOKEN_PARAM}=${opts.token}`,
        close: () =>
          new Promise((done) => {
            sockets.close();
            server.close(() => done());
            server.closeAllConnections();
          }),
      });
    });
  });
}
