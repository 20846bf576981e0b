import * as tf from '@tensorflow/tfjs';

export interface KernelTime {
  name: string;
  calls: number;
  /** Time inside the kernel minus time in kernels it called (composed kernels call others). */
  selfMs: number;
}

export interface KernelTimer {
  reset(): void;
  report(): KernelTime[];
  uninstall(): void;
}

/**
 * Milliseconds of CPU time this process has used. The machine is shared (load far above its cores),
 * so wall-clock times swing 2–5×; the wasm backend runs on one thread, so CPU time is its work.
 */
export function cpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * Wraps every kernel registered for `backend` with a timer that keeps self-times (tf.profile
 * reports inclusive times, which double-count the kernels our composed kernels call), in CPU time.
 */
export function instrumentKernels(backend: string): KernelTimer {
  const originals = tf.getKernelsForBackend(backend);
  const totals = new Map<string, { calls: number; selfMs: number }>();
  const childMs: number[] = [];
  for (const config of originals) {
    const wrapped: tf.KernelFunc = (args) => {
      const start = cpuMs();
      childMs.push(0);
      try {
        return config.kernelFunc(args);
      } finally {
        const elapsed = cpuMs() - start;
        const inner = childMs.pop() ?? 0;
        if (childMs.length > 0) childMs[childMs.length - 1] += elapsed;
        const entry = totals.get(config.kernelName) ?? { calls: 0, selfMs: 0 };
        entry.calls += 1;
        entry.selfMs += elapsed - inner;
        totals.set(config.kernelName, entry);
      }
    };
    tf.unregisterKernel(config.kernelName, backend);
    tf.registerKernel({ ...config, kernelFunc: wrapped });
  }
  return {
    reset: () => totals.clear(),
    report: () =>
      [...totals.entries()].map(([name, t]) => ({ name, ...t })).sort((a, b) => b.selfMs - a.selfMs),
    uninstall: () => {
      for (const config of originals) {
        tf.unregisterKernel(config.kernelName, backend);
        tf.registerKernel(config);
      }
    },
  };
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}
