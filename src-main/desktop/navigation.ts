import { isTrustedUrl } from './app-origin';

/**
 * What the window may load. The app is one page with hash routes, so it never navigates: any
 * navigation, redirect or new window is refused. A link to an http(s) page the user clicked
 * (`will-navigate`, `window.open`, `target=_blank`) opens in the system browser instead, where it
 * has none of the app's privileges. Everything else (file:, javascript:, data:, custom schemes,
 * credentials in the URL) is refused outright.
 */
export interface NavigationDecision {
  /** Let the window itself go there (only a reload of the app's own page). */
  allow: boolean;
  /** Hand this URL to the system browser, or null. */
  openExternally: string | null;
}

/** A URL the system browser may be given: plain http(s), no user:password@ part. */
export function externalUrl(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return null;
  if (u.username || u.password) return null;
  return u.href;
}

/** `will-navigate` (the main frame): the app's own origin (a reload) stays, an http(s) link goes to the browser. */
export function decideNavigation(url: string, appOrigin: string): NavigationDecision {
  if (isTrustedUrl(url, appOrigin)) return { allow: true, openExternally: null };
  return { allow: false, openExternally: externalUrl(url) };
}

/**
 * `will-redirect` and a sub-frame's `will-frame-navigate`: only within the app's origin; neither is
 * the user's click, so nothing opens in the browser.
 */
export function decideRedirect(url: string, appOrigin: string): NavigationDecision {
  return { allow: isTrustedUrl(url, appOrigin), openExternally: null };
}

/** `setWindowOpenHandler`: never a new Electron window; an http(s) link goes to the browser. */
export function decideWindowOpen(url: string): NavigationDecision {
  return { allow: false, openExternally: externalUrl(url) };
}
