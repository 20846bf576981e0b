import type { EngineLauncher } from './engine-launcher';

export interface BackendInfo {
  backend: string;
  backendDetail: string;
}

/**
 * Asks a short-lived engine process which backend runs get on this machine. Main never loads
 * TensorFlow.js itself, so this is the only way to know before a run starts.
 */
export function probeBackend(launcher: EngineLauncher, timeoutMs = 60_000): Promise<BackendInfo> {
  return new Promise((resolve) => {
    const proc = launcher();
    const timer = setTimeout(() => {
      proc.kill();
      resolve({ backend: 'unknown', backendDetail: `the engine did not answer within ${timeoutMs / 1000} s` });
    }, timeoutMs);
    proc.onMessage((m) => {
      if (m.type === 'ready') proc.send({ type: 'probe' });
      else if (m.type === 'backend') {
        clearTimeout(timer);
        resolve({ backend: m.backend, backendDetail: m.backendDetail });
      } else if (m.type === 'failed') {
        clearTimeout(timer);
        resolve({ backend: 'unavailable', backendDetail: m.error });
      }
    });
    proc.onExit((reason) => {
      clearTimeout(timer);
      resolve({ backend: 'unavailable', backendDetail: `the engine process ended before answering (${reason})` });
    });
  });
}
