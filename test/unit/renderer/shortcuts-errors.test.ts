import { describe, expect, it } from 'vitest';
import { ApiError } from '../../../src-shared/api-error';
import { errorMessage, userText } from '../../../src-renderer/lib/errors';
import { ShortcutMatcher, SEQUENCE_TIMEOUT_MS, isTypingTarget } from '../../../src-renderer/lib/shortcuts';

describe('keyboard shortcuts', () => {
  it('g then a letter within the timeout opens a view; Alt+digit too; ? and Escape', () => {
    const m = new ShortcutMatcher();
    expect(m.press({ key: 'g', time: 0 })).toBeNull();
    expect(m.press({ key: 'c', time: 500 })).toEqual({ kind: 'navigate', to: '/compare' });
    expect(m.press({ key: 'g', time: 1000 })).toBeNull();
    expect(m.press({ key: 'g', time: 1200 })).toEqual({ kind: 'navigate', to: '/genotypes' });
    expect(m.press({ key: '3', altKey: true, time: 2000 })).toEqual({ kind: 'navigate', to: '/spaces' });
    expect(m.press({ key: '?', time: 3000 })).toEqual({ kind: 'help' });
    expect(m.press({ key: 'Escape', time: 3100 })).toEqual({ kind: 'close' });
  });

  it('a late second key, another key between, or Ctrl/Meta do not navigate', () => {
    const m = new ShortcutMatcher();
    m.press({ key: 'g', time: 0 });
    expect(m.press({ key: 'e', time: SEQUENCE_TIMEOUT_MS + 1 })).toBeNull();
    m.press({ key: 'g', time: 5000 });
    m.press({ key: 'x', time: 5100 });
    expect(m.press({ key: 'e', time: 5200 })).toBeNull();
    m.press({ key: 'g', time: 6000 });
    expect(m.press({ key: 'e', ctrlKey: true, time: 6100 })).toBeNull();
    expect(m.press({ key: 'e', time: 6200 })).toBeNull();
    expect(m.press({ key: '9', altKey: true, time: 7000 })).toBeNull();
  });

  it('fields swallow shortcuts', () => {
    expect(isTypingTarget({ tagName: 'INPUT' } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: 'DIV', isContentEditable: true } as unknown as EventTarget)).toBe(true);
    expect(isTypingTarget({ tagName: 'BUTTON', isContentEditable: false } as unknown as EventTarget)).toBe(false);
    expect(isTypingTarget(null)).toBe(false);
  });
});

describe('error text without internal prefixes', () => {
  it('drops the channel and the config. of field paths, keeps the field name and the reason', () => {
    expect(userText('runs.start: config.epochs: Too small: expected number to be >=1')).toBe('epochs: Too small: expected number to be >=1');
    expect(userText('runs.start: config.space.nodes: bad; config.seed: bad')).toBe('space.nodes: bad; seed: bad');
    expect(errorMessage(new ApiError({ code: 'invalid_request', message: 'metrics.query: runId: Invalid input' }))).toBe('runId: Invalid input');
  });

  it('leaves other messages alone: an unknown prefix, or "config" inside a sentence', () => {
    expect(userText('disk: full')).toBe('disk: full');
    expect(userText('the run config.json is missing')).toBe('the run config.json is missing');
  });
});
