import { readFile } from 'node:fs/promises';
import { resolveRendererFile, SECURITY_HEADERS } from '../web/static-files';
import { APP_HOST, APP_SCHEME } from './app-origin';

/** What the app:// handler answers: the status, the headers and the body. */
export interface AppResponse {
  status: number;
  headers: Record<string, string>;
  body: Uint8Array<ArrayBuffer> | string;
}

/**
 * Registered as privileged before the app is ready: a standard, secure scheme gets a real origin
 * (`app://workbench`), so same-origin rules, the CSP's 'self' and the IPC sender check all work as
 * on the web; fetch is allowed for ES modules; nothing else (no service workers, no CSP bypass).
 */
export const APP_SCHEME_PRIVILEGES = { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } as const;

/**
 * Answers a GET of app://workbench/<path> from the built renderer folder, with web mode's security
 * headers (the CSP among them) on every response. Another host, a path outside the folder or a
 * method other than GET is refused; an unknown path is the SPA's index.html (hash routes never get
 * here, but a reload of a deep link would).
 */
export async function answerAppRequest(rendererDir: string, method: string, url: string): Promise<AppResponse> {
  const refuse = (status: number, message: string): AppResponse => ({
    status,
    headers: { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' },
    body: message,
  });
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return refuse(400, 'malformed URL');
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return refuse(404, `only ${APP_SCHEME}://${APP_HOST}/ is served`);
  if (method !== 'GET' && method !== 'HEAD') return refuse(405, `${method} is not allowed: the renderer's files are read-only`);
  const found = resolveRendererFile(rendererDir, parsed.pathname);
  if ('status' in found) return refuse(found.status, found.message);
  try {
    const body = method === 'HEAD' ? '' : new Uint8Array(await readFile(found.file));
    return { status: 200, headers: { ...SECURITY_HEADERS, 'content-type': found.contentType }, body };
  } catch (error) {
    return refuse(404, `cannot read ${parsed.pathname}: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
}
