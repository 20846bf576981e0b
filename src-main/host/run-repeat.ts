import { RunConfig } from '../../src-shared/model/run-config';
import type { RunRepeat } from '../../src-shared/model/run-browser';
import type { Run } from '../../src-shared/model/records';
import type { Store } from '../store';
import { HostError } from './host-error';
import type { RunManager } from './run-manager';

const MAX_SEED = 2 ** 31 - 1;

/** A run's name without the " (seed N)" the default name and earlier repeats end with. */
function baseName(name: string): string {
  return name.replace(/\s*\(seed \d+\)$/, '');
}

/**
 * Starts copies of run `id`'s config, one per seed: s+1..s+count after its seed s, or exactly the
 * given seeds. The stored config is validated again first (a config written by an older build may
 * no longer be valid), so either every copy starts or none does.
 */
export function repeatRun(store: Store, runs: RunManager, request: RunRepeat): Run[] {
  const run = store.runs.get(request.id);
  if (!run) throw new HostError('not_found', `run ${request.id} does not exist`, 'id');
  const parsed = RunConfig.safeParse(run.config);
  if (!parsed.success) {
    throw new HostError(
      'invalid_request',
      `run ${run.id}'s stored config is not valid for this version (${parsed.error.issues[0]?.message ?? 'invalid'}); clone it into the New-run form and fix it there`,
      'id',
    );
  }
  const seeds = request.seeds ?? Array.from({ length: request.count ?? 1 }, (_, i) => run.seed + i + 1);
  const tooLarge = seeds.find((s) => s > MAX_SEED);
  if (tooLarge !== undefined) throw new HostError('invalid_request', `seed ${tooLarge} is above the largest seed ${MAX_SEED}; choose the seeds instead`, 'count');
  const base = baseName(run.name);
  return seeds.map((seed) => runs.start({ experimentId: run.experimentId, name: `${base} (seed ${seed})`, config: { ...parsed.data, seed } }));
}
