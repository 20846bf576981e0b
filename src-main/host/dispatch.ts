import { describeIssues, requests, type AppError, type Channel, type Reply } from '../../src-shared/contract';
import { HostError } from './host-error';
import type { Handlers } from './handlers';

function isChannel(name: string): name is Channel {
  return Object.prototype.hasOwnProperty.call(requests, name);
}

/**
 * The boundary every transport goes through: the channel must be in the contract, the request must
 * match its schema (defaults filled in), and any failure becomes a typed AppError. Nothing reaches a
 * handler, and so nothing is written, for a rejected request; the caller never sees a stack trace.
 */
export async function dispatch(handlers: Handlers, channel: string, raw: unknown): Promise<Reply<Channel>> {
  if (!isChannel(channel)) {
    return { ok: false, error: { code: 'unknown_channel', message: `no channel named '${channel}'` } };
  }
  const parsed = requests[channel].request.safeParse(raw ?? {});
  if (!parsed.success) {
    const { message, field } = describeIssues(parsed.error.issues);
    const error: AppError = { code: 'invalid_request', message: `${channel}: ${message}` };
    if (field) error.field = field;
    return { ok: false, error };
  }
  try {
    const handler = handlers[channel] as (r: unknown) => unknown;
    const data = await handler(parsed.data);
    return { ok: true, data } as Reply<Channel>;
  } catch (error) {
    if (error instanceof HostError) return { ok: false, error: error.toAppError() };
    console.error(`handler for ${channel} failed:`, error);
    return { ok: false, error: { code: 'internal', message: `${channel} failed: ${(error as Error).message ?? String(error)}` } };
  }
}
