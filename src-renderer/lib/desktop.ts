import type { Router } from 'vue-router';
import { ApiError } from '../../src-shared/api-error';
import type { Api } from '../../src-shared/contract';
import type { DesktopBridge, DesktopChannel, DesktopReply, DesktopRequestOf, DesktopResponseOf, MenuCommand } from '../../src-shared/desktop';
import type { PreloadBridge } from '../../src-shared/transport';

/** The desktop app's native dialogs and menu (src-shared/desktop.ts), or null in web mode. */
export function desktopBridge(): DesktopBridge | null {
  return (globalThis as { workbench?: PreloadBridge }).workbench?.desktop ?? null;
}

/** A desktop request's data; a refused one throws ApiError with main's message, like the contract's. */
export async function desktopRequest<C extends DesktopChannel>(bridge: DesktopBridge, channel: C, request: DesktopRequestOf<C>): Promise<DesktopResponseOf<C>> {
  const call = bridge.requests[channel] as unknown as (r: DesktopRequestOf<C>) => Promise<DesktopReply<C>>;
  const reply = await call(request);
  if (!reply.ok) throw new ApiError(reply.error);
  return reply.data as DesktopResponseOf<C>;
}

/** A native folder picker exists (the desktop app); in web mode the path is typed. */
export function canPickFolder(): boolean {
  return desktopBridge() !== null;
}

/**
 * Asks the user for the dataset folder in a native dialog. Resolves to the absolute path chosen,
 * or null when they cancelled; throws in web mode (check canPickFolder() first).
 */
export async function pickDatasetFolder(): Promise<string | null> {
  const bridge = desktopBridge();
  if (!bridge) throw new Error('No folder picker in web mode: type the dataset folder’s path on the machine that runs the workbench.');
  return (await desktopRequest(bridge, 'desktop.pickFolder', { purpose: 'dataset' })).path;
}

/**
 * Carries out the application menu's renderer commands: navigation, and exporting the genotype of
 * the run on screen through the save dialog. Does nothing in web mode (no menu there).
 */
export function installMenuCommands(router: Router, api: Api, save: (name: string, text: string) => Promise<unknown>): void {
  const bridge = desktopBridge();
  if (!bridge) return;
  const run = async (command: MenuCommand): Promise<void> => {
    if (command === 'new-run') await router.push({ name: 'new-run' });
    else if (command === 'import-genotype') await router.push({ name: 'genotypes' });
    else if (command === 'open-experiments') await router.push({ name: 'experiments' });
    else {
      const route = router.currentRoute.value;
      const runId = route.name === 'run' ? Number(route.params.id) : NaN;
      if (!Number.isInteger(runId) || runId < 1) {
        window.alert('Open a run first: Export saves the genotype of the run on screen.');
        return;
      }
      const exported = await api.request('genotypes.export', { runId, format: 'json' });
      await save(`run-${runId}-genotype.json`, exported.text);
    }
  };
  bridge.onMenu((command) => {
    run(command).catch((error: unknown) => window.alert(error instanceof Error ? error.message : String(error)));
  });
}
