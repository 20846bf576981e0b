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
}

/** Median wall-clock ms of `steps` reference steps (after one warm-up step) with `threads` threads. */
export function pytorchStep(threads: number, steps: number): TorchStep {
  const run = spawnSync(PYTHON, [SCRIPT, String(threads), String(steps)], { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`pytorch_reference.py failed: ${run.stderr.trim().split('\n').pop()}`);
  const line = run.stdout.trim().split('\n').pop() ?? '';
  const parsed = JSON.parse(line) as { threads: number; step_ms: number; torch: string };
  return { threads: parsed.threads, stepMs: parsed.step_ms, torch: parsed.torch };
}
