import { shallowRef } from 'vue';

/**
 * The web client's connection: `connecting` until the first server hello, `connected`,
 * `disconnected` after a drop or a refused connect (with the reconnect attempt number), and
 * `unauthorized` when the server refused the token (no reconnecting then). Electron's IPC has no
 * connection to lose, so there it stays `connected`.
 */
export type ConnectionState =
  | { status: 'connecting' | 'connected' | 'unauthorized'; attempt: 0 }
  | { status: 'disconnected'; attempt: number };

/** What the banner shows; client.ts's createApi() keeps it current. */
export const connectionState = shallowRef<ConnectionState>({ status: 'connected', attempt: 0 });

export function setConnectionState(state: ConnectionState): void {
  connectionState.value = state;
}
