import type { Knex } from 'knex';

/** Rows written together or not at all, table by table in the order given. */
export type RowGroup = ReadonlyArray<{ table: string; row: Record<string, unknown> }>;

export interface GroupCommitOptions {
  /** Most groups written by one transaction (default 64). */
  maxBatch?: number;
  /** Transactions in flight at once (default 3); groups arriving meanwhile wait and share the next. */
  maxInFlight?: number;
  /** True for errors that concern the connection rather than a group's rows: those fail the whole batch at once. */
  isConnectionError?: (err: unknown) => boolean;
  /** Asked as each batch starts: other writes to carry in the same transaction, if any are waiting. */
  rider?: () => Rider | undefined;
  /** Called whenever the last transaction in flight ends and no group is waiting. */
  onIdle?: () => void;
  /**
   * A knex whose connections take several statements in one query (mysql2's
   * `multipleStatements`; see `createKnex`). With it a batch is one round trip: START
   * TRANSACTION, the inserts, the rider's statements and COMMIT go as one query, instead of a
   * round trip per statement through a knex transaction. The statements are knex's, with their
   * values bound by the driver, as on every other path.
   */
  oneTrip?: Knex;
}

/** Writes carried in a batch's transaction, after its inserts; told whether they were committed. */
export interface Rider {
  /** The statements, built with the knex given (they run in the batch's transaction). */
  statements(knex: Knex): Knex.SqlNative[];
  settle(err?: unknown): void;
}

/** The part of a mysql2 connection this file uses. */
interface RawConnection {
  query(sql: string, values: readonly unknown[], done: (err: Error | null) => void): void;
  destroy(): void;
}

/** Groups of a refused batch written again alone at once. */
const RETRY_PARALLELISM = 4;

interface Pending {
  group: RowGroup;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Inserts groups of rows, each atomically, several groups to a transaction (a group commit): while
 * `maxInFlight` transactions are running, the groups that arrive wait and go out together in the
 * next one, one multi-row INSERT per table. Each caller is answered once its rows are committed,
 * exactly as with a transaction of its own, but under load the commits (and their log flushes)
 * and round trips are shared. When a batch fails on its rows (a duplicate key, say), every group of
 * it is written again alone, so each caller gets its own group's outcome.
 */
export class GroupCommit {
  private readonly pending: Pending[] = [];
  private inFlight = 0;
  private readonly maxBatch: number;
  private readonly maxInFlight: number;

  constructor(
    private readonly knex: Knex,
    private readonly options: GroupCommitOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 64;
    this.maxInFlight = options.maxInFlight ?? 3;
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1) throw new Error('maxBatch: must be a positive integer');
    if (!Number.isInteger(this.maxInFlight) || this.maxInFlight < 1) throw new Error('maxInFlight: must be a positive integer');
  }

  /** Resolves once the group's rows are committed; rejects with the error of its own insert. */
  insert(group: RowGroup): Promise<void> {
    if (group.length === 0) return Promise.resolve();
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ group, resolve, reject });
      if (this.inFlight < this.maxInFlight) this.startBatch();
    });
  }

  /** True while a transaction is in flight: a rider waiting now goes out with the next batch or at idle. */
  get busy(): boolean {
    return this.inFlight > 0;
  }

  private startBatch(): void {
    const batch = this.pending.splice(0, this.maxBatch);
    if (batch.length === 0) return;
    this.inFlight++;
    void this.write(batch).finally(() => {
      this.inFlight--;
      if (this.pending.length > 0) this.startBatch();
      else if (this.inFlight === 0) this.options.onIdle?.();
    });
  }

  private async write(batch: Pending[]): Promise<void> {
    const rider = this.options.rider?.();
    try {
      await this.commit(
        batch.map((p) => p.group),
        rider,
      );
      rider?.settle();
      for (const p of batch) p.resolve();
      return;
    } catch (err) {
      rider?.settle(err);
      if (batch.length === 1 || this.options.isConnectionError?.(err)) {
        for (const p of batch) p.reject(err);
        return;
      }
    }
    // Some row of the batch was refused: each group on its own, to find whose.
    let next = 0;
    const alone = async (): Promise<void> => {
      while (next < batch.length) {
        const p = batch[next++]!;
        await this.commit([p.group], undefined).then(
          () => p.resolve(),
          (err: unknown) => p.reject(err),
        );
      }
    };
    await Promise.all(Array.from({ length: Math.min(RETRY_PARALLELISM, batch.length) }, alone));
  }

  private async commit(groups: readonly RowGroup[], rider: Rider | undefined): Promise<void> {
    const tables = new Map<string, Array<Record<string, unknown>>>();
    for (const group of groups) {
      for (const { table, row } of group) {
        const rows = tables.get(table);
        if (rows) rows.push(row);
        else tables.set(table, [row]);
      }
    }
    const oneTrip = this.options.oneTrip;
    if (!oneTrip) {
      await this.knex.transaction(async (trx) => {
        for (const [table, rows] of tables) await trx(table).insert(rows);
        for (const s of rider?.statements(trx) ?? []) await trx.raw(s.sql, s.bindings);
      });
      return;
    }
    const statements = [...tables].map(([table, rows]) => oneTrip(table).insert(rows).toSQL().toNative());
    statements.push(...(rider?.statements(oneTrip) ?? []));
    await inOneTrip(oneTrip, statements);
  }
}

/**
 * Runs the statements as one transaction in one query. When one fails, the server runs none of
 * those after it, so the transaction is still open on that connection: it is rolled back there
 * (or the connection closed, which rolls it back) before the connection goes back to the pool.
 */
async function inOneTrip(knex: Knex, statements: readonly Knex.SqlNative[]): Promise<void> {
  const client = knex.client as { acquireConnection(): Promise<RawConnection>; releaseConnection(c: RawConnection): Promise<unknown> };
  const connection = await client.acquireConnection();
  const query = (sql: string, values: readonly unknown[]) => new Promise<void>((resolve, reject) => connection.query(sql, values, (err) => (err ? reject(err) : resolve())));
  try {
    await query(['START TRANSACTION', ...statements.map((s) => s.sql), 'COMMIT'].join(';\n'), statements.flatMap((s) => s.bindings));
  } catch (err) {
    await query('ROLLBACK', []).catch(() => connection.destroy());
    throw err;
  } finally {
    await client.releaseConnection(connection);
  }
}
