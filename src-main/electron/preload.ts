import { contextBridge, ipcRenderer } from 'electron';
import { CHANNELS, EVENT_NAMES, type Channel, type EventName } from '../../src-shared/contract';
import { DESKTOP_CHANNELS, IPC_DESKTOP_REQUEST, IPC_MENU, MENU_COMMANDS, type DesktopBridge, type MenuCommand } from '../../src-shared/desktop';
import { IPC_EVENT, IPC_REQUEST, type PreloadBridge } from '../../src-shared/transport';

/**
 * The renderer's only door to main: one named function per contract channel and per desktop channel
 * (the lists come from contract.ts and desktop.ts, so there is no call for an arbitrary channel),
 * subscription to the contract's events and to menu commands. ipcRenderer itself is never exposed,
 * and no listener receives the IPC event object (its `sender` would leak ipcRenderer).
 */
const requests = Object.fromEntries(
  CHANNELS.map((channel: Channel) => [channel, (request: unknown) => ipcRenderer.invoke(IPC_REQUEST, channel, request)]),
) as PreloadBridge['requests'];

const desktop = {
  requests: Object.fromEntries(
    DESKTOP_CHANNELS.map((channel) => [channel, (request: unknown) => ipcRenderer.invoke(IPC_DESKTOP_REQUEST, channel, request)]),
  ) as DesktopBridge['requests'],
  onMenu(listener) {
    const handler = (_e: unknown, command: unknown): void => {
      if (MENU_COMMANDS.includes(command as MenuCommand)) listener(command as MenuCommand);
    };
    ipcRenderer.on(IPC_MENU, handler);
    return () => void ipcRenderer.removeListener(IPC_MENU, handler);
  },
} satisfies DesktopBridge;

const bridge = {
  requests,
  on(event, listener) {
    if (!EVENT_NAMES.includes(event as EventName)) throw new Error(`no event named '${String(event)}'`);
    const handler = (_e: unknown, name: string, payload: unknown): void => {
      if (name === event) (listener as (p: unknown) => void)(payload);
    };
    ipcRenderer.on(IPC_EVENT, handler);
    return () => void ipcRenderer.removeListener(IPC_EVENT, handler);
  },
  desktop,
} satisfies PreloadBridge;

contextBridge.exposeInMainWorld('workbench', bridge);
