import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { threadsFromEnv } from '../../../src-main/engine/backend/native/index';

const root = resolve(__dirname, '../../..');

/** registerNativeKernels in a fresh process (the addon load is cached per process). */
function registerInChild(env: Record<string, string>): { loaded: boolean; reason: string; kernels: string[]; depthwise: string } {
  const run = spawnSync(process.execPath, ['--import', 'tsx', join(__dirname, 'fixtures', 'register-child.ts')], {
    cwd: root,
    env: { ...process.env, ...env },
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(`the child failed: ${run.stderr}`);
  return JSON.parse(run.stdout.trim().split('\n').at(-1) ?? '');
}

describe('native kernel loading', () => {
  it('NAS_NATIVE=0 leaves every wasm kernel in place and says why', () => {
    const result = registerInChild({ NAS_NATIVE: '0' });
    expect(result).toEqual({ loaded: false, reason: 'disabled by NAS_NATIVE=0', kernels: [], depthwise: 'stock' });
  });

  it('a built addon replaces the wasm kernels', () => {
    const result = registerInChild({ NAS_NATIVE: '1' });
    if (!result.loaded) {
      console.warn(`skipped the replacement check: ${result.reason}`);
      return;
    }
    expect(result.kernels).toContain('DepthwiseConv2dNative');
    expect(result.depthwise).toBe('replaced');
  });

  it('a missing addon is reported, not thrown', () => {
    const result = registerInChild({ NAS_NATIVE: '1', NAS_NATIVE_ADDON: '/nonexistent/nas_native.node' });
    expect(result.loaded).toBe(false);
    expect(result.reason).toMatch(/nonexistent\/nas_native.node does not load: .*rebuild it on this machine/);
    expect(result.depthwise).toBe('stock');
  });

  it('reads NAS_NATIVE_THREADS, defaulting to every core, and rejects nonsense', () => {
    expect(threadsFromEnv('2')).toBe(2);
    expect(threadsFromEnv(undefined)).toBeGreaterThanOrEqual(1);
    expect(() => threadsFromEnv('two')).toThrow(/NAS_NATIVE_THREADS='two' is not a thread count/);
    expect(() => threadsFromEnv('0')).toThrow(/whole number from 1 to 1024/);
  });
});
