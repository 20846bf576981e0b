import { z } from 'zod';
import type { AppError } from './contract';

/**
 * What only the desktop app offers on top of the contract: native dialogs and the application menu.
 * Web mode has none of it (the renderer falls back to a browser download and a typed path), so these
 * channels are not in contract.ts: no web handler must exist for them. Same rules as the contract:
 * one schema per channel, main validates every request, the renderer never names a file path to
 * write (main asks the user in a native dialog and writes only where the user chose).
 */

/** What is being saved; decides the dialog's title, file filter and default extension. */
export const SAVE_KINDS = ['genotype-json', 'genotype-python', 'genotype-text', 'csv', 'png'] as const;
export type SaveKind = (typeof SAVE_KINDS)[number];

/** A file name only (no folder part): the dialog's suggestion, the user may change it. */
const SuggestedName = z
  .string()
  .trim()
  .min(1)
  .max(200)
  .refine((s) => !/[/\\\u0000]/.test(s), 'a file name without / or \\ (the user picks the folder)');

/** 64 MiB of content at most: a chart PNG or a metrics CSV is far below that. */
export const MAX_SAVE_BYTES = 64 * 1024 * 1024;

export const desktopRequests = {
  /** Asks where to save and writes there: text as UTF-8, or `base64` bytes (a PNG from a chart). */
  'desktop.saveFile': {
    request: z
      .object({
        kind: z.enum(SAVE_KINDS),
        suggestedName: SuggestedName,
        text: z.string().max(MAX_SAVE_BYTES).optional(),
        base64: z.string().max(Math.ceil((MAX_SAVE_BYTES * 4) / 3) + 4).regex(/^[A-Za-z0-9+/]*={0,2}$/, 'base64 text').optional(),
      })
      .strict()
      .refine((r) => (r.text === undefined) !== (r.base64 === undefined), 'exactly one of text or base64'),
    response: z.object({ path: z.string().nullable() }),
  },
  /** Asks where to save an evaluation run's trained network and copies it there (checked against its SHA-256). */
  'desktop.saveWeights': {
    request: z.object({ runId: z.number().int().min(1) }).strict(),
    response: z.object({ path: z.string().nullable() }),
  },
  /** A native folder picker; `path: null` when the user cancelled. */
  'desktop.pickFolder': {
    request: z.object({ purpose: z.enum(['dataset']) }).strict(),
    response: z.object({ path: z.string().nullable() }),
  },
} as const;

export type DesktopChannel = keyof typeof desktopRequests;
export const DESKTOP_CHANNELS = Object.keys(desktopRequests) as DesktopChannel[];
export type DesktopRequestOf<C extends DesktopChannel> = z.input<(typeof desktopRequests)[C]['request']>;
export type DesktopResponseOf<C extends DesktopChannel> = z.output<(typeof desktopRequests)[C]['response']>;
export type DesktopReply<C extends DesktopChannel> = { ok: true; data: DesktopResponseOf<C> } | { ok: false; error: AppError };

/** Application-menu items the renderer carries out (navigation, exporting what it shows). */
export const MENU_COMMANDS = ['new-run', 'import-genotype', 'export-genotype', 'open-experiments'] as const;
export type MenuCommand = (typeof MENU_COMMANDS)[number];

/** What the preload puts on `window.workbench.desktop` in the Electron app (absent in web mode). */
export type DesktopBridge = {
  requests: { [C in DesktopChannel]: (request: DesktopRequestOf<C>) => Promise<DesktopReply<C>> };
  onMenu(listener: (command: MenuCommand) => void): () => void;
};

/** Electron IPC: desktop requests (channel name inside) and menu commands sent to the window. */
export const IPC_DESKTOP_REQUEST = 'workbench:desktop';
export const IPC_MENU = 'workbench:menu';
