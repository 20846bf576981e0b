import { createReadStream, statSync } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';

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
  '.wasm': 'application/wasm',
};

/**
 * Sent with every response. The renderer is the built bundle only: scripts from this origin and
 * nothing inline; styles may be inline because Vue and ECharts set element styles; connections to
 * this origin only (the WebSocket included); no framing by any page (clickjacking); nothing
 * guessed from content (nosniff); the URL with its token is never sent as a Referer.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

export const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
};

function reply(res: ServerResponse, status: number, message: string): void {
  res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
  res.end(message);
}

/** A renderer file to send, or the status and message to answer instead. */
export type RendererFile = { file: string; size: number; contentType: string } | { status: 400 | 403 | 404; message: string };

/**
 * The file of the built renderer a URL path names; client-side routes fall back to index.html. A
 * path that does not decode or points outside the renderer's folder is answered, never thrown.
 * Shared by web mode and the desktop app's app:// protocol, so both serve exactly the same files.
 */
export function resolveRendererFile(rendererDir: string, pathname: string): RendererFile {
  let rel: string;
  try {
    rel = normalize(decodeURIComponent(pathname)).replace(/^([/\\])+/, '');
  } catch {
    return { status: 400, message: 'malformed URL: the path is not valid percent-encoded UTF-8' };
  }
  if (rel.includes('\0')) return { status: 400, message: 'malformed URL: the path contains a NUL character' };
  let file = join(rendererDir, rel);
  if (!(file + sep).startsWith(rendererDir + sep) && file !== rendererDir) return { status: 403, message: 'outside the renderer folder' };
  try {
    const stat = statSync(file, { throwIfNoEntry: false });
    if (!stat || stat.isDirectory()) file = join(rendererDir, 'index.html');
    return { file, size: statSync(file).size, contentType: MIME[extname(file)] ?? 'application/octet-stream' };
  } catch {
    return { status: 404, message: 'not found' };
  }
}

/**
 * GET a file of the built renderer (resolveRendererFile), with the security headers. The build names
 * every file under assets/ by its content's hash (`index-B5lSXvRQ.js`), so the browser keeps those
 * for good and a reopened page loads no script over the network; index.html, which names the current
 * ones, is fetched again on every load.
 */
export function serveStatic(res: ServerResponse, rendererDir: string, pathname: string, headOnly: boolean): void {
  const found = resolveRendererFile(rendererDir, pathname);
  if ('status' in found) return reply(res, found.status, found.message);
  const { file } = found;
  const hashedAsset = file.startsWith(join(rendererDir, 'assets') + sep);
  res.writeHead(200, {
    ...SECURITY_HEADERS,
    'content-type': found.contentType,
    'content-length': String(found.size),
    'cache-control': hashedAsset ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (headOnly) return void res.end();
  const stream = createReadStream(file);
  stream.on('error', (error) => {
    console.error(`web: reading ${file} failed:`, error.message);
    res.destroy();
  });
  stream.pipe(res);
}
