/**
 * Where the desktop app's renderer comes from. The packaged and the built app load it from the
 * `app://workbench/` scheme (app-protocol.ts), never from file:// (file pages get privileges a web
 * page does not have, and all share the opaque origin "null"). The only other origin ever trusted is
 * electron-vite's dev server, and only in an unpackaged app started by `electron-vite dev`.
 */
export const APP_SCHEME = 'app';
export const APP_HOST = 'workbench';
export const APP_ORIGIN = `${APP_SCHEME}://${APP_HOST}`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

/** The origin the window loads and every check trusts: the dev server's (unpackaged only) or app://workbench. */
export function trustedOrigin(opts: { isPackaged: boolean; devServerUrl?: string }): string {
  if (!opts.isPackaged && opts.devServerUrl) {
    const url = new URL(opts.devServerUrl);
    // The dev server is on this machine or nowhere: a remote URL here would hand it the IPC bridge.
    if (url.protocol !== 'http:' || !['localhost', '127.0.0.1', '[::1]'].includes(url.hostname)) {
      throw new Error(`ELECTRON_RENDERER_URL must be an http URL on localhost, not ${opts.devServerUrl}`);
    }
    return url.origin;
  }
  return APP_ORIGIN;
}

/** The origin of a URL, or null when it does not parse. `app://workbench/x` → `app://workbench`. */
export function originOf(url: string | null | undefined): string | null {
  if (!url) return null;
  try {
    const u = new URL(url);
    // WHATWG URL gives non-special schemes the origin "null"; ours is a standard scheme in Chromium.
    return u.protocol === `${APP_SCHEME}:` ? `${APP_SCHEME}://${u.host}` : u.origin;
  } catch {
    return null;
  }
}

export function isTrustedUrl(url: string | null | undefined, origin: string): boolean {
  const o = originOf(url);
  return o !== null && o !== 'null' && o === origin;
}
