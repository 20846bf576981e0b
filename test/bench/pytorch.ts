/** Runs `pytorch_reference.py` (the reference supernet step in PyTorch on CPU) with Debian's python3-torch. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Debian's interpreter: `python3` on PATH may be a pyenv without torch. */
const PYTHON = '/usr/bin/python3';
const SCRIPT = fileURLToPath(new URL('./pytorch_reference.py', import.meta.url));

/** null when torch imports; else why PyTorch cannot run here. */
export function pytorchUnavailable(): string | null {
  const probe = spawnSync(PYTHON, ['-c', 'import torch; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.error) return `${PYTHON} not runnable (${probe.error.message})`;
  if (probe.status !== 0) return `${PYTHON} cannot import torch (install Debian's python3-torch: apt-get install -y python3-torch)`;
  return null;
}

export interface TorchStep {
  threads: number;
  stepMs: number;
  torch: string;
  /** The Python process's peak resident set (ru_maxrss). */
  peakRssMiB: number;
}

/** The network `pytorch_reference.py` builds: the reference supernet, DARTS's default search network at CIFAR size, or NetworkCIFAR with DARTS_V2. */
export type TorchNet = 'reference' | 'default' | 'eval' | 'fmnist';

/** Median wall-clock ms of `steps` steps (after one warm-up step) with `threads` threads. */
export function pytorchStep(threads: number, steps: number, net: TorchNet = 'reference', evalBatch = 96): TorchStep {
  const run = spawnSync(PYTHON, [SCRIPT, String(threads), String(steps), net, String(evalBatch)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`pytorch_reference.py failed: ${run.stderr.trim().split('\n').pop()}`);
  const line = run.stdout.trim().split('\n').pop() ?? '';
  const parsed = JSON.parse(line) as { threads: number; step_ms: number; torch: string; peak_rss_mib: number };
  return { threads: parsed.threads, stepMs: parsed.step_ms, torch: parsed.torch, peakRssMiB: parsed.peak_rss_mib };
}
