import { PT_SOURCE_ALGORITHMS } from '../../src-shared/model/algorithms/darts-pt';
import { oneShotFields } from '../../src-shared/model/algorithms/one-shot';
import type { Run } from '../../src-shared/model/records';
import { RunConfig } from '../../src-shared/model/run-config';
import type { Store } from '../store';
import { HostError } from './host-error';
import type { RunManager } from './run-manager';

/**
 * "Select with PT" (docs/oneshot.md, DARTS-PT): starts a `darts-pt` run that projects the supernet
 * of finished run `id`, in the same experiment. The new config takes the source's shared one-shot
 * settings (space, data, learning rates, validation batches, seed) and names the source run, its
 * stored config and its newest checkpoint; the engine restores that checkpoint and runs the source's
 * last steps before projecting (a finished run keeps no checkpoint of its very end).
 */
export function selectWithPt(store: Store, runs: RunManager, request: { id: number; projectionInterval?: number }): Run {
  const run = store.runs.get(request.id);
  if (!run) throw new HostError('not_found', `run ${request.id} does not exist`, 'id');
  if (!(PT_SOURCE_ALGORITHMS as readonly string[]).includes(run.algorithm)) {
    throw new HostError('invalid_request', `Select with PT takes a finished run of ${PT_SOURCE_ALGORITHMS.join(', ')}; run ${run.id} is '${run.algorithm}'`, 'id');
  }
  if (run.status !== 'completed') throw new HostError('conflict', `run ${run.id} is ${run.status}: Select with PT needs the supernet of a completed run`, 'id');
  const newest = store.checkpoints.list(run.id)[0];
  if (!newest) throw new HostError('conflict', `run ${run.id} kept no checkpoint, so its supernet cannot be rebuilt; run it again with checkpoints`, 'id');
  const source = run.config as Record<string, unknown>;
  const shared = Object.fromEntries(Object.keys(oneShotFields).filter((k) => k in source && k !== 'earlyStop' && k !== 'name').map((k) => [k, source[k]]));
  const parsed = RunConfig.safeParse({
    ...shared,
    algorithm: 'darts-pt',
    ...(request.projectionInterval !== undefined ? { projectionInterval: request.projectionInterval } : {}),
    source: { runId: run.id, config: source, checkpoint: { file: newest.file, step: newest.step, sha256: newest.sha256 } },
  });
  if (!parsed.success) {
    throw new HostError('invalid_request', `run ${run.id}'s config cannot be projected: ${parsed.error.issues[0]?.path.join('.')}: ${parsed.error.issues[0]?.message}`, 'id');
  }
  return runs.start({ experimentId: run.experimentId, name: `PT selection of run ${run.id} (${run.name})`.slice(0, 200), config: parsed.data });
}
