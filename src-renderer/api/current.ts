import type { Api } from '../../src-shared/contract';

/**
 * The one Api the stores talk to. main.ts installs the real client at start; unit tests install a
 * fake. A module-level slot rather than provide/inject because stores run outside components.
 */
let current: Api | null = null;

export function setApi(api: Api): void {
  current = api;
}

export function useApi(): Api {
  if (!current) throw new Error('No Api installed: call setApi(createApi()) before using the stores');
  return current;
}
