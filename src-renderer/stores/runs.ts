import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { RequestOf } from '../../src-shared/contract';
import type { GenotypeRecord, LogLine, Run } from '../../src-shared/model/records';
import { useApi } from '../api/current';
import { useExperimentsStore } from './experiments';

/** Lines kept per run in the log panel; older ones scroll off (the store keeps them all). */
export const MAX_LOG_LINES = 2000;

/**
 * Runs as last seen (from a list, a request or a `run.status` event), plus what the dashboard shows
 * of one run: its metric keys, log lines and latest genotype. Live events go through the `apply*`
 * actions (wired in composables/useLiveUpdates.ts).
 */
export const useRunsStore = defineStore('runs', () => {
  const byId = ref<Record<number, Run>>({});
  const metricKeys = ref<Record<number, string[]>>({});
  const logs = ref<Record<number, LogLine[]>>({});
  const genotypes = ref<Record<number, GenotypeRecord | null>>({});

  const all = computed(() => Object.values(byId.value).sort((a, b) => b.id - a.id));

  function forExperiment(experimentId: number): Run[] {
    return all.value.filter((r) => r.experimentId === experimentId);
  }

  async function load(experimentId?: number): Promise<Run[]> {
    const runs = await useApi().request('runs.list', experimentId === undefined ? {} : { experimentId });
    for (const r of runs) byId.value[r.id] = r;
    return runs;
  }

  /** Everything the dashboard needs of one run except metrics (useMetricsStore) and logs (loadLogs). */
  async function fetchDetail(id: number): Promise<Run> {
    const detail = await useApi().request('runs.get', { id });
    byId.value[id] = detail.run;
    metricKeys.value[id] = detail.metricKeys;
    genotypes.value[id] = detail.genotype;
    return detail.run;
  }

  async function loadLogs(id: number, limit = 500): Promise<void> {
    // An empty list makes applyLog collect the lines that arrive while the request is in flight.
    logs.value[id] ??= [];
    const lines = await useApi().request('runs.logs', { id, limit });
    // Lines that arrived by event while the request was in flight are newer than the stored ones.
    const live = logs.value[id] ?? [];
    const last = lines.length ? lines[lines.length - 1].time : '';
    logs.value[id] = [...lines, ...live.filter((l) => l.time > last)].slice(-MAX_LOG_LINES);
  }

  async function start(request: RequestOf<'runs.start'>): Promise<Run> {
    const run = await useApi().request('runs.start', request);
    if (!byId.value[run.id]) useExperimentsStore().adjustRunCount(run.experimentId, +1);
    byId.value[run.id] = run;
    return run;
  }

  /** Starts copies of run `id` with the next `count` seeds or the given ones (runs.repeat); the experiment counts follow. */
  async function repeat(id: number, seeds: { count: number } | { seeds: number[] }): Promise<Run[]> {
    const started = await useApi().request('runs.repeat', { id, ...seeds });
    for (const run of started) applyStatus(run);
    return started;
  }

  async function stop(id: number): Promise<Run> {
    const run = await useApi().request('runs.stop', { id });
    applyStatus(run);
    return run;
  }

  /** Continues an interrupted (or failed) run from its newest checkpoint. */
  async function resume(id: number): Promise<Run> {
    const run = await useApi().request('runs.resume', { id });
    applyStatus(run);
    return run;
  }

  async function remove(id: number): Promise<void> {
    await useApi().request('runs.delete', { id });
    const run = byId.value[id];
    // A run known only from the browser's pages is not in byId: reload the counts instead.
    if (run) useExperimentsStore().adjustRunCount(run.experimentId, -1);
    else await useExperimentsStore().load();
    delete byId.value[id];
    delete logs.value[id];
    delete genotypes.value[id];
    delete metricKeys.value[id];
  }

  function applyStatus(run: Run): void {
    if (!byId.value[run.id]) useExperimentsStore().adjustRunCount(run.experimentId, +1);
    byId.value[run.id] = run;
  }

  /** Only runs whose log was opened collect live lines, so an unwatched run costs no memory here. */
  function applyLog(line: LogLine): void {
    const list = logs.value[line.runId];
    if (!list) return;
    list.push(line);
    if (list.length > MAX_LOG_LINES) list.splice(0, list.length - MAX_LOG_LINES);
  }

  /** A final genotype is never replaced by an intermediate one that arrives late. */
  function applyGenotype(record: GenotypeRecord): void {
    const current = genotypes.value[record.runId];
    if (current?.final && !record.final) return;
    genotypes.value[record.runId] = record;
  }

  return {
    byId, all, metricKeys, logs, genotypes,
    forExperiment, load, fetchDetail, loadLogs, start, repeat, stop, resume, remove, applyStatus, applyLog, applyGenotype,
  };
});
