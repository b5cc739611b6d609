import type { ContactQueue, ListEntry, ListedEntry } from '../ports/contact-queue';

/**
 * The combined list, telling a listener after every entry it adds or puts back, so the dispatcher
 * reacts at once instead of at its next poll.
 */
export class NotifyingContactQueue implements ContactQueue {
  private listener: () => void = () => undefined;

  constructor(private readonly inner: ContactQueue) {}

  onChange(listener: () => void): void {
    this.listener = listener;
  }

  async add(entry: ListEntry): Promise<number | null> {
    const position = await this.inner.add(entry);
    this.listener();
    return position;
  }

  async requeue(requestId: string, queue: string, opts?: { dueAt?: Date; priority?: number }): Promise<void> {
    await this.inner.requeue(requestId, queue, opts);
    this.listener();
  }

  async update(requestId: string, queue: string, patch: { priority?: number; dueAt?: Date }): Promise<void> {
    await this.inner.update(requestId, queue, patch);
    this.listener();
  }

  take(queues: readonly string[], holder: string): Promise<ListEntry | null> {
    return this.inner.take(queues, holder);
  }
  peek(queues: readonly string[]): Promise<ListEntry | null> {
    return this.inner.peek(queues);
  }
  complete(requestId: string, queue: string): Promise<void> {
    return this.inner.complete(requestId, queue);
  }
  remove(requestId: string, queue: string): Promise<boolean> {
    return this.inner.remove(requestId, queue);
  }
  get(requestId: string, queue: string): Promise<ListedEntry | null> {
    return this.inner.get(requestId, queue);
  }
  list(queue: string): Promise<ListedEntry[]> {
    return this.inner.list(queue);
  }
  position(requestId: string, queue: string): Promise<number | null> {
    return this.inner.position(requestId, queue);
  }
  nextDueAt(queues: readonly string[]): Promise<Date | null> {
    return this.inner.nextDueAt(queues);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
