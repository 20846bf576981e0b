import { accessSync, constants, existsSync } from 'node:fs';
import { join } from 'node:path';
import type { AppInfo, Channel, Reply } from '../../src-shared/contract';
import { newOwnerId, openStore, type Store } from '../store';
import { probeBackend, type BackendInfo } from './backend-probe';
import { dispatch } from './dispatch';
import { forkLauncher, type EngineLauncher } from './engine-launcher';
import { EventBus } from './event-bus';
import { createHandlers, type Handlers } from './handlers';
import { createStudyService } from './study';
import { appVersion, resourcesDir as defaultResourcesDir, CHECKPOINTS_DIR, STORE_FILE } from './paths';
import { RunManager } from './run-manager';
import { StoreWatcher } from './store-watcher';

export interface HostOptions {
  dataDir: string;
  mode: AppInfo['mode'];
  launcher?: EngineLauncher;
  resourcesDir?: string;
  maxConcurrentRuns?: number;
  /**
   * Open the store read-only (read-only commands: nothing is written). Absent: read-only exactly
   * when this user cannot write the data dir or its database file.
   */
  readonly?: boolean;
  /** Follow other processes' writes and emit them as events (the UI wants this; a CLI command does not). Default true. */
  watch?: boolean;
  /** An already opened store (tests that need a particular one); the host closes it. */
  store?: Store;
  /** Lease timing, for tests; see lease-timing.ts. */
  leaseTtlMs?: number;
  leaseRenewMs?: number;
  watchIntervalMs?: number;
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

function writable(path: string): boolean {
  try {
    accessSync(path, constants.W_OK);
    return true;
  } catch {
    return false;
  }
}

/** The data dir (or its database) exists and this user cannot write it. */
function cannotWrite(dataDir: string): boolean {
  const file = join(dataDir, STORE_FILE);
  return (existsSync(dataDir) && !writable(dataDir)) || (existsSync(file) && !writable(file));
}

export function createHost(opts: HostOptions): Host {
  const readonly = opts.readonly ?? cannotWrite(opts.dataDir);
  const store = opts.store ?? openStore(join(opts.dataDir, STORE_FILE), { readonly });
  const bus = new EventBus();
  const launcher = opts.launcher ?? forkLauncher();
  const runs = new RunManager({
    store,
    bus,
    launcher,
    owner: newOwnerId(),
    resourcesDir: opts.resourcesDir ?? defaultResourcesDir(),
    checkpointRoot: join(opts.dataDir, CHECKPOINTS_DIR),
    maxConcurrentRuns: opts.maxConcurrentRuns,
    leaseTtlMs: opts.leaseTtlMs,
    leaseRenewMs: opts.leaseRenewMs,
  });
  let watcher: StoreWatcher | null = null;
  if (opts.watch ?? true) {
    watcher = new StoreWatcher(store, bus, (id) => runs.holds(id));
    watcher.start(opts.watchIntervalMs);
  }
  let backend: Promise<BackendInfo> | null = null;
  const handlers = createHandlers({
    store,
    runs,
    studies: createStudyService(store, runs, opts.resourcesDir ?? defaultResourcesDir()),
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
      watcher?.stop();
      await runs.stopAll();
      store.close();
    },
  };
}
