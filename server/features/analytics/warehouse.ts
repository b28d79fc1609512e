// The gold Delta tables on a Databricks SQL warehouse, through the SQL Statement Execution API: one parameterised
// statement, results inline as JSON_ARRAY with a row limit, polled while PENDING or RUNNING, cancelled when it
// outlasts the time-out. The SDK's apiClient does the workspace authentication (the app's service principal on Apps).
import { WorkspaceClient } from '@databricks/sdk-experimental';

type ParamType = 'STRING' | 'DATE' | 'TIMESTAMP' | 'INT' | 'BIGINT' | 'DOUBLE';
interface Param {
  name: string;
  value: string;
  type: ParamType;
}
export type Row = Record<string, string | null>;

class WarehouseError extends Error {}

interface StatementResponse {
  statement_id?: string;
  status?: { state?: string; error?: { error_code?: string; message?: string } };
  manifest?: { schema?: { columns?: { name: string; position?: number }[] }; truncated?: boolean };
  result?: { data_array?: (string | null)[][]; next_chunk_internal_link?: string };
}

interface WarehouseOptions {
  warehouseId: string;
  /** catalog.schema of the gold tables. */
  schema: string;
  timeoutMs: number;
  rowLimit: number;
  /** How often to ask while the statement runs. */
  pollMs?: number;
  client?: WorkspaceClient;
}

export interface Warehouse {
  query(statement: string, parameters?: Param[]): Promise<Row[]>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createWarehouse(opts: WarehouseOptions): Warehouse {
  let client = opts.client;
  const [catalog, schema] = opts.schema.split('.');
  const pollMs = opts.pollMs ?? 500;
  const call = (method: 'GET' | 'POST', path: string, payload?: object) =>
    (client ??= new WorkspaceClient({})).apiClient.request({
      path,
      method,
      headers: new Headers({ Accept: 'application/json', 'Content-Type': 'application/json' }),
      raw: false,
      payload
    }) as Promise<StatementResponse>;

  return {
    async query(statement, parameters = []) {
      const deadline = Date.now() + opts.timeoutMs;
      // wait_timeout is 0 or 5 to 50 seconds; the rest of the time-out is spent polling.
      const waitS = opts.timeoutMs >= 5000 ? Math.min(50, Math.floor(opts.timeoutMs / 1000)) : 0;
      let res = await call('POST', '/api/2.0/sql/statements', {
        warehouse_id: opts.warehouseId,
        catalog,
        schema,
        statement,
        parameters,
        wait_timeout: `${waitS}s`,
        on_wait_timeout: 'CONTINUE',
        disposition: 'INLINE',
        format: 'JSON_ARRAY',
        row_limit: opts.rowLimit
      });
      const id = res.statement_id;
      while (res.status?.state === 'PENDING' || res.status?.state === 'RUNNING') {
        if (!id) throw new WarehouseError('the warehouse answered without a statement_id');
        if (Date.now() >= deadline) {
          await call('POST', `/api/2.0/sql/statements/${encodeURIComponent(id)}/cancel`).catch(() => {});
          throw new WarehouseError(`statement ${id} still ${res.status.state} after ${opts.timeoutMs} ms: cancelled`);
        }
        await sleep(Math.min(pollMs, Math.max(0, deadline - Date.now())));
        res = await call('GET', `/api/2.0/sql/statements/${encodeURIComponent(id)}`);
      }
      const state = res.status?.state;
      if (state !== 'SUCCEEDED') {
        const err = res.status?.error;
        throw new WarehouseError(
          `statement ${id ?? '?'} ${state ?? 'without a state'}` +
            (err ? `: ${err.error_code ?? ''}${err.error_code ? ' ' : ''}${err.message ?? ''}` : '')
        );
      }
      const columns = (res.manifest?.schema?.columns ?? [])
        .slice()
        .sort((a, b) => (a.position ?? 0) - (b.position ?? 0))
        .map((c) => c.name);
      const rows: Row[] = [];
      let result = res.result;
      for (;;) {
        for (const values of result?.data_array ?? [])
          rows.push(Object.fromEntries(columns.map((name, i) => [name, values[i] ?? null])));
        const next = result?.next_chunk_internal_link;
        if (!next || rows.length >= opts.rowLimit) break;
        if (Date.now() >= deadline) throw new WarehouseError(`statement ${id} results not read within the time-out`);
        result = (await call('GET', next)) as StatementResponse['result'];
      }
      return rows;
    }
  };
}

/** A number from a JSON_ARRAY cell (every value comes as a string, or null). */
export const num = (v: string | null | undefined) => (v == null ? 0 : Number(v));
