import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { writeFileAtomic } from '../../engine/checkpoint/atomic-write';
import { resolve } from 'node:path';
import type { Host } from '../../host/host';
import { CliError } from '../cli-error';

export const WEIGHTS_USAGE = `  weights RUN_ID --out FILE
                      copy an evaluation run's trained network (safetensors, DARTS state_dict names) to FILE`;

/**
 * `weights RUN_ID --out FILE`: copies the trained network an evaluation run saved (its artifact
 * `evaluation.weights`) to FILE, after checking the file still has the SHA-256 recorded when it was
 * written. FILE appears whole or not at all (a temporary file beside it, renamed).
 */
export function copyRunWeights(host: Host, runId: number, out: string, json: boolean, print: (s: string) => void): number {
  const run = host.store.runs.get(runId);
  if (!run) throw new CliError(`run ${runId} does not exist (see \`runs list\`)`);
  const artifact = host.store.artifacts.list(runId, 'evaluation.weights').at(-1)?.data as { file: string; bytes: number; sha256: string } | undefined;
  if (!artifact) {
    const why = run.algorithm === 'evaluation' ? `it is ${run.status} and saved none (an evaluation run saves its network when it completes)` : `it is a '${run.algorithm}' run; only evaluation runs save a trained network`;
    throw new CliError(`run ${runId} has no trained network: ${why}`);
  }
  let bytes: Buffer;
  try {
    bytes = readFileSync(artifact.file);
  } catch (err) {
    throw new CliError(`the weights file of run ${runId}, ${artifact.file}, cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  if (sha256 !== artifact.sha256) throw new CliError(`the weights file of run ${runId}, ${artifact.file}, is damaged: its SHA-256 is ${sha256}, ${artifact.sha256} was recorded when it was written`);
  const target = resolve(out);
  try {
    writeFileAtomic(target, bytes);
  } catch (err) {
    const cause = (err as Error).cause as NodeJS.ErrnoException | undefined;
    throw new CliError(`cannot write ${target}: ${cause?.code ?? (err as Error).message}`);
  }
  if (json) print(JSON.stringify({ runId, file: target, bytes: bytes.length, sha256 }));
  else print(`run ${runId}: ${bytes.length.toLocaleString('en-US')} bytes (sha256 ${sha256}) copied to ${target}`);
  return 0;
}
