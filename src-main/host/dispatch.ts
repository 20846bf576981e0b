import { describeIssues, requests, type AppError, type Channel, type Reply } from '../../src-shared/contract';
import { HostError } from './host-error';
import type { Handlers } from './handlers';

/** A channel name or field path longer than any real one is echoed only this far; messages this far. */
const MAX_ECHOED_NAME = 80;
const MAX_MESSAGE_CHARS = 1000;

function clip(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}

/** The message of anything thrown (a thrown string or null included), never a stack. */
function errorText(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  try {
    return String(error);
  } catch {
    return 'unknown error';
  }
}

/**
 * The path of the first string holding U+0000, or null. SQLite's length() stops at a NUL, so such a
 * name passes zod's min(1) and then fails the store's CHECK as an internal error; no real text has one.
 */
function pathOfNul(value: unknown): string | null {
  const stack: [unknown, string][] = [[value, '']];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (v.includes('\u0000')) return path;
    } else if (typeof v === 'object' && v !== null) {
      for (const [k, child] of Object.entries(v)) stack.push([child, path ? `${path}.${k}` : k]);
    }
  }
  return null;
}

function isChannel(name: string): name is Channel {
  return Object.prototype.hasOwnProperty.call(requests, name);
}

/**
 * The boundary every transport goes through: the channel must be in the contract, the request must
 * match its schema (defaults filled in), and any failure becomes a typed AppError. Nothing reaches a
 * handler, and so nothing is written, for a rejected request; the caller never sees a stack trace.
 */
export async function dispatch(handlers: Handlers, channel: string, raw: unknown): Promise<Reply<Channel>> {
  if (typeof channel !== 'string' || !isChannel(channel)) {
    const name = String(channel);
    return { ok: false, error: { code: 'unknown_channel', message: `no channel named '${clip(name, MAX_ECHOED_NAME)}'` } };
  }
  let parsed: ReturnType<(typeof requests)[Channel]['request']['safeParse']>;
  try {
    parsed = requests[channel].request.safeParse(raw ?? {});
  } catch (error) {
    // zod itself failing on an odd value (a getter that throws, a stack overflow on deep nesting).
    console.error(`schema of ${channel} failed on a request:`, error);
    return { ok: false, error: { code: 'invalid_request', message: clip(`${channel}: the request could not be read (${errorText(error)})`, MAX_MESSAGE_CHARS) } };
  }
  if (!parsed.success) {
    const { message, field } = describeIssues(parsed.error.issues);
    // zod quotes unknown keys, and a key can be as long as the request.
    const error: AppError = { code: 'invalid_request', message: clip(`${channel}: ${message}`, MAX_MESSAGE_CHARS) };
    if (field) error.field = clip(field, MAX_ECHOED_NAME);
    return { ok: false, error };
  }
  const nul = pathOfNul(parsed.data);
  if (nul !== null) {
    const error: AppError = { code: 'invalid_request', message: `${channel}: ${clip(nul || 'the request', MAX_ECHOED_NAME)} contains a NUL character (U+0000), which no text field can hold` };
    if (nul) error.field = clip(nul, MAX_ECHOED_NAME);
    return { ok: false, error };
  }
  try {
    const handler = handlers[channel] as (r: unknown) => unknown;
    const data = await handler(parsed.data);
    return { ok: true, data } as Reply<Channel>;
  } catch (error) {
    if (error instanceof HostError) {
      const appError = error.toAppError();
      return { ok: false, error: { ...appError, message: clip(appError.message, MAX_MESSAGE_CHARS) } };
    }
    console.error(`handler for ${channel} failed:`, error);
    return { ok: false, error: { code: 'internal', message: clip(`${channel} failed: ${errorText(error)}`, MAX_MESSAGE_CHARS) } };
  }
}
