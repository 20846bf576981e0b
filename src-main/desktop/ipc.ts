import { describeIssues, type AppError, type Channel, type Reply } from '../../src-shared/contract';
import { desktopRequests, IPC_DESKTOP_REQUEST, type DesktopChannel, type DesktopReply, type DesktopRequestOf } from '../../src-shared/desktop';
import { IPC_REQUEST } from '../../src-shared/transport';
import { isTrustedUrl } from './app-origin';

/** Who sent an IPC message, as much as the sender check needs (from IpcMainInvokeEvent.senderFrame). */
export interface IpcSender {
  /** The URL of the frame that sent it; null when the frame is gone or was navigated away. */
  frameUrl: string | null;
  /** It is the window's top frame, not an iframe inside it. */
  isMainFrame: boolean;
}

/**
 * Only the app's own top frame may call main: a frame from any other origin (an iframe, a page the
 * window was somehow navigated to) is refused before anything is parsed.
 */
export function isTrustedSender(sender: IpcSender, appOrigin: string): boolean {
  return sender.isMainFrame && isTrustedUrl(sender.frameUrl, appOrigin);
}

export function untrustedSenderError(sender: IpcSender): AppError {
  return { code: 'unauthorized', message: `IPC from an untrusted frame (${sender.frameUrl ?? 'unknown URL'}) is refused` };
}

/** The slice of ipcMain the registration uses: `handle`, with the sender already read from the event. */
export interface IpcAdapter {
  handle(ipcChannel: string, listener: (sender: IpcSender, args: unknown[]) => Promise<unknown>): void;
}

/** What the two IPC channels lead to: the contract's dispatch (host) and the desktop dispatch. */
export interface IpcTargets {
  dispatch(channel: string, request: unknown): Promise<Reply<Channel>>;
  desktop(channel: string, request: unknown): Promise<DesktopReply<DesktopChannel>>;
}

/** Every IPC channel main listens on. Contract and desktop channel names travel inside these two. */
export const IPC_HANDLED = [IPC_REQUEST, IPC_DESKTOP_REQUEST] as const;

/**
 * Registers main's only two IPC handlers, each checking its sender first. The contract channel and
 * its request are validated by `dispatch` (unknown channels answer `unknown_channel`), the desktop
 * ones by `dispatchDesktop`: main handles no IPC message that is not a contract or desktop channel.
 */
export function registerIpc(adapter: IpcAdapter, appOrigin: string, targets: IpcTargets): void {
  const guarded =
    (target: (channel: string, request: unknown) => Promise<unknown>) =>
    async (sender: IpcSender, args: unknown[]): Promise<unknown> => {
      if (!isTrustedSender(sender, appOrigin)) {
        console.warn(`ipc: refused a message from ${sender.frameUrl ?? 'an unknown frame'} (main frame: ${sender.isMainFrame})`);
        return { ok: false, error: untrustedSenderError(sender) };
      }
      return target(String(args[0]), args[1]);
    };
  adapter.handle(IPC_REQUEST, guarded((c, r) => targets.dispatch(c, r)));
  adapter.handle(IPC_DESKTOP_REQUEST, guarded((c, r) => targets.desktop(c, r)));
}

/** The desktop channels' implementations (desktop-handlers.ts), each given its validated request. */
export type DesktopHandlers = {
  [C in DesktopChannel]: (request: DesktopRequestOf<C>) => Promise<DesktopReply<C>>;
};

function isDesktopChannel(name: string): name is DesktopChannel {
  return Object.prototype.hasOwnProperty.call(desktopRequests, name);
}

/** The desktop channels' boundary, as dispatch.ts is the contract's: known channel, valid request, typed error. */
export async function dispatchDesktop(handlers: DesktopHandlers, channel: string, raw: unknown): Promise<DesktopReply<DesktopChannel>> {
  if (!isDesktopChannel(channel)) {
    return { ok: false, error: { code: 'unknown_channel', message: `no desktop channel named '${channel.slice(0, 80)}'` } };
  }
  const parsed = desktopRequests[channel].request.safeParse(raw ?? {});
  if (!parsed.success) return { ok: false, error: { code: 'invalid_request', ...describeIssues(parsed.error.issues) } };
  try {
    return await (handlers[channel] as (r: unknown) => Promise<DesktopReply<DesktopChannel>>)(parsed.data);
  } catch (error) {
    console.error(`desktop: ${channel} failed:`, error);
    return { ok: false, error: { code: 'internal', message: `${channel}: ${(error as Error).message ?? String(error)}` } };
  }
}
