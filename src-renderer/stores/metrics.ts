import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { StoredMetricPoint } from '../../src-shared/model/metrics';
import { useApi } from '../api/current';
import { appendPoints, fromQuery, type SeriesData } from '../lib/series-buffer';

/** Points asked of `metrics.query` per key when a dashboard opens (the server downsamples). */
export const INITIAL_MAX_POINTS = 1000;

/**
 * The metric series of the runs whose dashboard is open: filled by `metrics.query` (downsampled) and
 * then extended by `run.metrics` events. Events that arrive while the query is in flight are held
 * back and merged after it, so no point is lost or doubled.
 */
export const useMetricsStore = defineStore('metrics', () => {
  const series = ref<Record<number, Record<string, SeriesData>>>({});
  const pending = new Map<number, StoredMetricPoint[]>();

  async function load(runId: number): Promise<void> {
    pending.set(runId, []);
    try {
      const result = await useApi().request('metrics.query', { runId, maxPoints: INITIAL_MAX_POINTS });
      const data = fromQuery(result);
      appendPoints(data, pending.get(runId) ?? []);
      series.value[runId] = data;
    } finally {
      pending.delete(runId);
    }
  }

  /** Points for a run nobody opened are dropped: its dashboard will query them from the store. */
  function applyPoints(runId: number, points: readonly StoredMetricPoint[]): void {
    const held = pending.get(runId);
    if (held) {
      held.push(...points);
      return;
    }
    const data = series.value[runId];
    if (data) appendPoints(data, points);
  }

  function release(runId: number): void {
    delete series.value[runId];
  }

  return { series, load, applyPoints, release };
});
