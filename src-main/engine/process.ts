import { selectBackend } from './backend/select';
import type { EngineToHost, HostToEngine } from './protocol';
import { runStrategy } from './run-loop';

/**
 * Entry of an engine process: one per run, started by the engine host with Electron's
 * `utilityProcess.fork` or Node's `child_process.fork` (same file). It receives `start`, trains,
 * reports through the protocol, and exits.
 */

type Parent = { postMessage(m: unknown): void; on(event: 'message', l: (e: { data: unknown }) => void): void };
const electronPort = (process as unknown as { parentPort?: Parent }).parentPort;

function send(message: EngineToHost): void {
  if (electronPort) electronPort.postMessage(message);
  else process.send?.(message);
}

/** Sends the last message and exits once it has left the process (child_process IPC is asynchronous). */
function sendLastAndExit(message: EngineToHost, code: number): void {
  if (electronPort) {
    electronPort.postMessage(message);
    setTimeout(() => process.exit(code), 100);
  } else if (process.send) {
    process.send(message, undefined, {}, () => process.exit(code));
  } else process.exit(code);
}

function onMessage(listener: (m: HostToEngine) => void): void {
  if (electronPort) electronPort.on('message', (e) => listener(e.data as HostToEngine));
  else process.on('message', (m) => listener(m as HostToEngine));
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message + (error.cause ? ` (cause: ${describe(error.cause)})` : '');
  return String(error);
}

function fail(error: unknown): void {
  send({ type: 'log', level: 'error', message: error instanceof Error && error.stack ? error.stack : String(error) });
  sendLastAndExit({ type: 'failed', error: describe(error) }, 1);
}

let stopRequested = false;
let started = false;

async function start(message: Extract<HostToEngine, { type: 'start' }>): Promise<void> {
  const backend = await selectBackend();
  send({ type: 'started', backend: backend.name, backendDetail: backend.detail });
  const status = await runStrategy({
    config: message.config,
    resourcesDir: message.resourcesDir,
    send,
    stopRequested: () => stopRequested,
    checkpointDir: message.checkpointDir,
    resumeFrom: message.resumeFrom,
  });
  sendLastAndExit({ type: 'finished', status }, 0);
}

async function probe(): Promise<void> {
  const backend = await selectBackend();
  sendLastAndExit({ type: 'backend', backend: backend.name, backendDetail: backend.detail }, 0);
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);
onMessage((message) => {
  if (message.type === 'stop') stopRequested = true;
  else if (!started) {
    started = true;
    (message.type === 'start' ? start(message) : probe()).catch(fail);
  }
});
send({ type: 'ready' });
