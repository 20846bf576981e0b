import { beforeAll, describe, expect, it, vi } from 'vitest';
import { CHANNELS, EVENT_NAMES } from '../../../src-shared/contract';
import { DESKTOP_CHANNELS, IPC_DESKTOP_REQUEST, IPC_MENU } from '../../../src-shared/desktop';
import { IPC_EVENT, IPC_REQUEST, type PreloadBridge } from '../../../src-shared/transport';

/**
 * The real preload, run against a stand-in for the two things it takes from 'electron'
 * (contextBridge.exposeInMainWorld and ipcRenderer): what it exposes is what a renderer gets.
 */
const exposed = new Map<string, unknown>();
const invoked: unknown[][] = [];
const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
  ipcRenderer: {
    invoke: async (...args: unknown[]) => (invoked.push(args), { ok: true, data: null }),
    on: (channel: string, l: (...args: unknown[]) => void) => listeners.set(channel, (listeners.get(channel) ?? new Set()).add(l)),
    removeListener: (channel: string, l: (...args: unknown[]) => void) => listeners.get(channel)?.delete(l),
  },
}));

function emit(channel: string, ...args: unknown[]): void {
  for (const l of listeners.get(channel) ?? []) l({ sender: 'the IPC event must not reach the page' }, ...args);
}

describe('the preload bridge', () => {
  let bridge: PreloadBridge;
  beforeAll(async () => {
    await import('../../../src-main/electron/preload');
    bridge = exposed.get('workbench') as PreloadBridge;
  });

  it('exposes one object, whose request names are exactly the contract’s and the desktop channels’', () => {
    expect([...exposed.keys()]).toEqual(['workbench']);
    expect(Object.keys(bridge).sort()).toEqual(['desktop', 'on', 'requests']);
    expect(Object.keys(bridge.requests).sort()).toEqual([...CHANNELS].sort());
    expect(Object.keys(bridge.desktop!.requests).sort()).toEqual([...DESKTOP_CHANNELS].sort());
    expect(Object.keys(bridge.desktop!).sort()).toEqual(['onMenu', 'requests']);
  });

  it('sends each named call on its IPC channel with the name inside, and nothing else', async () => {
    invoked.length = 0;
    await bridge.requests['runs.get']({ id: 7 });
    await bridge.desktop!.requests['desktop.pickFolder']({ purpose: 'dataset' });
    expect(invoked).toEqual([
      [IPC_REQUEST, 'runs.get', { id: 7 }],
      [IPC_DESKTOP_REQUEST, 'desktop.pickFolder', { purpose: 'dataset' }],
    ]);
  });

  it('subscribes only to contract events, delivers the payload alone, and unsubscribes', () => {
    expect(() => bridge.on('shell.output' as never, () => {})).toThrow(/no event named 'shell.output'/);
    const got: unknown[] = [];
    const off = bridge.on('run.log', (p) => got.push(p));
    emit(IPC_EVENT, 'run.status', { id: 1 });
    emit(IPC_EVENT, 'run.log', { runId: 1, message: 'hi' });
    off();
    emit(IPC_EVENT, 'run.log', { runId: 1, message: 'after' });
    expect(got).toEqual([{ runId: 1, message: 'hi' }]);
    expect(EVENT_NAMES).toContain('run.log');
  });

  it('passes on menu commands it knows and drops any other message', () => {
    const got: unknown[] = [];
    const off = bridge.desktop!.onMenu((c) => got.push(c));
    emit(IPC_MENU, 'new-run');
    emit(IPC_MENU, 'format-disk');
    off();
    emit(IPC_MENU, 'import-genotype');
    expect(got).toEqual(['new-run']);
  });
});
