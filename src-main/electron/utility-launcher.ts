import { utilityProcess } from 'electron';
import type { EngineLauncher } from '../host/engine-launcher';
import type { EngineToHost } from '../engine/protocol';

/** Engine processes as Electron utility processes: the same entry and protocol as the fork launcher. */
export function utilityLauncher(entry: string): EngineLauncher {
  return () => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'NAS engine', stdio: 'inherit' });
    let exitListener: ((reason: string, code: number | null) => void) | null = null;
    let exited: { reason: string; code: number } | null = null;
    child.on('exit', (code) => {
      exited = { reason: `exited with code ${code}`, code };
      exitListener?.(exited.reason, code);
    });
    return {
      send: (m) => child.postMessage(m),
      onMessage: (l) => child.on('message', (m: unknown) => l(m as EngineToHost)),
      onExit: (l) => {
        exitListener = l;
        if (exited) l(exited.reason, exited.code);
      },
      kill: () => void child.kill(),
    };
  };
}
