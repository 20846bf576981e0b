/**
 * Summarises a V8 CPU profile (.cpuprofile JSON from `node --cpu-prof` or profile-step.ts
 * --cpu-prof=FILE): self and total time by function and self time by source file.
 * `npx tsx test/bench/cpuprofile-summary.ts FILE.cpuprofile [--top N] [--steps S] [--filter TEXT]`
 * (--steps: divide the times by the number of steps the profile covers, to get ms per step;
 * --filter: only functions whose name or file contains TEXT, e.g. tf-core).
 */
import { readFileSync } from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** node_modules/@tensorflow/tfjs-core/dist/… → tfjs-core/dist/…; our files relative to the project. */
function shortFile(url: string): string {
  if (url === '') return '(vm)';
  const path = url.replace(/^file:\/\//, '');
  const inModules = path.lastIndexOf('node_modules/');
  if (inModules >= 0) return path.slice(inModules + 'node_modules/'.length).replace(/^@tensorflow\//, '');
  const cwd = process.cwd() + '/';
  return path.startsWith(cwd) ? path.slice(cwd.length) : path;
}

function label(frame: CallFrame): string {
  const name = frame.functionName === '' ? '(anonymous)' : frame.functionName;
  if (frame.url === '') return name;
  const file = shortFile(frame.url);
  return `${name}  ${file.slice(file.lastIndexOf('/') + 1)}:${frame.lineNumber + 1}`;
}

function table(title: string, rows: Map<string, number>, scale: number, totalMs: number, top: number, filter = ''): void {
  const kept = [...rows.entries()].filter(([name]) => name.includes(filter));
  const sum = kept.reduce((a, [, us]) => a + us, 0) / 1000 / scale;
  console.log(`\n${title}${filter === '' ? '' : ` matching '${filter}': ${sum.toFixed(1)} ms in ${kept.length} functions`}`);
  const sorted = kept.sort((a, b) => b[1] - a[1]).slice(0, top);
  for (const [name, us] of sorted) {
    const ms = us / 1000 / scale;
    console.log(`  ${ms.toFixed(1).padStart(9)} ms  ${((100 * ms) / totalMs).toFixed(1).padStart(5)} %  ${name}`);
  }
}

function main(): void {
  const args = process.argv.slice(2);
  const file = args.find((a, i) => !a.startsWith('--') && (i === 0 || !args[i - 1].startsWith('--')));
  if (file === undefined) throw new Error('usage: cpuprofile-summary.ts FILE.cpuprofile [--top N] [--steps S]');
  const option = (name: string, fallback: number): number => {
    const at = args.indexOf(name);
    return at >= 0 ? Number(args[at + 1]) : fallback;
  };
  const top = option('--top', 40);
  const steps = option('--steps', 1);
  const filterAt = args.indexOf('--filter');
  const filter = filterAt >= 0 ? args[filterAt + 1] : '';
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const selfByFunction = new Map<string, number>();
  const totalByFunction = new Map<string, number>();
  const selfByFile = new Map<string, number>();
  const add = (m: Map<string, number>, k: string, v: number) => m.set(k, (m.get(k) ?? 0) + v);
  let totalUs = 0;
  profile.samples.forEach((id, i) => {
    // timeDeltas[i] is the gap before sample i; attribute the gap after it, as Chrome's DevTools do.
    const us = profile.timeDeltas[i + 1] ?? 0;
    totalUs += us;
    const node = byId.get(id)!;
    add(selfByFunction, label(node.callFrame), us);
    add(selfByFile, shortFile(node.callFrame.url), us);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const name = label(byId.get(at)!.callFrame);
      if (seen.has(name)) continue; // recursion: count each function once per sample
      seen.add(name);
      add(totalByFunction, name, us);
    }
  });
  const totalMs = totalUs / 1000 / steps;
  console.log(`${file}: ${totalMs.toFixed(0)} ms${steps > 1 ? ' per step' : ''} sampled, ${profile.samples.length} samples`);
  table('self time by function', selfByFunction, steps, totalMs, top, filter);
  table('total time by function (inclusive)', totalByFunction, steps, totalMs, top, filter);
  table('self time by source file', selfByFile, steps, totalMs, top);
}

main();
