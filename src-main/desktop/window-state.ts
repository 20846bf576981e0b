import { readFileSync } from 'node:fs';
import { z } from 'zod';
import { writeFileAtomic } from '../engine/checkpoint/atomic-write';

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

const RectSchema = z.object({ x: z.number().int(), y: z.number().int(), width: z.number().int().min(1), height: z.number().int().min(1) });
const WindowStateSchema = z.object({ bounds: RectSchema, maximized: z.boolean() });
export type WindowState = z.infer<typeof WindowStateSchema>;

export const WINDOW_STATE_FILE = 'window-state.json';
export const DEFAULT_SIZE = { width: 1400, height: 900 };
export const MIN_SIZE = { width: 800, height: 560 };
/** At least this much of the saved window must lie on a display, or it is not restored there. */
const MIN_VISIBLE = { width: 160, height: 80 };

/** The window's saved size and place, or null when there is none or it does not read (then the default). */
export function readWindowState(file: string): WindowState | null {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = WindowStateSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export function writeWindowState(file: string, state: WindowState): void {
  writeFileAtomic(file, new TextEncoder().encode(`${JSON.stringify(state)}\n`));
}

function overlap(a: Rect, b: Rect): { width: number; height: number } {
  return {
    width: Math.max(0, Math.min(a.x + a.width, b.x + b.width) - Math.max(a.x, b.x)),
    height: Math.max(0, Math.min(a.y + a.height, b.y + b.height) - Math.max(a.y, b.y)),
  };
}

/**
 * Where to open the window: the saved bounds when enough of them lies on a display that is still
 * there (a monitor unplugged since leaves the window off-screen otherwise), with the size shrunk to
 * that display's work area; else the default size (shrunk to the first display) centred by Electron.
 */
export function placeWindow(saved: WindowState | null, workAreas: Rect[]): { bounds: Rect | { width: number; height: number }; maximized: boolean } {
  if (saved) {
    const area = workAreas.find((a) => {
      const o = overlap(saved.bounds, a);
      return o.width >= MIN_VISIBLE.width && o.height >= MIN_VISIBLE.height;
    });
    if (area) {
      const width = Math.max(MIN_SIZE.width, Math.min(saved.bounds.width, area.width));
      const height = Math.max(MIN_SIZE.height, Math.min(saved.bounds.height, area.height));
      return { bounds: { x: saved.bounds.x, y: saved.bounds.y, width, height }, maximized: saved.maximized };
    }
  }
  const first = workAreas[0];
  const width = first ? Math.max(MIN_SIZE.width, Math.min(DEFAULT_SIZE.width, first.width)) : DEFAULT_SIZE.width;
  const height = first ? Math.max(MIN_SIZE.height, Math.min(DEFAULT_SIZE.height, first.height)) : DEFAULT_SIZE.height;
  return { bounds: { width, height }, maximized: saved?.maximized ?? false };
}
