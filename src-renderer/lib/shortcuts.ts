/** A key sequence that opens one of the main views. */
export interface NavShortcut {
  /** Typed one after the other, e.g. ['g', 'e']. */
  keys: readonly string[];
  /** Alt + this digit does the same in one stroke. */
  digit: string;
  to: string;
  label: string;
}

/** The header's views in its order: `g` then the view's letter, or Alt+1..5. */
export const NAV_SHORTCUTS: readonly NavShortcut[] = [
  { keys: ['g', 'e'], digit: '1', to: '/experiments', label: 'Experiments' },
  { keys: ['g', 'n'], digit: '2', to: '/runs/new', label: 'New run' },
  { keys: ['g', 's'], digit: '3', to: '/spaces', label: 'Search spaces' },
  { keys: ['g', 'g'], digit: '4', to: '/genotypes', label: 'Genotype' },
  { keys: ['g', 'c'], digit: '5', to: '/compare', label: 'Compare' },
];

/** Longest pause between the keys of a sequence, as in GitHub's and Gmail's `g` shortcuts. */
export const SEQUENCE_TIMEOUT_MS = 1500;

export type ShortcutAction = { kind: 'navigate'; to: string } | { kind: 'help' } | { kind: 'close' };

/** The parts of a KeyboardEvent the matcher reads. */
export interface KeyPress {
  key: string;
  altKey?: boolean;
  ctrlKey?: boolean;
  metaKey?: boolean;
  /** Milliseconds, any clock (the event's timeStamp). */
  time: number;
}

/**
 * Turns key presses into actions: `?` help, Escape close, `g x` sequences and Alt+digit to views.
 * Presses with Ctrl or Meta are the browser's and never match.
 */
export class ShortcutMatcher {
  private pending: { key: string; time: number } | null = null;

  press(k: KeyPress): ShortcutAction | null {
    if (k.ctrlKey || k.metaKey) return this.reset();
    if (k.altKey) {
      // With Alt, some layouts give a symbol as `key`; the digit row still reports the digit for 1..5 on US and most others.
      const hit = NAV_SHORTCUTS.find((s) => s.digit === k.key);
      this.pending = null;
      return hit ? { kind: 'navigate', to: hit.to } : null;
    }
    if (k.key === 'Escape') {
      this.pending = null;
      return { kind: 'close' };
    }
    if (k.key === '?') {
      this.pending = null;
      return { kind: 'help' };
    }
    const previous = this.pending;
    this.pending = null;
    if (previous && k.time - previous.time <= SEQUENCE_TIMEOUT_MS) {
      const hit = NAV_SHORTCUTS.find((s) => s.keys[0] === previous.key && s.keys[1] === k.key);
      if (hit) return { kind: 'navigate', to: hit.to };
    }
    if (NAV_SHORTCUTS.some((s) => s.keys[0] === k.key)) this.pending = { key: k.key, time: k.time };
    return null;
  }

  private reset(): null {
    this.pending = null;
    return null;
  }
}

/** Whether typing goes to a field (where `g` and `?` are text, not shortcuts). */
export function isTypingTarget(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || typeof el.tagName !== 'string') return false;
  const tag = el.tagName.toLowerCase();
  return tag === 'input' || tag === 'textarea' || tag === 'select' || el.isContentEditable === true;
}
