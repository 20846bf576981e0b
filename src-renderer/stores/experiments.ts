import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { Experiment } from '../../src-shared/model/records';
import { useApi } from '../api/current';
import { errorMessage } from '../lib/errors';

/** The experiments list and its edits. Actions throw ApiError so forms can show the field; `error` holds a failed load. */
export const useExperimentsStore = defineStore('experiments', () => {
  const items = ref<Experiment[]>([]);
  const loaded = ref(false);
  const error = ref<string | null>(null);

  const byId = computed(() => new Map(items.value.map((e) => [e.id, e])));

  async function load(): Promise<void> {
    try {
      items.value = await useApi().request('experiments.list', {});
      loaded.value = true;
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    }
  }

  function upsert(experiment: Experiment): void {
    const i = items.value.findIndex((e) => e.id === experiment.id);
    if (i >= 0) items.value[i] = experiment;
    else items.value.push(experiment);
  }

  async function create(name: string, description?: string): Promise<Experiment> {
    const created = await useApi().request('experiments.create', description ? { name, description } : { name });
    upsert(created);
    return created;
  }

  async function rename(id: number, name: string): Promise<Experiment> {
    const renamed = await useApi().request('experiments.rename', { id, name });
    upsert(renamed);
    return renamed;
  }

  async function remove(id: number): Promise<void> {
    await useApi().request('experiments.delete', { id });
    items.value = items.value.filter((e) => e.id !== id);
  }

  /** A run started or was deleted elsewhere: keep the run counts right without a reload. */
  function adjustRunCount(experimentId: number, delta: number): void {
    const e = items.value.find((x) => x.id === experimentId);
    if (e) e.runCount = Math.max(0, e.runCount + delta);
  }

  return { items, loaded, error, byId, load, create, rename, remove, adjustRunCount };
});
