import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHost, type Host } from '../../../src-main/host/host';
import type { EngineLauncher } from '../../../src-main/host/engine-launcher';

const noEngine: EngineLauncher = () => {
  throw new Error('no engine process may start in these tests');
};

describe('spaces.* at the request boundary', () => {
  let dir: string;
  let host: Host;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nas-spaces-'));
    host = createHost({ dataDir: dir, mode: 'cli', launcher: noEngine, resourcesDir: dir });
  });
  afterEach(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const refusal = async (channel: string, request: unknown) => {
    const reply = await host.dispatch(channel, request);
    if (reply.ok) throw new Error(`${channel} was accepted`);
    return reply.error;
  };

  it('refuses a bad space with the schema\'s words and its field, saving nothing', async () => {
    const odd = await refusal('spaces.save', { name: 'odd', space: { kind: 'darts', channels: 5 } });
    expect(odd).toMatchObject({ code: 'invalid_request', field: 'space' });
    expect(odd.message).toMatch(/channels must be even \(FactorizedReduce splits them in two halves\), got 5/);
    const op = await refusal('spaces.save', { name: 'op', space: { kind: 'nb201', ops: ['sep_conv_3x3'] } });
    expect(op).toMatchObject({ code: 'invalid_request', field: 'space.ops.0' });
    const unnamed = await refusal('spaces.save', { name: '   ', space: { kind: 'darts' } });
    expect(unnamed).toMatchObject({ code: 'invalid_request', field: 'name' });
    expect(unnamed.message).toMatch(/a saved space needs a name/);
    expect(host.store.spaces.list()).toEqual([]);
  });

  it('answers a taken name as a conflict on the name, replaces when asked, and a missing id as not found', async () => {
    const first = await host.dispatch('spaces.save', { name: 'mine', space: { kind: 'darts', nodes: 2 } });
    expect(first.ok).toBe(true);
    const again = await refusal('spaces.save', { name: 'mine', space: { kind: 'darts', nodes: 3 } });
    expect(again).toEqual({ code: 'conflict', field: 'name', message: "a space named 'mine' already exists: pick another name, or replace it" });
    const replaced = await host.dispatch('spaces.save', { name: 'mine', space: { kind: 'darts', nodes: 3 }, replace: true });
    expect(replaced.ok && replaced.data).toMatchObject({ name: 'mine', space: { kind: 'darts', nodes: 3, channels: 16 } });
    const listed = await host.dispatch('spaces.list', {});
    expect(listed.ok && listed.data).toEqual([expect.objectContaining({ name: 'mine', space: expect.objectContaining({ nodes: 3 }) })]);
    expect(await refusal('spaces.delete', { id: 999 })).toEqual({ code: 'not_found', field: 'id', message: 'saved space 999 does not exist' });
  });
});
