import type { Knex } from 'knex';
import type { Rider } from './group-commit';

interface PendingFlag {
  id: string;
  resolve: () => void;
  reject: (err: unknown) => void;
  /** Already carried by a batch of inserts that failed. */
  rode: boolean;
}

const MAX_IDS = 1000;

/**
 * The outbox flags of help requests (`enqueued`: the list entry exists), written together. While
 * a batch of new requests is being committed, the flags waiting ride in the next batch's
 * transaction and cost no commit of their own; otherwise one UPDATE writes them, one at a time,
 * flags arriving meanwhile sharing the next. A flag rides at most once: if that batch fails, its
 * own UPDATE follows. Each caller waits for its own flag to be written.
 */
export class EnqueuedFlags {
  private pending: PendingFlag[] = [];
  private flushing = false;

  constructor(
    private readonly knex: Knex,
    /** True while a batch of inserts is in flight, so a batch will start or go idle soon. */
    private readonly insertsBusy: () => boolean,
    /** What a failed UPDATE of its own rejects the callers with. */
    private readonly translate: (err: unknown) => Error,
  ) {}

  mark(id: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ id, resolve, reject, rode: false });
      this.kick();
    });
  }

  /** Writes the waiting flags now, unless a batch of inserts will carry them. */
  kick(): void {
    if (this.flushing || this.pending.length === 0) return;
    if (this.insertsBusy() && this.pending.some((f) => !f.rode)) return;
    void this.flush();
  }

  /** The flags a starting batch of inserts carries, if any wait. */
  rider(): Rider | undefined {
    const batch = this.take((f) => !f.rode);
    if (batch.length === 0) return undefined;
    return {
      statements: (knex) => [flagsUpdate(knex, batch).toSQL().toNative()],
      settle: (err) => {
        if (!err) {
          for (const f of batch) f.resolve();
          return;
        }
        for (const f of batch) f.rode = true;
        this.pending.unshift(...batch);
        this.kick();
      },
    };
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.take(() => true);
        try {
          await flagsUpdate(this.knex, batch);
          for (const f of batch) f.resolve();
        } catch (err) {
          const error = this.translate(err);
          for (const f of batch) f.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  private take(match: (f: PendingFlag) => boolean): PendingFlag[] {
    const taken: PendingFlag[] = [];
    const kept: PendingFlag[] = [];
    for (const f of this.pending) (taken.length < MAX_IDS && match(f) ? taken : kept).push(f);
    this.pending = kept;
    return taken;
  }
}

function flagsUpdate(db: Knex, flags: readonly PendingFlag[]): Knex.QueryBuilder {
  return db('help_requests').whereIn('id', flags.map((f) => f.id)).update({ enqueued: true });
}
