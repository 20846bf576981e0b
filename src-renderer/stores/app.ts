import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppInfo } from '../../src-shared/contract';
import { useApi } from '../api/current';
import { appErrorOf, errorMessage } from '../lib/errors';

/** What the header shows: version, the tfjs backend in use, the data dir; and whether we may talk to main at all. */
export const useAppStore = defineStore('app', () => {
  const info = ref<AppInfo | null>(null);
  const error = ref<string | null>(null);
  /** True when main refused us for a missing or wrong token: nothing else will work either. */
  const unauthorized = ref(false);

  async function load(): Promise<void> {
    try {
      info.value = await useApi().request('app.info', {});
      error.value = null;
      unauthorized.value = false;
    } catch (e) {
      unauthorized.value = appErrorOf(e)?.code === 'unauthorized';
      error.value = errorMessage(e);
    }
  }

  return { info, error, unauthorized, load };
});
