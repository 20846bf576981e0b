import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createRequire } from 'node:module';
import type { EngineToHost, HostToEngine } from '../engine/protocol';

/** One engine process as the host sees it, whatever started it. */
export interface EngineProcess {
  send(message: HostToEngine): void;
  onMessage(listener: (message: EngineToHost) => void): void;
  /** Called once when the process has ended; `reason` says how (exit code or signal) and its last stderr lines. */
  onExit(listener: (reason: string, code: number | null) => void): void;
  kill(): void;
}

export type EngineLauncher = () => EngineProcess;

const STDERR_TAIL_LINES = 20;

/**
 * Starts engine processes with Node's `child_process.fork`: used by web mode, the CLI and tests.
 * From sources (a `.ts` entry) the child loads tsx to run TypeScript; a built `.js` entry runs as is.
 */
export function forkLauncher(entry = defaultEngineEntry()): EngineLauncher {
  const execArgv = entry.endsWith('.ts')
    ? ['--import', pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm')).href]
    : [];
  return () => {
    const child = fork(entry, [], { execArgv, stdio: ['ignore', 'inherit', 'pipe', 'ipc'], serialization: 'advanced' });
    const stderrTail: string[] = [];
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      process.stderr.write(chunk);
      stderrTail.push(...chunk.split('\n').filter(Boolean));
      stderrTail.splice(0, Math.max(0, stderrTail.length - STDERR_TAIL_LINES));
    });
    let exitListener: ((reason: string, code: number | null) => void) | null = null;
    let exited: { reason: string; code: number | null } | null = null;
    child.on('exit', (code, signal) => {
      const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
      exited = { reason: stderrTail.length ? `${how}: ${stderrTail.slice(-5).join(' | ')}` : how, code };
      exitListener?.(exited.reason, exited.code);
    });
    child.on('error', (error) => {
      exited = { reason: `could not start the engine process: ${error.message}`, code: null };
      exitListener?.(exited.reason, null);
    });
    return {
      send: (m) => {
        if (child.connected) child.send(m);
      },
      onMessage: (l) => child.on('message', (m) => l(m as EngineToHost)),
      onExit: (l) => {
        exitListener = l;
        if (exited) l(exited.reason, exited.code);
      },
      kill: () => child.kill('SIGKILL'),
    };
  };
}

/** The engine entry next to this code: sources under tsx, `out/main/engine.js` when built. */
export function defaultEngineEntry(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const fromSources = resolve(here, '../engine/process.ts');
  return existsSync(fromSources) ? fromSources : resolve(here, 'engine.js');
}
