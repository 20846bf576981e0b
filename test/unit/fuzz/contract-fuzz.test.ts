import { join } from 'node:path';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { STORE_FILE } from '../../../src-main/host/paths';
import { CHANNELS } from '../../../src-shared/contract';
import type { ServerMessage } from '../../../src-shared/transport';
import { api, http, idleEngineLauncher, startTestServer, TestSocket, TOKEN, type HttpReply, type Running } from '../web/harness';
import { FUZZ_GENOTYPE, FUZZ_SEED, fuzzRequest, replyProblem, type FuzzRequest } from './requests';

/**
 * Every contract channel fuzzed through dispatch, POST /api and the WebSocket of a real server (real
 * SQLite file in a temp dir; runs started by valid requests go to an idle stand-in engine), plus
 * malformed URLs, bodies and frames. Properties: every reply is ok with schema-valid data or a typed
 * AppError that is not `internal`; the server keeps answering, another client is unaffected; a
 * refused request writes nothing (the SQLite file's data_version, seen from a second connection,
 * does not move). Seed printed; FUZZ_SEED=<n> replays.
 */
/**
 * Channels whose valid requests need state this setup cannot make (a run with a checkpoint: the
 * idle engine writes none; Select with PT also needs it completed). They are fuzzed all the same;
 * only "some request was accepted" is waived.
 */
const WITHOUT_ACCEPTED_CASE = ['runs.resume', 'runs.selectWithPt'];

const RUNS = { dispatch: 4000, http: 3000, websocket: 3000, replay: 300, urls: 300, bodies: 300, frames: 150 };

describe('contract fuzz', () => {
  let s: Running;
  let db: Database.Database;
  const counts: Record<string, number> = {};
  const accepted: Record<string, number> = {};
  const count = (what: string, r: FuzzRequest | null, ok = false): void => {
    counts[what] = (counts[what] ?? 0) + 1;
    if (r && ok) accepted[r.channel] = (accepted[r.channel] ?? 0) + 1;
  };

  beforeAll(async () => {
    console.log(`contract fuzz: seed ${FUZZ_SEED} (replay with FUZZ_SEED=${FUZZ_SEED}), channels: ${CHANNELS.join(', ')}`);
    s = await startTestServer(idleEngineLauncher().launcher);
    // A few rows for the generated (small) ids to find.
    for (const name of ['a', 'b', 'c']) await s.host.dispatch('experiments.create', { name });
    for (let i = 0; i < 3; i++) await s.host.dispatch('runs.start', { config: { algorithm: 'train', steps: 5 } });
    for (const runId of [1, 2, 3]) s.host.store.genotypes.add(runId, { step: 1, epoch: 0, final: true, genotype: FUZZ_GENOTYPE });
    db = new Database(join(s.dir, 'data', STORE_FILE), { readonly: true });
  });
  afterAll(async () => {
    db?.close();
    await s?.stop();
    const total = Object.values(counts).reduce((a, b) => a + b, 0);
    console.log(`contract fuzz: ${total} requests (${JSON.stringify(counts)}), accepted per channel ${JSON.stringify(accepted)}, seed ${FUZZ_SEED}`);
  });

  const dataVersion = (): number => db.pragma('data_version', { simple: true }) as number;

  /** One request: typed reply, and nothing written when refused. */
  async function checked(r: FuzzRequest, send: () => Promise<unknown>): Promise<unknown> {
    const before = dataVersion();
    const reply = await send();
    const problem = replyProblem(r.channel, reply);
    if (problem) throw new Error(`${r.channel} ${JSON.stringify(r.request)?.slice(0, 300)}: ${problem}`);
    if (!(reply as { ok: boolean }).ok && dataVersion() !== before) throw new Error(`refused ${r.channel} wrote to the store`);
    return reply;
  }

  it('dispatch: typed replies, nothing written by a refused request', async () => {
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (r) => {
        const reply = await checked(r, () => s.host.dispatch(r.channel, r.request));
        count('dispatch', r, (reply as { ok: boolean }).ok);
      }),
      { seed: FUZZ_SEED, numRuns: RUNS.dispatch },
    );
  });

  it('POST /api: the same, with HTTP statuses', async () => {
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (r) => {
        const reply = (await checked(r, async () => JSON.parse((await api(s.server.port, encodeURIComponent(r.channel), r.request === undefined ? '' : r.request)).body))) as { ok: boolean };
        count('http', r, reply.ok);
      }),
      { seed: FUZZ_SEED + 1, numRuns: RUNS.http },
    );
  });

  it('WebSocket: the same, and a second client keeps being answered', async () => {
    const ws = new FuzzSocket(await openWs(s.server.port));
    const bystander = await TestSocket.open(s.server.port);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (r) => {
        const reply = await checked(r, () => ws.request(r.channel, r.request));
        count('websocket', r, (reply as { ok: boolean }).ok);
        if (++n % 500 === 0) expect((await bystander.request(`by-${n}`, 'experiments.list', {})).reply.ok).toBe(true);
      }),
      { seed: FUZZ_SEED + 2, numRuns: RUNS.websocket },
    );
    ws.close();
    bystander.ws.close();
  });

  it('a request sent twice with the same id runs once and answers the same', async () => {
    const ws = new FuzzSocket(await openWs(s.server.port));
    await fc.assert(
      fc.asyncProperty(fuzzRequest, async (r) => {
        const id = ws.nextId();
        const before = dataVersion();
        const [a, b] = await Promise.all([ws.request(r.channel, r.request, id), ws.request(r.channel, r.request, id)]);
        count('replay', r);
        expect(b).toEqual(a);
        const wrote = dataVersion() - before;
        // One commit per write at most; a refused one none (a handler may commit more than once, never twice the same row).
        if (!(a as { ok: boolean }).ok) expect(wrote).toBe(0);
      }),
      { seed: FUZZ_SEED + 3, numRuns: RUNS.replay },
    );
    ws.close();
  });

  it('malformed URLs and bodies are answered with 4xx, never a crash', async () => {
    const pathPart = fc.array(fc.oneof(fc.constantFrom('%', '%E0%A4%A', '%ZZ', '%00', '..', '/', '//', '\\', 'api', 'ws', '?', '#', '%2F'), fc.string({ maxLength: 8 }).map(encodeURI)), { maxLength: 6 });
    await fc.assert(
      fc.asyncProperty(fc.boolean(), pathPart, async (isApi, parts) => {
        const path = (isApi ? '/api/' : '/') + parts.join('');
        const res = await http(s.server.port, path, isApi ? { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: '{}' } : {}).catch((e: Error): HttpReply => ({ status: 0, body: e.message, headers: {} }));
        count('urls', null);
        expect(res.status, path).toBeGreaterThanOrEqual(200);
        expect(res.status, path).toBeLessThan(500);
        // '/api/..' is the page: URL() resolves dot segments before routing.
        if (String(res.headers['content-type']).startsWith('application/json') && res.status !== 200) expect(replyProblem('?', JSON.parse(res.body)), path).toBeNull();
      }),
      { seed: FUZZ_SEED + 4, numRuns: RUNS.urls },
    );
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...CHANNELS), fc.uint8Array({ maxLength: 2000 }), async (channel, bytes) => {
        const before = dataVersion();
        const res = await http(s.server.port, `/api/${channel}`, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}` }, body: Buffer.from(bytes) });
        count('bodies', null);
        const reply = JSON.parse(res.body) as { ok: boolean };
        expect(replyProblem(channel, reply)).toBeNull();
        if (!reply.ok) expect(dataVersion()).toBe(before);
      }),
      { seed: FUZZ_SEED + 5, numRuns: RUNS.bodies },
    );
    expect((await api(s.server.port, 'experiments.list', {})).status).toBe(200);
  });

  it('malformed frames close or answer that socket only', async () => {
    const bystander = await TestSocket.open(s.server.port);
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(0x1, 0x2, 0x9), fc.uint8Array({ maxLength: 120 }), async (opcode, bytes) => {
        const bad = await TestSocket.open(s.server.port);
        bad.rawFrame(opcode, Buffer.from(bytes));
        bad.ws.send('{"id": "after", "channel": "experiments.list", "request": {}}');
        const outcome = await Promise.race([bad.closed.then((c) => `closed ${c.code}`), bad.reply('after').then(() => 'answered')]);
        count('frames', null);
        for (const m of bad.messages) if ('reply' in m) expect(replyProblem('experiments.list', m.reply)).toBeNull();
        expect(outcome).toMatch(/^(answered|closed (1002|1007|1009))$/);
        bad.ws.terminate();
      }),
      { seed: FUZZ_SEED + 6, numRuns: RUNS.frames },
    );
    expect((await bystander.request('still', 'experiments.list', {})).reply.ok).toBe(true);
    bystander.ws.close();
  });

  it('sent at least 10 000 requests in all', () => {
    expect(Object.values(counts).reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(10_000);
    // The valid half reaches the handlers: every channel had accepted requests.
    for (const channel of CHANNELS) if (!WITHOUT_ACCEPTED_CASE.includes(channel)) expect(accepted[channel] ?? 0, channel).toBeGreaterThan(0);
  });
});

function openWs(port: number): Promise<WebSocket> {
  const ws = new WebSocket(`ws://127.0.0.1:${port}/ws?token=${TOKEN}`);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

/** A lean client for thousands of requests: replies matched by id through a map. */
class FuzzSocket {
  private n = 0;
  private readonly waiting = new Map<string, ((reply: unknown) => void)[]>();
  constructor(private readonly ws: WebSocket) {
    ws.on('message', (d) => {
      const m = JSON.parse(String(d)) as ServerMessage;
      if (!('reply' in m)) return;
      // A message the server could not read answers id null: the oldest one waiting.
      const id = m.id ?? this.waiting.keys().next().value;
      if (id === undefined) return;
      const list = this.waiting.get(id);
      list?.shift()?.(m.reply);
      if (list?.length === 0) this.waiting.delete(id);
    });
  }
  nextId(): string {
    return `fuzz-${++this.n}`;
  }
  request(channel: string, request: unknown, id = this.nextId()): Promise<unknown> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no reply to ${channel} within 5 s`)), 5_000);
      const list = this.waiting.get(id) ?? [];
      list.push((reply) => {
        clearTimeout(timer);
        resolve(reply);
      });
      this.waiting.set(id, list);
      this.ws.send(JSON.stringify({ id, channel, request }));
    });
  }
  close(): void {
    this.ws.close();
  }
}
