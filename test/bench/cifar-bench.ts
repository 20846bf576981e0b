/**
 * `npm run bench -- --default-size`: CIFAR-size steps in steady state (each side's process takes a
 * warm-up step first), interleaved by rounds with PyTorch at the same shapes in its own process:
 * DARTS's default search network (pure wasm, wasm + native on 1 and 2 threads, PyTorch 1 and 2
 * threads) and the evaluation network NetworkCIFAR/DARTS_V2 (at batch 96, one thread each; at a
 * batch that fits our 4 GiB wasm heap, wasm + native and PyTorch on 1 and 2 threads) and the
 * fmnist-cpu preset's network (C=16, 8 cells, batch 96, 28×28×1; 1 and 2 threads). Peak memories: our process's RSS and wasm heap, PyTorch's RSS.
 */
import { cifarStep } from './children';
import type { CifarNet, CifarStepResult } from './default-size';
import { median } from './kernel-timer';
import { pytorchStep, type TorchNet, type TorchStep } from './pytorch';

export interface CifarBench {
  lines: string[];
  /** Machine-readable `key=value` lines. */
  metrics: string[];
}

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

interface Side {
  label: string;
  run: () => { ms: number[]; cpuMs?: number[]; rssMiB: number; heapMiB?: number; note?: string; error?: string };
}

function ours(net: CifarNet, threads: number, steps: number, batch: number, recompute: boolean): Side['run'] {
  return () => {
    const r: CifarStepResult = cifarStep(net, threads, steps, batch, recompute);
    return { ms: r.wallMs, cpuMs: r.cpuMs, rssMiB: r.peakRssMiB, heapMiB: r.heapMiB, note: r.note, error: r.error };
  };
}

function torch(net: TorchNet, threads: number, steps: number, batch: number): Side['run'] {
  return () => {
    try {
      const t: TorchStep = pytorchStep(threads, steps, net, batch);
      return { ms: [t.stepMs], rssMiB: t.peakRssMiB, note: `PyTorch ${t.torch}` };
    } catch (error) {
      return { ms: [], rssMiB: 0, error: (error as Error).message };
    }
  };
}

interface Collected {
  ms: number[];
  cpuMs: number[];
  rssMiB: number;
  heapMiB: number;
  notes: Set<string>;
  errors: string[];
}

/** Runs the sides in turn for `rounds` rounds and returns each side's medians and peaks. */
function interleave(sides: Side[], rounds: number): Map<string, Collected> {
  const out = new Map<string, Collected>(sides.map((s) => [s.label, { ms: [], cpuMs: [], rssMiB: 0, heapMiB: 0, notes: new Set(), errors: [] }]));
  for (let round = 0; round < rounds; round++) {
    for (const side of sides) {
      const c = out.get(side.label)!;
      let r: ReturnType<Side['run']>;
      try {
        r = side.run();
      } catch (error) {
        r = { ms: [], rssMiB: 0, error: (error as Error).message.split('\n')[0] };
      }
      c.ms.push(...r.ms);
      c.cpuMs.push(...(r.cpuMs ?? []));
      c.rssMiB = Math.max(c.rssMiB, r.rssMiB);
      c.heapMiB = Math.max(c.heapMiB, r.heapMiB ?? 0);
      if (r.note) c.notes.add(r.note);
      if (r.error) c.errors.push(r.error);
    }
  }
  return out;
}

function describe(label: string, c: Collected): string {
  if (c.ms.length === 0) return `${label}: did not run (${c.errors[0] ?? 'no steps'})`;
  const cpu = c.cpuMs.length > 0 ? `, ${fmt(median(c.cpuMs))} CPU` : '';
  const heap = c.heapMiB > 0 ? `, wasm heap ${c.heapMiB.toFixed(0)} MiB` : '';
  return `${label}: ${fmt(median(c.ms))} per step wall${cpu} (median of ${c.ms.length}); peak RSS ${c.rssMiB.toFixed(0)} MiB${heap}`;
}

const ratio = (a: Collected | undefined, b: Collected | undefined, f: (c: Collected) => number): string =>
  a === undefined || b === undefined || a.ms.length === 0 || b.ms.length === 0 ? 'NA' : (f(a) / f(b)).toFixed(2);
const stepMs = (c: Collected) => median(c.ms);
const rss = (c: Collected) => c.rssMiB;

/** `only`: the keys of the sections to run (default, eval, eval<batch>, fmnist); all when absent. */
export function runCifarBench(rounds: number, steps: number, evalBatch: number, torchMissing: boolean, only?: string[]): CifarBench {
  const lines: string[] = [];
  const metrics: string[] = [];
  // The evaluation network at DARTS's batch 96 on one thread each (ours may not fit the 4 GiB wasm
  // heap: the line says so), then at `evalBatch` on every configuration.
  // Ours recomputes each cell in the backward pass, as the `paper` preset trains it (the plain step does not fit the 4 GiB wasm heap).
  const evalTitle = (batch: number) => `evaluation network NetworkCIFAR DARTS_V2 (C=36, 20 cells, batch ${batch}, 32x32x3, no auxiliary head, no drop-path; ours recomputes its cells)`;
  const sections = [
    { key: 'default', title: "DARTS's default search network (32x32x3, C=16, 8 cells, batch 64)", ourNet: 'search' as const, torchNet: 'default' as const, batch: 64, pure: true, twoThreads: true, recompute: false },
    { key: 'eval', title: evalTitle(96), ourNet: 'eval' as const, torchNet: 'eval' as const, batch: 96, pure: false, twoThreads: false, recompute: true },
    { key: `eval${evalBatch}`, title: evalTitle(evalBatch), ourNet: 'eval' as const, torchNet: 'eval' as const, batch: evalBatch, pure: false, twoThreads: true, recompute: true },
    // The network the fmnist-cpu preset trains (issue #15's time goal against PyTorch's 44 minutes).
    { key: 'fmnist', title: 'fmnist-cpu evaluation network NetworkCIFAR DARTS_V2 (C=16, 8 cells, batch 96, 28x28x1, no auxiliary head)', ourNet: 'fmnist' as const, torchNet: 'fmnist' as const, batch: 96, pure: false, twoThreads: true, recompute: false },
  ];
  for (const s of sections.filter((x) => only === undefined || only.includes(x.key))) {
    const sides: Side[] = [];
    if (!torchMissing) sides.push({ label: 'PyTorch, 1 thread', run: torch(s.torchNet, 1, steps, s.batch) });
    if (s.pure) sides.push({ label: 'pure wasm', run: ours(s.ourNet, 0, steps, s.batch, s.recompute) });
    sides.push({ label: 'wasm + native, 1 thread', run: ours(s.ourNet, 1, steps, s.batch, s.recompute) });
    if (s.twoThreads) sides.push({ label: 'wasm + native, 2 threads', run: ours(s.ourNet, 2, steps, s.batch, s.recompute) });
    if (!torchMissing && s.twoThreads) sides.push({ label: 'PyTorch, 2 threads', run: torch(s.torchNet, 2, steps, s.batch) });
    const got = interleave(sides, rounds);
    lines.push(`\n== ${s.title}, ${rounds} round(s) of ${steps} step(s) after a warm-up step, each side its own process`);
    for (const [label, c] of got) lines.push(describe(label, c));
    const notes = new Set([...got.values()].flatMap((c) => [...c.notes]));
    for (const n of notes) lines.push(`  ${n}`);
    const t1 = got.get('PyTorch, 1 thread');
    const t2 = got.get('PyTorch, 2 threads');
    const n1 = got.get('wasm + native, 1 thread');
    const n2 = got.get('wasm + native, 2 threads');
    metrics.push(`pytorch_over_native_${s.key}_step_speedup=${ratio(t1, n1, stepMs)}`);
    if (s.twoThreads) {
      metrics.push(`pytorch2_over_native2_${s.key}_step_speedup=${ratio(t2, n2, stepMs)}`);
      metrics.push(`native_two_thread_${s.key}_speedup=${ratio(n1, n2, stepMs)}`);
    }
    metrics.push(`${s.key}_peak_memory_over_pytorch_rss=${ratio(n1, t1, rss)}`);
  }
  return { lines, metrics };
}
