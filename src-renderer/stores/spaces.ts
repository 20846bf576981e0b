import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { SavedSpace } from '../../src-shared/model/saved-space';
import type { SearchSpace } from '../../src-shared/model/space';
import { useApi } from '../api/current';

/** The search spaces saved by name (space editor saves and deletes, New run picks). */
export const useSpacesStore = defineStore('spaces', () => {
  const items = ref<SavedSpace[]>([]);

  async function load(): Promise<SavedSpace[]> {
    items.value = await useApi().request('spaces.list', {});
    return items.value;
  }

  async function save(name: string, space: SearchSpace, replace = false): Promise<SavedSpace> {
    const saved = await useApi().request('spaces.save', { name, space, replace });
    items.value = [...items.value.filter((s) => s.id !== saved.id), saved].sort((a, b) => a.name.localeCompare(b.name));
    return saved;
  }

  async function remove(id: number): Promise<void> {
    await useApi().request('spaces.delete', { id });
    items.value = items.value.filter((s) => s.id !== id);
  }

  return { items, load, save, remove };
});
