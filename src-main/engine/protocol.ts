import type { Genotype } from '../../src-shared/model/genotype';
import type { MetricPoint } from '../../src-shared/model/metrics';
import type { RunConfig } from '../../src-shared/model/run-config';

/**
 * The message protocol between the engine host (main process) and one engine process (one per run).
 * The engine never touches SQL or IPC: it only sends these, and the host persists them first, then
 * forwards them to the windows.
 */
export type HostToEngine =
  | { type: 'start'; runId: number; config: RunConfig; resourcesDir: string }
  /** Only pick the backend, answer `backend`, and exit (the host asks once, for app.info). */
  | { type: 'probe' }
  /** Finish the current step, report, and exit with status `cancelled`. */
  | { type: 'stop' };

export type EngineToHost =
  /** The process is up and listening. */
  | { type: 'ready' }
  | { type: 'backend'; backend: string; backendDetail: string }
  | { type: 'started'; backend: string; backendDetail: string }
  | { type: 'metrics'; points: MetricPoint[] }
  | { type: 'genotype'; genotype: Genotype; step: number; epoch: number; final: boolean }
  | { type: 'artifact'; kind: string; step: number; data: unknown }
  | { type: 'log'; level: 'info' | 'warn' | 'error'; message: string }
  | { type: 'progress'; done: number; total: number }
  | { type: 'finished'; status: 'completed' | 'cancelled' }
  | { type: 'failed'; error: string };

/** Both sides' view of the other end of the channel (child_process or Electron utilityProcess). */
export interface MessagePort<In, Out> {
  send(message: Out): void;
  onMessage(listener: (message: In) => void): void;
}
