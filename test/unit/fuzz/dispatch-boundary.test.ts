import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../src-main/host/dispatch';
import type { Handlers } from '../../../src-main/host/handlers';
import { createHost, type Host } from '../../../src-main/host/host';
import { noEngine } from '../web/harness';

/** Odd inputs at the request boundary: each a typed error, nothing written, nothing else changed. */
describe('dispatch with odd inputs', () => {
  let dir: string;
  let host: Host;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'nas-boundary-'));
    host = createHost({ dataDir: dir, mode: 'cli', launcher: noEngine, resourcesDir: dir });
  });
  afterEach(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses a NUL in a text field (SQLite would cut the name at it) and writes nothing', async () => {
    const reply = await host.dispatch('experiments.create', { name: 'a\u0000b' });
    expect(reply).toEqual({
      ok: false,
      error: { code: 'invalid_request', message: 'experiments.create: name contains a NUL character (U+0000), which no text field can hold', field: 'name' },
    });
    expect(host.store.experiments.list()).toEqual([]);
  });

  it('refuses prototype-named keys, huge numbers and deep nesting as invalid_request', async () => {
    const cases: [string, unknown, string][] = [
      ['experiments.create', JSON.parse('{"name": "x", "__proto__": {"admin": true}}'), '__proto__'],
      ['experiments.create', JSON.parse('{"name": "x", "constructor": 1}'), 'constructor'],
      ['runs.get', { id: 1e308 }, 'id'],
      ['runs.get', { id: 2 ** 53 + 2 }, 'id'],
      ['runs.logs', { id: 1, limit: -0 }, 'limit'],
      ['metrics.query', { runId: 1, keys: JSON.parse('['.repeat(200) + ']'.repeat(200)) }, 'keys.0'],
    ];
    for (const [channel, request, field] of cases) {
      const reply = await host.dispatch(channel, request);
      expect(reply.ok, channel).toBe(false);
      if (reply.ok) continue;
      expect(reply.error.code).toBe('invalid_request');
      expect(`${reply.error.field ?? ''} ${reply.error.message}`).toContain(field);
    }
    expect(({} as Record<string, unknown>).admin).toBeUndefined();
    expect(host.store.experiments.list()).toEqual([]);
  });

  it('echoes at most 80 characters of an unknown channel and clips messages', async () => {
    const reply = await host.dispatch('x'.repeat(100_000), {});
    expect(reply).toEqual({ ok: false, error: { code: 'unknown_channel', message: `no channel named '${'x'.repeat(80)}…'` } });
    const key = await host.dispatch('experiments.list', { ['k'.repeat(100_000)]: 1 });
    expect(!key.ok && key.error.message.length).toBeLessThanOrEqual(1001);
  });

  it('answers a handler that throws a non-Error, or a schema that throws, with a typed error', async () => {
    const handlers = {
      ...host.handlers,
      'experiments.list': () => {
        throw 'a string, not an Error';
      },
    } as Handlers;
    expect(await dispatch(handlers, 'experiments.list', {})).toEqual({ ok: false, error: { code: 'internal', message: 'experiments.list failed: a string, not an Error' } });
    const trap = Object.defineProperty({}, 'name', {
      enumerable: true,
      get() {
        throw new Error('getter exploded');
      },
    });
    const reply = await dispatch(host.handlers, 'experiments.create', trap);
    expect(reply).toEqual({ ok: false, error: { code: 'invalid_request', message: 'experiments.create: the request could not be read (getter exploded)' } });
  });
});
