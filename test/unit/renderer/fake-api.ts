import { ApiError } from '../../../src-shared/api-error';
import { type Api, type AppError, type Channel, type EventName, type EventOf, type RequestOf, type ResponseOf } from '../../../src-shared/contract';
import type { Run } from '../../../src-shared/model/records';

type Handler<C extends Channel> = (request: RequestOf<C>) => ResponseOf<C> | Promise<ResponseOf<C>>;

/** An in-memory Api: handlers per channel, a log of calls, and `emit` to play main's events. */
export class FakeApi implements Api {
  readonly calls: { channel: Channel; request: unknown }[] = [];
  private handlers = new Map<Channel, Handler<Channel>>();
  private listeners = new Map<EventName, Set<(p: unknown) => void>>();

  handle<C extends Channel>(channel: C, handler: Handler<C>): this {
    this.handlers.set(channel, handler as unknown as Handler<Channel>);
    return this;
  }

  fail(channel: Channel, error: AppError): this {
    return this.handle(channel, () => {
      throw new ApiError(error);
    });
  }

  async request<C extends Channel>(channel: C, request: RequestOf<C>): Promise<ResponseOf<C>> {
    this.calls.push({ channel, request });
    const handler = this.handlers.get(channel);
    if (!handler) throw new ApiError({ code: 'unknown_channel', message: `fake has no handler for ${channel}` });
    return (await handler(request as RequestOf<Channel>)) as ResponseOf<C>;
  }

  on<E extends EventName>(event: E, listener: (payload: EventOf<E>) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (p: unknown) => void);
    return () => set.delete(listener as (p: unknown) => void);
  }

  emit<E extends EventName>(event: E, payload: EventOf<E>): void {
    for (const l of this.listeners.get(event) ?? []) l(payload);
  }

  listenerCount(): number {
    return [...this.listeners.values()].reduce((n, s) => n + s.size, 0);
  }
}

export function makeRun(over: Partial<Run> = {}): Run {
  return {
    id: 1,
    experimentId: 1,
    name: 'run 1',
    algorithm: 'train',
    config: { algorithm: 'train' },
    seed: 0,
    status: 'running',
    backend: 'wasm',
    createdAt: '2026-11-23T10:00:00.000Z',
    startedAt: '2026-11-23T10:00:01.000Z',
    endedAt: null,
    error: null,
    progressDone: 0,
    owner: null,
    lastSeenAt: null,
    checkpointStep: null,
    resumable: false,
    progressTotal: 60,
    ...over,
  };
}

/** A promise with its resolve handle, to hold a fake reply in flight. */
export function deferred<T>(): { promise: Promise<T>; resolve: (v: T) => void } {
  let resolve!: (v: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}
