import type { RunConfig } from '../../../src-shared/model/run-config';
import type { CheckpointRef } from '../protocol';
import type { SearchStrategy } from '../search/strategy';
import { readCheckpoint, writeCheckpoint, type CheckpointInfo, type WrittenCheckpoint } from './file';
import { bundleReader, bundleWriter, emptyBundle } from './state';

/**
 * The family's checkpoint cadence when the config names none: one-shot search and plain training
 * every 50 steps (a step is one batch, a fraction of a second to seconds; a DARTS-space state is a
 * few MB, so more often would cost real time); black-box search after every query when the
 * evaluator trains (a query costs seconds to minutes, its state is a small JSON), every 25 queries
 * for table lookups (a query costs microseconds: the whole run repeats faster than it checkpoints).
 */
export function checkpointEveryFor(config: RunConfig): number {
  if (config.checkpointEvery !== undefined) return config.checkpointEvery;
  if ('evaluator' in config) {
    // NOSH on learning-curve lookups: a step is a looked-up epoch, 200 of them one full training.
    if (config.evaluator.kind === 'nb201-curves') return 200;
    return config.evaluator.kind === 'nb201-tabular' ? 25 : 1;
  }
  return 50;
}

/** Takes the strategy's state and writes it as `step-<step>.ckpt` in `dir` (atomically). */
export function saveCheckpoint(dir: string, strategy: SearchStrategy, info: CheckpointInfo): WrittenCheckpoint {
  const bundle = emptyBundle();
  strategy.saveState(bundleWriter(bundle));
  return writeCheckpoint(dir, info, bundle);
}

/**
 * Restores a freshly built strategy from the newest usable ref. A ref that is damaged (missing,
 * SHA-256 mismatch, truncated, another format or algorithm) is reported through `warn` and the next
 * one tried; so is one whose state does not fit the network built from the config, after which the
 * strategy is rebuilt (its state may be half-restored). Throws, naming every file and its fault,
 * when none is usable.
 */
export async function restoreNewestIntact(
  refs: readonly CheckpointRef[],
  config: RunConfig,
  build: () => Promise<SearchStrategy>,
  warn: (message: string) => void,
): Promise<{ strategy: SearchStrategy; info: CheckpointInfo; file: string }> {
  const faults: string[] = [];
  let strategy: SearchStrategy | null = null;
  for (const ref of refs) {
    try {
      const { info, bundle } = readCheckpoint(ref, config.algorithm);
      if (info.step !== ref.step) throw new Error(`checkpoint ${ref.file} holds step ${info.step}, it was recorded as step ${ref.step}`);
      strategy ??= await build();
      try {
        strategy.loadState(bundleReader(bundle, ref.file));
      } catch (error) {
        strategy.dispose();
        strategy = null;
        throw error;
      }
      return { strategy, info, file: ref.file };
    } catch (error) {
      const message = (error as Error).message;
      faults.push(message);
      warn(`cannot resume from ${ref.file}: ${message}; trying the checkpoint before it`);
    }
  }
  strategy?.dispose();
  const files = refs.map((r) => r.file).join(', ') || 'none were recorded';
  throw new Error(`cannot resume: none of the ${refs.length} checkpoint(s) is usable (${files}). ${faults.join(' | ')}`);
}
