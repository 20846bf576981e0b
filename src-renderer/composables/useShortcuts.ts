import { onBeforeUnmount, onMounted, ref } from 'vue';
import { useRouter } from 'vue-router';
import { ShortcutMatcher, isTypingTarget } from '../lib/shortcuts';

/** Whether the shortcuts help is open; the header's `?` button opens it too. */
export const shortcutsHelpOpen = ref(false);

/** Listens for the keyboard shortcuts of lib/shortcuts.ts on the whole page (App.vue calls it once). */
export function useShortcuts(): void {
  const router = useRouter();
  const matcher = new ShortcutMatcher();
  const onKey = (e: KeyboardEvent): void => {
    // Escape closes the help even from a field; everything else is text there.
    if (isTypingTarget(e.target) && e.key !== 'Escape') return;
    const action = matcher.press({ key: e.key, altKey: e.altKey, ctrlKey: e.ctrlKey, metaKey: e.metaKey, time: e.timeStamp });
    if (!action) return;
    if (action.kind === 'help') shortcutsHelpOpen.value = !shortcutsHelpOpen.value;
    else if (action.kind === 'close') {
      if (!shortcutsHelpOpen.value) return;
      shortcutsHelpOpen.value = false;
    } else {
      shortcutsHelpOpen.value = false;
      void router.push(action.to);
    }
    e.preventDefault();
  };
  onMounted(() => window.addEventListener('keydown', onKey));
  onBeforeUnmount(() => window.removeEventListener('keydown', onKey));
}
