import type { IncomingMessage } from 'node:http';

/** The names under which the server is reached from this machine (or through an SSH tunnel's local end). */
const LOOPBACK_HOST = /^(127\.0\.0\.1|localhost|\[::1\]):\d{1,5}$/;

/**
 * Whether an API request or WebSocket upgrade may come from this caller, on top of the token:
 * - the Host header must name a loopback address (127.0.0.1, localhost, [::1]) with a port: a page
 *   on another site that re-binds its DNS name to 127.0.0.1 sends its own name and is refused;
 * - a browser sends Origin: it must be this same host (`http://<Host>`), so another page open in the
 *   browser cannot drive the workbench even if it learnt the token. The port is the one the browser
 *   used, which differs from the server's behind `ssh -L 8080:127.0.0.1:5174`, so the check is
 *   "same as Host" rather than "same as the listening port".
 * - no Origin: a script or CLI (curl, the e2e helper), which the token alone admits.
 * Returns the reason for a refusal, or null.
 */
export function originRefusal(req: IncomingMessage): string | null {
  const host = req.headers.host ?? '';
  if (!LOOPBACK_HOST.test(host)) return `requests must be addressed to 127.0.0.1 or localhost, not '${host.slice(0, 100)}'`;
  const origin = req.headers.origin;
  if (origin === undefined) return null;
  if (origin !== `http://${host}`) return `cross-origin request from '${origin.slice(0, 100)}' refused: open the workbench at http://${host}/`;
  return null;
}
