// A demand forecast from a Databricks Model Serving endpoint (a custom MLflow model, e.g. trained on the pipeline's
// gold_daily_movements). The request is the documented scoring shape for custom models: a pandas DataFrame in the
// split orientation, one row per day to forecast (item_id, ds); the answer is {"predictions": [...]}, one number per
// row, or one object per row with yhat (as Prophet-style forecasting models answer). Anything else is refused, and the
// caller falls back to the local method.
import { WorkspaceClient } from '@databricks/sdk-experimental';
import { z } from 'zod';

export interface ForecastModelOptions {
  endpoint: string;
  timeoutMs: number;
  client: WorkspaceClient;
}

export class ForecastModelFailed extends Error {}

/** A client whose own waits (socket idle, retries of 429/503) stay within the time limit. */
export function forecastClient(timeoutMs: number): WorkspaceClient {
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  return new WorkspaceClient({ httpTimeoutSeconds: seconds, retryTimeoutSeconds: seconds });
}

function forecastRequest(itemId: string, days: readonly string[]) {
  return { dataframe_split: { columns: ['item_id', 'ds'], data: days.map((d) => [itemId, d]) } };
}

const value = z.number().finite();
const answerSchema = z.object({
  predictions: z.union([z.array(value), z.array(z.object({ yhat: value, ds: z.string().optional() }))])
});

/** The model's answer as one quantity per day asked for; a slightly negative forecast is no demand, not a return. */
function readForecastAnswer(answer: unknown, days: readonly string[]): number[] {
  const parsed = answerSchema.safeParse(answer);
  if (!parsed.success)
    throw new ForecastModelFailed('the model answered in an unexpected shape (want {"predictions": [numbers]})');
  const p = parsed.data.predictions;
  if (p.length !== days.length)
    throw new ForecastModelFailed(`the model answered ${p.length} values for ${days.length} days`);
  return p.map((v, i) => {
    if (typeof v === 'number') return Math.max(0, v);
    // ds may come back as a date or a timestamp; its day must be the one asked for.
    if (v.ds !== undefined && v.ds.slice(0, 10) !== days[i])
      throw new ForecastModelFailed(`the model answered day ${v.ds.slice(0, 10)} where ${days[i]} was asked`);
    return Math.max(0, v.yhat);
  });
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ForecastModelFailed(`the model did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Asks the endpoint for the item's forecast over `days`. One attempt (a supervisor is waiting, and the local method
 * answers at once): throws ForecastModelFailed saying why.
 */
export async function forecastWithModel(
  itemId: string,
  days: readonly string[],
  opts: ForecastModelOptions
): Promise<number[]> {
  let answer: unknown;
  try {
    answer = await withTimeout(
      opts.client.servingEndpoints.query({ name: opts.endpoint, ...forecastRequest(itemId, days) }),
      opts.timeoutMs
    );
  } catch (e) {
    if (e instanceof ForecastModelFailed) throw e;
    const msg = (e as Error).message || String(e);
    throw new ForecastModelFailed(`the endpoint refused the request: ${msg.slice(0, 200)}`);
  }
  return readForecastAnswer(answer, days);
}
