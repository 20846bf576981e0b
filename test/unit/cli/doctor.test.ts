import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type { DoctorReport } from '../../../src-main/cli/commands/doctor';

const tsx = createRequire(import.meta.url).resolve('tsx/cli');

/** `doctor` in a fresh process (the backend choice is made once per process). */
function doctor(env: Record<string, string>, ...args: string[]) {
  return spawnSync(process.execPath, [tsx, 'src-main/cli/main.ts', 'doctor', ...args], { encoding: 'utf8', env: { ...process.env, NAS_BACKEND: '', NAS_NATIVE: '', ...env } });
}

describe('cli doctor', () => {
  it('reports a forced cpu backend, why, and the custom kernels it runs by the generic path', () => {
    const run = doctor({ NAS_BACKEND: 'cpu' }, '--json');
    expect(run.status, run.stderr).toBe(0);
    const report = JSON.parse(run.stdout) as DoctorReport;
    expect(report.backend).toBe('cpu');
    expect(report.why).toBe('forced by NAS_BACKEND');
    expect(report.wasm).toBeNull();
    expect(report.native.used).toBe(false);
    expect(report.genericPath).toEqual(expect.arrayContaining(['NasBatchNormTrain', 'NasWeightedSum', 'NasReluGrad']));
    expect(report.cpu.count).toBeGreaterThanOrEqual(1);
  });

  it('says why the native addon is not used and that wasm has every custom kernel', () => {
    const run = doctor({ NAS_BACKEND: 'wasm', NAS_NATIVE: '0' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/^backend: wasm\n/);
    expect(run.stdout).toContain('native addon: not used (disabled by NAS_NATIVE=0)');
    expect(run.stdout).toMatch(/wasm: SIMD (yes|no), threads (yes|no)/);
    expect(run.stdout).toContain('custom kernels: all present');
  });

  it('names the failure of a forced backend that cannot load, and refuses unknown options', () => {
    const forced = doctor({ NAS_BACKEND: 'tfjs-node-gpu' });
    expect(forced.status).toBe(1);
    expect(forced.stderr).toMatch(/tfjs-node-gpu unavailable: /);
    const bad = doctor({}, '--bogus');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain("Unknown option '--bogus'");
  });
});
