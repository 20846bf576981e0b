import type { EngineToHost, HostToEngine } from '../../../src-main/engine/protocol';
import type { EngineLauncher, EngineProcess } from '../../../src-main/host/engine-launcher';

/**
 * An engine process stand-in that speaks the protocol in memory: the test reads what the host sent
 * and answers for the engine. Each launch is kept, so a test can drive several.
 */
export class FakeEngine implements EngineProcess {
  readonly sent: HostToEngine[] = [];
  killed = false;
  private listener: ((m: EngineToHost) => void) | null = null;
  private exitListener: ((reason: string, code: number | null) => void) | null = null;

  send(message: HostToEngine): void {
    this.sent.push(message);
  }
  onMessage(listener: (m: EngineToHost) => void): void {
    this.listener = listener;
    queueMicrotask(() => this.listener?.({ type: 'ready' }));
  }
  onExit(listener: (reason: string, code: number | null) => void): void {
    this.exitListener = listener;
  }
  kill(): void {
    if (this.killed) return;
    this.killed = true;
    this.exitListener?.('killed by SIGKILL', null);
  }
  /** The engine says something. */
  say(message: EngineToHost): void {
    this.listener?.(message);
  }
  get start(): Extract<HostToEngine, { type: 'start' }> | undefined {
    return this.sent.find((m): m is Extract<HostToEngine, { type: 'start' }> => m.type === 'start');
  }
}

export function fakeLauncher(): { launcher: EngineLauncher; engines: FakeEngine[] } {
  const engines: FakeEngine[] = [];
  return {
    engines,
    launcher: () => {
      const e = new FakeEngine();
      engines.push(e);
      return e;
    },
  };
}

/** Waits until `check` holds, polling; fails after `ms`. */
export async function until(check: () => boolean, ms = 5000, what = 'the condition'): Promise<void> {
  const t0 = Date.now();
  while (!check()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
