import { writeFileAtomic } from '../engine/checkpoint/atomic-write';
import { copyRunWeights } from '../cli/commands/weights';
import type { Host } from '../host/host';
import type { SaveKind } from '../../src-shared/desktop';
import type { DesktopHandlers } from './ipc';

export interface FileFilter {
  name: string;
  extensions: string[];
}

/** The native dialogs, behind the two calls the handlers need (Electron's `dialog` in electron/). */
export interface Dialogs {
  /** The path the user chose, or null when they cancelled. */
  saveFile(opts: { title: string; defaultName: string; filters: FileFilter[] }): Promise<string | null>;
  pickFolder(opts: { title: string }): Promise<string | null>;
}

const SAVE_TARGETS: Record<SaveKind | 'weights', { title: string; filter: FileFilter }> = {
  'genotype-json': { title: 'Save genotype', filter: { name: 'Genotype JSON', extensions: ['json'] } },
  'genotype-python': { title: 'Save genotype', filter: { name: 'Python', extensions: ['py'] } },
  'genotype-text': { title: 'Save genotype', filter: { name: 'Text', extensions: ['txt'] } },
  csv: { title: 'Save CSV', filter: { name: 'CSV', extensions: ['csv'] } },
  png: { title: 'Save image', filter: { name: 'PNG image', extensions: ['png'] } },
  weights: { title: 'Save trained network', filter: { name: 'safetensors', extensions: ['safetensors'] } },
};

/** The suggested name with the kind's extension (a name the renderer made may lack it). */
export function withExtension(name: string, extension: string): string {
  return name.toLowerCase().endsWith(`.${extension}`) ? name : `${name}.${extension}`;
}

function dialogOptions(kind: SaveKind | 'weights', suggestedName: string): { title: string; defaultName: string; filters: FileFilter[] } {
  const target = SAVE_TARGETS[kind];
  return { title: target.title, defaultName: withExtension(suggestedName, target.filter.extensions[0]), filters: [target.filter, { name: 'All files', extensions: ['*'] }] };
}

/**
 * The desktop channels: each asks the user in a native dialog, then writes only to the path the
 * user chose (atomically: the file appears whole or not at all). A cancelled dialog answers
 * `path: null` and writes nothing.
 */
export function createDesktopHandlers(host: Host, dialogs: Dialogs): DesktopHandlers {
  return {
    async 'desktop.saveFile'(request) {
      const path = await dialogs.saveFile(dialogOptions(request.kind, request.suggestedName));
      if (path === null) return { ok: true, data: { path: null } };
      const bytes = request.text !== undefined ? new TextEncoder().encode(request.text) : new Uint8Array(Buffer.from(request.base64 ?? '', 'base64'));
      try {
        writeFileAtomic(path, bytes);
      } catch (error) {
        return { ok: false, error: { code: 'internal', message: `${(error as Error).message}: pick a folder you can write to` } };
      }
      return { ok: true, data: { path } };
    },

    async 'desktop.saveWeights'(request) {
      const run = host.store.runs.get(request.runId);
      if (!run) return { ok: false, error: { code: 'not_found', message: `run ${request.runId} does not exist` } };
      // Checked before the dialog, so the user is not asked where to save something that is not there.
      if (host.store.artifacts.list(request.runId, 'evaluation.weights').length === 0) {
        return { ok: false, error: { code: 'not_found', message: `run ${request.runId} has no trained network (only a completed evaluation run saves one)` } };
      }
      const path = await dialogs.saveFile(dialogOptions('weights', `run-${request.runId}-weights`));
      if (path === null) return { ok: true, data: { path: null } };
      try {
        copyRunWeights(host, request.runId, path, false, () => {});
      } catch (error) {
        return { ok: false, error: { code: 'internal', message: (error as Error).message } };
      }
      return { ok: true, data: { path } };
    },

    async 'desktop.pickFolder'() {
      return { ok: true, data: { path: await dialogs.pickFolder({ title: 'Choose the dataset folder' }) } };
    },
  };
}
