import { contextBridge, ipcRenderer } from 'electron';
import { CHANNELS, EVENT_NAMES, type Channel, type EventName } from '../../src-shared/contract';
import { IPC_EVENT, IPC_REQUEST, type PreloadBridge } from '../../src-shared/transport';

/**
 * The renderer's only door to main: one named function per contract channel (the list comes from the
 * contract, so there is no call for an arbitrary channel) and subscription to the contract's events.
 * ipcRenderer itself is never exposed.
 */
const requests = Object.fromEntries(
  CHANNELS.map((channel: Channel) => [channel, (request: unknown) => ipcRenderer.invoke(IPC_REQUEST, channel, request)]),
) as PreloadBridge['requests'];

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
} satisfies PreloadBridge;

contextBridge.exposeInMainWorld('workbench', bridge);
