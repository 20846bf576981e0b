import { parseArgs } from 'node:util';
import { selectBackend } from '../../engine/backend/select';
import { resourcesDir } from '../../host/paths';
import { parseRedisUrl } from '../../queue/redis-url';
import { startEvaluationWorker } from '../../queue/worker';
import { CliError } from '../cli-error';

export const WORKER_USAGE = `  worker --redis URL [--concurrency N] [--lock-ms MS]
                      take black-box evaluations from a run's queue (config "queue": {"redis": URL}) and
                      run them here until SIGTERM (finishes its jobs) or a second SIGTERM (hands them back);
                      URL: redis://[:password@]host:6379[/db], rediss:// for TLS (docs/queue.md)`;

function positiveInt(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new CliError(`${name} must be a positive whole number, got '${value}'`);
  return n;
}

/** `worker`: serves the evaluation queue until a signal; resolves with exit code 0 once closed. */
export async function runWorkerCommand(argv: string[], out: (s: string) => void): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      redis: { type: 'string' },
      concurrency: { type: 'string' },
      'lock-ms': { type: 'string' },
    },
  });
  if (!values.redis) throw new CliError(`worker needs --redis URL\n\n${WORKER_USAGE}`);
  try {
    parseRedisUrl(values.redis);
  } catch (error) {
    throw new CliError((error as Error).message);
  }
  const concurrency = positiveInt(values.concurrency, '--concurrency', 1);
  const lockDurationMs = positiveInt(values['lock-ms'], '--lock-ms', 30_000);
  const backend = await selectBackend();
  out(`backend ${backend.name} (${backend.detail})`);
  const worker = await startEvaluationWorker({ redis: values.redis, concurrency, resourcesDir: resourcesDir(), lockDurationMs, log: out });
  return new Promise<number>((resolve) => {
    let signals = 0;
    const stop = (signal: string) => {
      signals++;
      const force = signals > 1;
      out(force ? `${signal} again: handing the active jobs back to the queue` : `${signal}: finishing the active jobs, taking no new ones (send it again to hand them back)`);
      worker.close(force).then(
        () => {
          out(`worker ${worker.id} stopped`);
          resolve(0);
        },
        (error: Error) => {
          out(`worker ${worker.id} did not close cleanly: ${error.message}`);
          resolve(1);
        },
      );
    };
    process.on('SIGTERM', () => stop('SIGTERM'));
    process.on('SIGINT', () => stop('SIGINT'));
  });
}
