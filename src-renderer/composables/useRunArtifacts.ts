import { onBeforeUnmount, ref, toValue, watch, type MaybeRefOrGetter, type Ref } from 'vue';
import type { ArtifactRecord } from '../../src-shared/model/records';
import { useApi } from '../api/current';
import { errorMessage } from '../lib/errors';

/** Shortest gap between two fetches of a live run's artifacts: a black-box run reports one per query. */
export const ARTIFACT_REFRESH_MS = 1500;

/**
 * A run's artifacts of one kind. There is no artifact event, so the list is fetched again whenever
 * `version` changes (the dashboard passes the run's progress, status and genotype step, which move
 * when the engine reports), at most once per ARTIFACT_REFRESH_MS, and always once more after the
 * last change so the final state is shown.
 */
export function useRunArtifacts(
  runId: MaybeRefOrGetter<number | null>,
  kind: string,
  version: MaybeRefOrGetter<unknown>,
): { records: Ref<ArtifactRecord[]>; error: Ref<string | null> } {
  const records = ref<ArtifactRecord[]>([]);
  const error = ref<string | null>(null);
  let lastFetch = 0;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let inFlight = false;
  let again = false;

  async function fetchNow(): Promise<void> {
    const id = toValue(runId);
    if (id === null) return;
    if (inFlight) {
      again = true;
      return;
    }
    inFlight = true;
    lastFetch = Date.now();
    try {
      const list = await useApi().request('runs.artifacts', { id, kind });
      if (toValue(runId) === id) records.value = list;
      error.value = null;
    } catch (e) {
      error.value = errorMessage(e);
    } finally {
      inFlight = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  }

  function schedule(): void {
    if (timer) return;
    const wait = Math.max(0, lastFetch + ARTIFACT_REFRESH_MS - Date.now());
    timer = setTimeout(() => {
      timer = null;
      void fetchNow();
    }, wait);
  }

  watch(
    () => toValue(runId),
    () => {
      records.value = [];
      lastFetch = 0;
      schedule();
    },
    { immediate: true },
  );
  watch(() => toValue(version), schedule);
  onBeforeUnmount(() => timer && clearTimeout(timer));
  return { records, error };
}
