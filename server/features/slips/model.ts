// Reading photos and scanned pages with a vision model on Databricks Model Serving: the OpenAI-compatible chat
// format, page images as base64 data URLs, and a JSON schema the answer must follow. The SDK's typed serving.query
// takes string content only, so the request goes through its apiClient.
import { WorkspaceClient } from '@databricks/sdk-experimental';
import { z } from 'zod';
import type { ParsedSlip } from '#domain/slip';

export interface ModelImage {
  contentType: string;
  bytes: Uint8Array;
}

export interface ModelOptions {
  endpoint: string;
  timeoutMs: number;
  client?: WorkspaceClient;
}

export class ModelFailed extends Error {}

export const COULD_NOT_PARSE = 'Could not parse this slip — enter the lines by hand.';

const nullableText = { type: ['string', 'null'] };
// Strict mode wants every property listed as required; null stands for "not on the slip".
const SLIP_JSON_SCHEMA = {
  type: 'object',
  additionalProperties: false,
  required: ['supplier', 'slip_number', 'po_number', 'date', 'lines'],
  properties: {
    supplier: nullableText,
    slip_number: nullableText,
    po_number: nullableText,
    date: { type: ['string', 'null'], description: 'YYYY-MM-DD' },
    lines: {
      type: 'array',
      items: {
        type: 'object',
        additionalProperties: false,
        required: ['supplier_part', 'description', 'qty', 'unit', 'lot', 'confidence'],
        properties: {
          supplier_part: nullableText,
          description: { type: 'string' },
          qty: { type: 'number' },
          unit: nullableText,
          lot: nullableText,
          confidence: { type: 'number', description: '0 to 1: how sure you are this line is read right' }
        }
      }
    }
  }
};

const PROMPT =
  'This is a packing slip. Read the supplier, the packing slip number, the purchase order number, the date and every ' +
  'shipped line item (the supplier part number, description, quantity shipped, unit and lot or batch if printed). ' +
  'Use null for anything not printed. Do not invent lines.';

const answerSchema = z.object({
  choices: z.array(z.object({ message: z.object({ content: z.string() }) })).min(1)
});
const clean = (s: string | null | undefined) => (s && s.trim() ? s.trim().slice(0, 200) : null);
const modelSlipSchema = z.object({
  supplier: z.string().nullish(),
  slip_number: z.string().nullish(),
  po_number: z.string().nullish(),
  date: z.string().nullish(),
  lines: z
    .array(
      z.object({
        supplier_part: z.string().nullish(),
        description: z.string().nullish(),
        qty: z.number().finite(),
        unit: z.string().nullish(),
        lot: z.string().nullish(),
        confidence: z.number().finite().nullish()
      })
    )
    .max(500)
});

function chatRequest(images: ModelImage[]) {
  return {
    messages: [
      {
        role: 'user',
        content: [
          { type: 'text', text: PROMPT },
          ...images.map((i) => ({
            type: 'image_url',
            image_url: { url: `data:${i.contentType};base64,${Buffer.from(i.bytes).toString('base64')}` }
          }))
        ]
      }
    ],
    response_format: {
      type: 'json_schema',
      json_schema: { name: 'packing_slip', schema: SLIP_JSON_SCHEMA, strict: true }
    },
    temperature: 0,
    max_tokens: 8000
  };
}

/** The model's answer as a slip; lines whose quantity is not a positive number are dropped, not guessed. */
function readAnswer(answer: unknown): ParsedSlip {
  const chat = answerSchema.safeParse(answer);
  if (!chat.success) throw new ModelFailed('the model answered in an unexpected shape');
  let content: unknown;
  try {
    content = JSON.parse(chat.data.choices[0].message.content);
  } catch {
    throw new ModelFailed('the model did not answer with JSON');
  }
  const slip = modelSlipSchema.safeParse(content);
  if (!slip.success) throw new ModelFailed('the model answered JSON that does not follow the packing slip schema');
  const s = slip.data;
  return {
    supplier: clean(s.supplier),
    slip_number: clean(s.slip_number),
    po_number: clean(s.po_number),
    date: s.date && /^\d{4}-\d{2}-\d{2}$/.test(s.date) && !Number.isNaN(Date.parse(s.date)) ? s.date : null,
    lines: s.lines
      .filter((l) => l.qty > 0)
      .map((l) => ({
        supplier_part: clean(l.supplier_part),
        description: clean(l.description) ?? '',
        qty: Math.max(1, Math.round(l.qty)),
        unit: clean(l.unit),
        lot: clean(l.lot),
        // A model's reading is never fully trusted: at most 0.9, and a rounded quantity counts against it.
        confidence: Math.min(0.9, Math.max(0, l.confidence ?? 0.5)) * (Number.isInteger(l.qty) ? 1 : 0.5)
      }))
  };
}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ModelFailed(`the model did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Sends the page images to the serving endpoint; one retry after a failure of any kind (the SDK itself waits out
 * 429s, within the same time limit). Throws ModelFailed with the reason.
 */
/** A client whose own waits (socket idle, 429 retries) stay within the time limit of one attempt. */
export function modelClient(timeoutMs: number): WorkspaceClient {
  const seconds = Math.max(1, Math.ceil(timeoutMs / 1000));
  return new WorkspaceClient({ httpTimeoutSeconds: seconds, retryTimeoutSeconds: seconds });
}

export async function readWithModel(images: ModelImage[], opts: ModelOptions): Promise<ParsedSlip> {
  const client = opts.client ?? modelClient(opts.timeoutMs);
  const call = async () =>
    readAnswer(
      await client.apiClient.request({
        path: `/serving-endpoints/${encodeURIComponent(opts.endpoint)}/invocations`,
        method: 'POST',
        headers: new Headers({ Accept: 'application/json', 'Content-Type': 'application/json' }),
        raw: false,
        payload: chatRequest(images)
      })
    );
  let first: Error;
  try {
    return await withTimeout(call(), opts.timeoutMs);
  } catch (e) {
    first = e as Error;
  }
  try {
    return await withTimeout(call(), opts.timeoutMs);
  } catch (e) {
    throw new ModelFailed(`${(e as Error).message} (first attempt: ${first.message})`);
  }
}
