import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_JSON_DEPTH, MAX_MESSAGE_BYTES } from '../../../src-main/web/limits';
import { api, http, rawTcp, startTestServer, TestSocket, type Running } from './harness';

/** Every failure the probes found, each answered instead of ending the process. */
describe('a web server no request can stop', () => {
  let s: Running;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s.stop();
  });

  async function stillServing(): Promise<void> {
    expect((await http(s.server.port, '/')).status).toBe(200);
    expect(JSON.parse((await api(s.server.port, 'experiments.list', {})).body)).toEqual({ ok: true, data: [] });
  }

  it('answers a path that is not valid percent-encoding with 400', async () => {
    const page = await http(s.server.port, '/%E0%A4%A');
    expect(page.status).toBe(400);
    expect(page.body).toMatch(/malformed URL/);
    const call = await http(s.server.port, '/api/%E0%A4%A', { method: 'POST', headers: { authorization: 'Bearer test-token-0123456789abcdef' } });
    expect(call.status).toBe(400);
    expect(JSON.parse(call.body).error.code).toBe('invalid_request');
    await stillServing();
  });

  it('answers bytes that are not HTTP, and a request target URL() cannot read', async () => {
    expect(await rawTcp(s.server.port, 'GARBAGE\r\n\r\n')).toMatch(/^HTTP\/1\.1 400/);
    expect(await rawTcp(s.server.port, 'GET // HTTP/1.1\r\nhost: 127.0.0.1\r\n\r\n')).toMatch(/^HTTP\/1\.1 (200|400)/);
    await stillServing();
  });

  for (const token of ['wrong-token', 'test-token-0123456789abcdef']) {
    const when = token === 'wrong-token' ? 'before the token check' : 'after the token check';
    it(`closes a socket with invalid UTF-8 (1007) or an oversized frame (1009) ${when}, other clients unaffected`, async () => {
      const bystander = await TestSocket.open(s.server.port);
      const bad = await TestSocket.open(s.server.port, token);
      bad.rawFrame(0x1, Buffer.from([0x7b, 0xff, 0xfe, 0x7d]));
      expect((await bad.closed).code).toBe(token === 'wrong-token' ? 4401 : 1007);
      const big = await TestSocket.open(s.server.port, token);
      big.ws.send('x'.repeat(MAX_MESSAGE_BYTES + 1));
      expect((await big.closed).code).toBe(token === 'wrong-token' ? 4401 : 1009);
      const reply = await bystander.request('b-1', 'experiments.list', {});
      expect(reply.reply).toEqual({ ok: true, data: [] });
      bystander.ws.close();
      await stillServing();
    });
  }

  it("refuses a pasted genotype with range(2, 99999999) quickly instead of expanding it", async () => {
    const text = `Genotype(normal=[('sep_conv_3x3', 0)], normal_concat=range(2, 99999999), reduce=[], reduce_concat=range(2, 6))`;
    const started = Date.now();
    const reply = JSON.parse((await api(s.server.port, 'genotypes.import', { text })).body);
    expect(Date.now() - started).toBeLessThan(2000);
    expect(reply.ok).toBe(false);
    expect(reply.error.code).toBe('invalid_request');
    expect(reply.error.message).toMatch(/range\(2, 99999999\).*99999997 values; at most 1000/);
  });

  it('refuses bodies over the size limit (413) and JSON nested past the depth limit, typed', async () => {
    const big = await api(s.server.port, 'experiments.create', `{"name":"${'a'.repeat(MAX_MESSAGE_BYTES)}"}`);
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body).error).toEqual({ code: 'invalid_request', message: `the request body is over ${MAX_MESSAGE_BYTES} bytes` });
    const deep = await api(s.server.port, 'experiments.create', `{"name":${'['.repeat(MAX_JSON_DEPTH + 1)}${']'.repeat(MAX_JSON_DEPTH + 1)}}`);
    expect(deep.status).toBe(400);
    expect(JSON.parse(deep.body).error.message).toBe(`the request body nests deeper than ${MAX_JSON_DEPTH} levels`);
    const notUtf8 = await http(s.server.port, '/api/experiments.list', {
      method: 'POST',
      headers: { authorization: 'Bearer test-token-0123456789abcdef' },
      body: Buffer.from([0x7b, 0xff, 0x7d]),
    });
    expect(JSON.parse(notUtf8.body).error.message).toBe('the request body is not valid UTF-8');
    expect(s.host.store.experiments.list()).toEqual([]);
  });

  it('answers WebSocket messages it cannot read with typed errors, keeping the connection', async () => {
    const ws = await TestSocket.open(s.server.port);
    ws.ws.send('not json');
    expect((await ws.reply(null)).reply).toMatchObject({ ok: false, error: { code: 'invalid_request' } });
    ws.ws.send(JSON.stringify({ id: 'x-1', channel: 42 }));
    expect((await ws.reply('x-1')).reply).toMatchObject({ ok: false, error: { code: 'invalid_request', field: 'channel' } });
    expect((await ws.request('x-2', 'no.such', {})).reply).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect((await ws.request('x-3', 'experiments.list', {})).reply).toEqual({ ok: true, data: [] });
    ws.ws.close();
  });
});

describe('origin and security headers', () => {
  let s: Running;
  beforeAll(async () => {
    s = await startTestServer();
  });
  afterAll(async () => {
    await s.stop();
  });

  it('sends CSP (script-src self, frame-ancestors none), nosniff and no-referrer with every static file', async () => {
    for (const path of ['/', '/app.js', '/runs/7', '/%E0%A4%A']) {
      const res = await http(s.server.port, path);
      expect(res.headers['content-security-policy']).toMatch(/script-src 'self'(;|$)/);
      expect(res.headers['content-security-policy']).toMatch(/frame-ancestors 'none'/);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    }
  });

  it('lets the browser keep the hashed assets for good and fetch index.html again on every load', async () => {
    expect((await http(s.server.port, '/assets/index-B5lSXvRQ.js')).headers['cache-control']).toBe('public, max-age=31536000, immutable');
    // A missing asset falls back to index.html, which must not be kept under the asset's name.
    for (const path of ['/', '/index.html', '/runs/7', '/assets/missing-0000.js']) {
      expect((await http(s.server.port, path)).headers['cache-control']).toBe('no-cache');
    }
  });

  it('admits the WebSocket from its own origin or without one, refuses another origin and a foreign Host', async () => {
    const own = await TestSocket.open(s.server.port, undefined, { origin: `http://127.0.0.1:${s.server.port}` });
    own.ws.close();
    const script = await TestSocket.open(s.server.port);
    script.ws.close();
    await expect(TestSocket.open(s.server.port, undefined, { origin: 'http://evil.example' })).rejects.toThrow(/403/);
    await expect(TestSocket.open(s.server.port, undefined, { host: `evil.example:${s.server.port}`, origin: `http://evil.example:${s.server.port}` })).rejects.toThrow(/403/);
  });

  it('refuses POST /api from another origin before reading it, and writes nothing', async () => {
    const res = await api(s.server.port, 'experiments.create', { name: 'from elsewhere' }, { origin: 'http://evil.example' });
    expect(res.status).toBe(403);
    expect(JSON.parse(res.body).error.code).toBe('unauthorized');
    const own = await api(s.server.port, 'experiments.list', {}, { origin: `http://127.0.0.1:${s.server.port}` });
    expect(own.status).toBe(200);
    expect(s.host.store.experiments.list()).toEqual([]);
  });
});
