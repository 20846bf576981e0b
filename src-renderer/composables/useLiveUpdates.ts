import { onScopeDispose } from 'vue';
import type { Api } from '../../src-shared/contract';
import { useApi } from '../api/current';
import { useMetricsStore } from '../stores/metrics';
import { useRunsStore } from '../stores/runs';

/** Routes main's events into the stores; returns the unsubscribe. Separate from the composable so tests can call it. */
export function subscribeLiveUpdates(api: Api): () => void {
  const runs = useRunsStore();
  const metrics = useMetricsStore();
  const offs = [
    api.on('run.status', (run) => runs.applyStatus(run)),
    api.on('run.metrics', ({ runId, points }) => metrics.applyPoints(runId, points)),
    api.on('run.log', (line) => runs.applyLog(line)),
    api.on('run.genotype', (record) => runs.applyGenotype(record)),
  ];
  return () => offs.forEach((off) => off());
}

/** Subscribes once for the app's lifetime (call it in App.vue's setup). */
export function useLiveUpdates(): void {
  onScopeDispose(subscribeLiveUpdates(useApi()));
}
