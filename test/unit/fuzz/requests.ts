import fc from 'fast-check';
import { AppError, CHANNELS, ERROR_CODES, requests, type Channel } from '../../../src-shared/contract';
import { arbitraryOf } from './zod-arbitrary';

/** The fixed seed of every fuzz property; FUZZ_SEED=<n> replays another. Printed by each suite. */
export const FUZZ_SEED = Number(process.env.FUZZ_SEED ?? 20261207);

export type FuzzRequest = { channel: string; request: unknown; valid: boolean };

/** Values a request may carry that no client of ours sends. */
const weird: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(1e308, -1e308, 2 ** 53 + 2, -0, Number.MAX_SAFE_INTEGER, Number.MIN_VALUE, 0.5, -1, null, true, '', ' ', '\u0000', '🧪'),
  fc.string({ maxLength: 3000 }),
  fc.jsonValue({ maxDepth: 3 }),
  fc.integer({ min: 2, max: 60 }).map((d) => JSON.parse('['.repeat(d) + ']'.repeat(d)) as unknown),
  fc.constant(JSON.parse('{"__proto__": {"polluted": true}}') as unknown),
);

/** An own key, possibly named like a prototype property (a computed key is own, as JSON.parse makes it). */
function withKey(obj: unknown, key: string, value: unknown): unknown {
  const base = typeof obj === 'object' && obj !== null && !Array.isArray(obj) ? obj : {};
  return JSON.parse(JSON.stringify({ ...base, [key]: value ?? null })) as unknown;
}

function invalidOf(channel: Channel): fc.Arbitrary<unknown> {
  const valid = arbitraryOf(requests[channel].request);
  return fc.oneof(
    // an unknown or prototype-named key
    fc.tuple(valid, fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'extra', 'x'.repeat(5000)), weird).map(([v, k, w]) => withKey(v, k, w)),
    // one known key given a weird value
    fc.tuple(valid, weird).map(([v, w]) => {
      const keys = typeof v === 'object' && v !== null ? Object.keys(v) : [];
      return keys.length ? { ...(v as object), [keys[0]]: w } : w;
    }),
    // anything at all
    weird,
  );
}

const channelName: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.constantFrom(...CHANNELS), weight: 20 },
  { arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'runs.start ', 'RUNS.START'), weight: 1 },
  { arbitrary: fc.string({ maxLength: 200 }), weight: 1 },
);

/**
 * Valid requests a schema cannot describe: a pasted genotype must be a real one (DARTS V2 as the
 * authors' genotypes.py writes it, an NB201 arch string, our JSON) to pass the codec.
 */
const DARTS_V2 =
  "Genotype(normal=[('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 0), ('sep_conv_3x3', 1), ('sep_conv_3x3', 1), ('skip_connect', 0), ('skip_connect', 0), ('dil_conv_3x3', 2)], normal_concat=[2, 3, 4, 5], reduce=[('max_pool_3x3', 0), ('max_pool_3x3', 1), ('skip_connect', 2), ('max_pool_3x3', 1), ('max_pool_3x3', 0), ('skip_connect', 2), ('skip_connect', 2), ('max_pool_3x3', 1)], reduce_concat=[2, 3, 4, 5])";
const NB201 = '|nor_conv_3x3~0|+|nor_conv_3x3~0|avg_pool_3x3~1|+|skip_connect~0|nor_conv_3x3~1|skip_connect~2|';
const EXAMPLES: Partial<Record<Channel, fc.Arbitrary<unknown>>> = {
  'genotypes.import': fc.constantFrom(DARTS_V2, DARTS_V2.replace('normal_concat=[2, 3, 4, 5]', 'normal_concat=range(2, 6)'), NB201, JSON.stringify({ space: 'nb201', arch: NB201 })).map((text) => ({ text })),
};
export const FUZZ_GENOTYPE = { space: 'nb201', arch: NB201 } as const;

/** A request to any channel of the contract: about half valid (from its schema), half not. */
export const fuzzRequest: fc.Arbitrary<FuzzRequest> = channelName.chain((channel) => {
  if (!(CHANNELS as string[]).includes(channel)) return weird.map((request) => ({ channel, request, valid: false }));
  const c = channel as Channel;
  const example = EXAMPLES[c];
  const valid = example ? fc.oneof(arbitraryOf(requests[c].request), example) : arbitraryOf(requests[c].request);
  return fc.oneof(
    valid.map((request) => ({ channel, request, valid: true })),
    invalidOf(c).map((request) => ({ channel, request, valid: false })),
  );
});

/** What every reply must be: ok with data the channel's response schema accepts, or a typed AppError. */
export function replyProblem(channel: string, reply: unknown): string | null {
  if (typeof reply !== 'object' || reply === null) return `reply is not an object: ${JSON.stringify(reply)}`;
  const r = reply as { ok?: unknown; data?: unknown; error?: unknown };
  if (r.ok === true) {
    if (!(CHANNELS as string[]).includes(channel)) return `ok reply for unknown channel ${channel}`;
    const parsed = requests[channel as Channel].response.safeParse(r.data);
    return parsed.success ? null : `data of ${channel} does not match its response schema: ${parsed.error.message.slice(0, 300)}`;
  }
  if (r.ok !== false) return `reply has no ok flag: ${JSON.stringify(reply).slice(0, 200)}`;
  const e = AppError.safeParse(r.error);
  if (!e.success) return `error is not an AppError: ${JSON.stringify(r.error).slice(0, 200)}`;
  if (!(ERROR_CODES as readonly string[]).includes(e.data.code)) return `unknown error code ${e.data.code}`;
  if (e.data.code === 'internal') return `internal error (a bug, not a typed refusal): ${e.data.message}`;
  return null;
}
