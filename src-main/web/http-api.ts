import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AppError } from '../../src-shared/contract';
import { API_PATH_PREFIX, IDEMPOTENCY_HEADER, unauthorizedError } from '../../src-shared/transport';
import type { Host } from '../host/host';
import { answer } from './answer';
import { InputError, MAX_MESSAGE_BYTES, MAX_REQUEST_ID_LENGTH, parseJsonLimited } from './limits';
import { originRefusal } from './origin';
import type { ReplayCache } from './replay-cache';
import { SECURITY_HEADERS } from './static-files';

const HTTP_STATUS: Record<AppError['code'], number> = {
  invalid_request: 400,
  unauthorized: 401,
  not_found: 404,
  unknown_channel: 404,
  conflict: 409,
  internal: 500,
};

export interface ApiContext {
  host: Host;
  cache: ReplayCache;
  tokenMatches(given: string | null | undefined): boolean;
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  if (res.headersSent || res.destroyed) return;
  let text: string;
  try {
    text = JSON.stringify(body);
  } catch (error) {
    console.error('web: a reply could not be serialised:', error);
    status = 500;
    text = JSON.stringify({ ok: false, error: { code: 'internal', message: 'the reply could not be serialised' } });
  }
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'application/json', 'cache-control': 'no-store' });
  res.end(text);
}

function sendError(res: ServerResponse, status: number, error: AppError): void {
  sendJson(res, status, { ok: false, error });
}

class BodyTooLarge extends Error {}

/** The body as text, refused past MAX_MESSAGE_BYTES (announced or counted) and when it is not UTF-8. */
function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolveBody, reject) => {
    if (Number(req.headers['content-length'] ?? 0) > MAX_MESSAGE_BYTES) return reject(new BodyTooLarge());
    let size = 0;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_MESSAGE_BYTES) reject(new BodyTooLarge());
      else chunks.push(c);
    });
    req.on('end', () => {
      try {
        resolveBody(new TextDecoder('utf-8', { fatal: true }).decode(Buffer.concat(chunks)));
      } catch {
        reject(new InputError('the request body is not valid UTF-8'));
      }
    });
    req.on('error', reject);
  });
}

function bearerToken(req: IncomingMessage): string | null {
  const auth = req.headers.authorization;
  return auth?.startsWith('Bearer ') ? auth.slice('Bearer '.length) : null;
}

/**
 * POST /api/<channel>, JSON body, `Authorization: Bearer <token>` (or `?token=`), for scripts and
 * tests. An `Idempotency-Key` header makes a retried POST answer the first reply instead of running
 * again. Every failure is a typed AppError with a matching HTTP status; nothing here throws.
 */
export async function handleApi(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  const refusal = originRefusal(req);
  if (refusal) return sendError(res, 403, { code: 'unauthorized', message: refusal });
  if (!ctx.tokenMatches(bearerToken(req) ?? url.searchParams.get('token'))) return sendError(res, 401, unauthorizedError());
  if (req.method !== 'POST') return sendError(res, 405, { code: 'invalid_request', message: `use POST for ${API_PATH_PREFIX}<channel>, not ${req.method}` });
  let channel: string;
  try {
    channel = decodeURIComponent(url.pathname.slice(API_PATH_PREFIX.length));
  } catch {
    return sendError(res, 400, { code: 'invalid_request', message: 'malformed URL: the channel is not valid percent-encoded UTF-8' });
  }
  const key = req.headers[IDEMPOTENCY_HEADER];
  if (key !== undefined && (typeof key !== 'string' || key.length === 0 || key.length > MAX_REQUEST_ID_LENGTH)) {
    return sendError(res, 400, { code: 'invalid_request', message: `${IDEMPOTENCY_HEADER} must be one value of 1..${MAX_REQUEST_ID_LENGTH} characters` });
  }
  let body: unknown;
  try {
    const text = await readBody(req);
    body = text.trim() === '' ? {} : parseJsonLimited(text, 'the request body');
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      // Stop reading what is left: answer, then close this connection.
      res.setHeader('connection', 'close');
      res.once('finish', () => req.destroy());
      return sendError(res, 413, { code: 'invalid_request', message: `the request body is over ${MAX_MESSAGE_BYTES} bytes` });
    }
    if (error instanceof InputError) return sendError(res, 400, error.toAppError());
    return sendError(res, 400, { code: 'invalid_request', message: `the request body could not be read: ${(error as Error).message}` });
  }
  const reply = await answer(ctx.host, ctx.cache, key === undefined ? null : `http:${key}`, channel, body);
  sendJson(res, reply.ok ? 200 : HTTP_STATUS[reply.error.code] ?? 500, reply);
}

export function sendApiFailure(res: ServerResponse, error: unknown): void {
  console.error('web: an API request failed:', error);
  sendError(res, 500, { code: 'internal', message: 'the request failed inside the workbench; see its log' });
}
