import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CHANNELS, requests } from '../../../src-shared/contract';
import { createHost, type Host } from '../../../src-main/host/host';
import type { EngineLauncher } from '../../../src-main/host/engine-launcher';

/** A launcher that must never be reached: every request here is rejected or answered by the store. */
const noEngine: EngineLauncher = () => {
  throw new Error('no engine process may start in these tests');
};

describe('the request boundary', () => {
  let dir: string;
  let host: Host;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nas-dispatch-'));
    host = createHost({ dataDir: dir, mode: 'cli', launcher: noEngine, resourcesDir: dir });
  });
  afterEach(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('answers an unknown channel with a typed error', async () => {
    const reply = await host.dispatch('runs.explode', {});
    expect(reply).toEqual({ ok: false, error: { code: 'unknown_channel', message: "no channel named 'runs.explode'" } });
  });

  it('rejects a request with a wrong type, names the field, and writes nothing', async () => {
    const reply = await host.dispatch('runs.start', { config: { algorithm: 'train', steps: 'many' } });
    expect(reply.ok).toBe(false);
    if (reply.ok) return;
    expect(reply.error.code).toBe('invalid_request');
    expect(reply.error.field).toBe('config.steps');
    expect(reply.error.message).toMatch(/config\.steps: .*expected number/);
    expect(host.store.runs.list()).toEqual([]);
    expect(host.store.experiments.list()).toEqual([]);
  });

  it('rejects an unknown algorithm and unknown keys', async () => {
    const a = await host.dispatch('runs.start', { config: { algorithm: 'darts-but-better' } });
    expect(!a.ok && a.error.field).toBe('config.algorithm');
    const b = await host.dispatch('experiments.create', { name: 'x', colour: 'red' });
    expect(!b.ok && b.error.message).toMatch(/colour/);
    expect(host.store.experiments.list()).toEqual([]);
  });

  it('rejects a dataset that needs a folder without one', async () => {
    const reply = await host.dispatch('runs.start', { config: { algorithm: 'train', dataset: { name: 'cifar10' } } });
    expect(!reply.ok && reply.error.field).toBe('config.dataset.dir');
    expect(host.store.runs.list()).toEqual([]);
  });

  it('creates, renames, lists and deletes experiments', async () => {
    const created = await host.dispatch('experiments.create', { name: '  Cell search  ' });
    expect(created.ok).toBe(true);
    const id = created.ok ? (created.data as { id: number }).id : 0;
    const renamed = await host.dispatch('experiments.rename', { id, name: 'Reduced spaces' });
    expect(renamed.ok && (renamed.data as { name: string }).name).toBe('Reduced spaces');
    const listed = await host.dispatch('experiments.list', {});
    expect(listed.ok && (listed.data as { name: string }[]).map((e) => e.name)).toEqual(['Reduced spaces']);
    expect(await host.dispatch('experiments.delete', { id })).toEqual({ ok: true, data: { deleted: id } });
    const missing = await host.dispatch('experiments.rename', { id, name: 'again' });
    expect(missing).toEqual({ ok: false, error: { code: 'not_found', message: `experiment ${id} does not exist`, field: 'id' } });
  });

  it('has a handler for every channel of the contract', () => {
    expect(Object.keys(host.handlers).sort()).toEqual([...CHANNELS].sort());
    expect(CHANNELS.length).toBe(Object.keys(requests).length);
  });
});

describe('genotypes.import', () => {
  let dir: string;
  let host: Host;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nas-import-'));
    host = createHost({ dataDir: dir, mode: 'cli', launcher: noEngine, resourcesDir: dir });
  });
  afterEach(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("reads DARTS's Python text and counts DARTS_V2's evaluation network as the DARTS code prints it", async () => {
    const text = `Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])`;
    const reply = await host.dispatch('genotypes.import', { text });
    expect(reply.ok).toBe(true);
    const data = reply.ok ? (reply.data as { evalParams: number; python: string; json: string }) : null;
    expect(data?.evalParams).toBe(3_349_342); // "param size = 3.349342MB" in the DARTS repository
    expect(JSON.parse(data!.json).normal[7]).toEqual(['dil_conv_3x3', 2]);
  });

  it('answers a malformed cell with an error on the text field', async () => {
    const reply = await host.dispatch('genotypes.import', { text: "Genotype(normal=[('sep_conv_3x3',)], normal_concat=[2], reduce=[('sep_conv_3x3', 0)], reduce_concat=[2])" });
    expect(reply.ok).toBe(false);
    expect(!reply.ok && reply.error.field).toBe('text');
    expect(!reply.ok && reply.error.message).toMatch(/'normal' has 1 edges/);
  });
});
