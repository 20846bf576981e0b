import type { EventName, EventOf } from '../../src-shared/contract';

export type EventSink = <E extends EventName>(event: E, payload: EventOf<E>) => void;

/** Fans contract events out to every subscribed window or socket. */
export class EventBus {
  private sinks = new Set<EventSink>();

  subscribe(sink: EventSink): () => void {
    this.sinks.add(sink);
    return () => this.sinks.delete(sink);
  }

  emit<E extends EventName>(event: E, payload: EventOf<E>): void {
    for (const sink of this.sinks) {
      try {
        sink(event, payload);
      } catch (error) {
        // One broken subscriber (a closed socket) must not stop the others from hearing the event.
        console.error(`event sink failed on ${event}:`, error);
      }
    }
  }
}
