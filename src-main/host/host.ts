import { join } from 'node:path';
import type { AppInfo, Channel, Reply } from '../../src-shared/contract';
import { openStore, type Store } from '../store';
import { probeBackend, type BackendInfo } from './backend-probe';
import { dispatch } from './dispatch';
import { forkLauncher, type EngineLauncher } from './engine-launcher';
import { EventBus } from './event-bus';
import { createHandlers, type Handlers } from './handlers';
import { appVersion, resourcesDir as defaultResourcesDir, CHECKPOINTS_DIR, STORE_FILE } from './paths';
import { RunManager } from './run-manager';

export interface HostOptions {
  dataDir: string;
  mode: AppInfo['mode'];
  launcher?: EngineLauncher;
  resourcesDir?: string;
  maxConcurrentRuns?: number;
}

/** Everything main owns, wired once: the store, the event bus, the run manager and the handlers. */
export interface Host {
  store: Store;
  bus: EventBus;
  runs: RunManager;
  handlers: Handlers;
  dispatch(channel: string, request: unknown): Promise<Reply<Channel>>;
  close(): Promise<void>;
}

export function createHost(opts: HostOptions): Host {
  const store = openStore(join(opts.dataDir, STORE_FILE));
  const interrupted = store.runs.failInterrupted('the workbench stopped while this run was active');
  if (interrupted > 0) console.warn(`${interrupted} run(s) left active by an earlier session were marked failed`);
  const bus = new EventBus();
  const launcher = opts.launcher ?? forkLauncher();
  const runs = new RunManager({
    store,
    bus,
    launcher,
    resourcesDir: opts.resourcesDir ?? defaultResourcesDir(),
    checkpointRoot: join(opts.dataDir, CHECKPOINTS_DIR),
    maxConcurrentRuns: opts.maxConcurrentRuns,
  });
  let backend: Promise<BackendInfo> | null = null;
  const handlers = createHandlers({
    store,
    runs,
    appInfo: async () => {
      backend ??= probeBackend(launcher);
      const b = await backend;
      return { version: appVersion(), backend: b.backend, backendDetail: b.backendDetail, dataDir: opts.dataDir, mode: opts.mode };
    },
  });
  return {
    store,
    bus,
    runs,
    handlers,
    dispatch: (channel, request) => dispatch(handlers, channel, request),
    async close() {
      await runs.stopAll();
      store.close();
    },
  };
}
