/**
 * Handing text and images to the user: in the desktop app through the native save dialog (main
 * writes the file where the user chose), in web mode as a browser download.
 */
import type { SaveKind } from '../../src-shared/desktop';
import { desktopBridge, desktopRequest } from './desktop';

export async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    await navigator.clipboard.writeText(text);
    return;
  }
  // No async clipboard (non-secure context): the old selection-based copy.
  const area = document.createElement('textarea');
  area.value = text;
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('The browser refused to copy; select the text and copy it by hand.');
}

const KIND_BY_EXTENSION: Record<string, SaveKind> = { json: 'genotype-json', py: 'genotype-python', txt: 'genotype-text', csv: 'csv', png: 'png' };

/** The dialog's kind for a file name (its filter and title); unknown extensions save as text. */
export function saveKindFor(filename: string): SaveKind {
  return KIND_BY_EXTENSION[filename.split('.').pop()?.toLowerCase() ?? ''] ?? 'genotype-text';
}

/** What happened: saved at `path` (desktop), cancelled (desktop), or handed to the browser (web). */
export type SaveOutcome = { saved: 'file'; path: string } | { saved: 'cancelled' } | { saved: 'download' };

/** The desktop dialog's answer: the path chosen, or null when the user cancelled. */
function outcomeOf(path: string | null): SaveOutcome {
  return path === null ? { saved: 'cancelled' } : { saved: 'file', path };
}

/** The one browser download path (web mode): a link to `url` clicked. */
function browserDownload(filename: string, url: string): void {
  const a = document.createElement('a');
  a.href = url;
  a.download = filename;
  document.body.append(a);
  a.click();
  a.remove();
}

export async function downloadText(filename: string, text: string, mime = 'text/plain'): Promise<SaveOutcome> {
  const bridge = desktopBridge();
  if (bridge) {
    const { path } = await desktopRequest(bridge, 'desktop.saveFile', { kind: saveKindFor(filename), suggestedName: filename, text });
    return outcomeOf(path);
  }
  const url = URL.createObjectURL(new Blob([text], { type: `${mime};charset=utf-8` }));
  browserDownload(filename, url);
  setTimeout(() => URL.revokeObjectURL(url), 1000);
  return { saved: 'download' };
}

/** A PNG given as a data URL (ECharts' getDataURL({ type: 'png' })). */
export async function downloadPng(filename: string, dataUrl: string): Promise<SaveOutcome> {
  const match = /^data:image\/png;base64,([A-Za-z0-9+/]*={0,2})$/.exec(dataUrl);
  if (!match) throw new Error('Not a PNG data URL: the chart could not be exported as an image.');
  const bridge = desktopBridge();
  if (bridge) {
    const { path } = await desktopRequest(bridge, 'desktop.saveFile', { kind: 'png', suggestedName: filename, base64: match[1] });
    return outcomeOf(path);
  }
  browserDownload(filename, dataUrl);
  return { saved: 'download' };
}

/** An evaluation run's trained network: a save dialog in the desktop app; null in web mode (use the CLI's `weights` command). */
export async function saveRunWeights(runId: number): Promise<SaveOutcome | null> {
  const bridge = desktopBridge();
  if (!bridge) return null;
  const { path } = await desktopRequest(bridge, 'desktop.saveWeights', { runId });
  return outcomeOf(path);
}
