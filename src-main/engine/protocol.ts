import type { Genotype } from '../../src-shared/model/genotype';
import type { MetricPoint } from '../../src-shared/model/metrics';
import type { RunConfig } from '../../src-shared/model/run-config';

/**
 * The message protocol between the engine host (main process) and one engine process (one per run).
 * The engine never touches SQL or IPC: it only sends these, and the host persists them first, then
 * forwards them to the windows.
 */
/** A checkpoint file the host recorded for a run, as handed back to the engine to resume from. */
export interface CheckpointRef {
  /** Absolute path of the checkpoint file (written by the engine, atomically). */
  file: string;
  step: number;
  /** SHA-256 of the file's bytes as recorded when it was written; a mismatch means damaged. */
  sha256: string;
}

export type HostToEngine =
  | {
      type: 'start';
      runId: number;
      config: RunConfig;
      resourcesDir: string;
      /** Folder the engine writes this run's checkpoint files into (created by the engine). */
      checkpointDir: string;
      /**
       * Resume instead of starting fresh: the recorded checkpoints, newest first. The engine loads
       * the first one that reads back intact, reports each damaged one in a `log`, and answers
       * `resumed`; when none is usable it fails the run with a message saying so.
       */
      resumeFrom?: CheckpointRef[];
    }
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
  /**
   * A checkpoint file is complete on disk (temporary file, fsync, rename): the host records it and
   * prunes older ones. Sent only after every metric, genotype and artifact up to `step` was sent.
   */
  | { type: 'checkpoint'; step: number; epoch: number; file: string; bytes: number; sha256: string }
  /**
   * The run continues from the checkpoint taken after `step`: the host drops the records the dead
   * process wrote after that step (they will be reported again) before anything else arrives.
   */
  | { type: 'resumed'; step: number; file: string }
  | { type: 'finished'; status: 'completed' | 'cancelled' }
  | { type: 'failed'; error: string };

/** Both sides' view of the other end of the channel (child_process or Electron utilityProcess). */
export interface MessagePort<In, Out> {
  send(message: Out): void;
  onMessage(listener: (message: In) => void): void;
}
