// Packing slips: upload (multipart, idempotent by slip_id), read, review and receive.
import { Hono, type Context } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { z } from 'zod';
import { capturedAt, deviceId, locationId, uuid } from '#domain/events';
import {
  MAX_SLIP_BYTES,
  MAX_SLIP_FILES,
  reviewSchema,
  SLIP_STATUSES,
  textLayerSchema,
  type TextLayer
} from '#domain/slip';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { ApiError, jsonBody, pageParams, queryParams } from '../../http/errors';
import { checkSlipFile, readSlip } from './reader';
import { isVolumePath, volumeStore, type VolumeStore } from './volume';
import { PdfReaderBusy, UnreadablePdf } from './pdf';
import {
  failSlip,
  listSlips,
  receiveSlip,
  reviewSlip,
  saveParse,
  slipDetail,
  slipFile,
  slipFiles,
  storeSlip,
  type UploadFile
} from './slips';
import { modelClient, type ModelOptions } from './model';
import { readCartonLabel } from './carton-label';
import { cartonLabelRequestSchema } from '#domain/carton-label';

const MB = 1024 * 1024;

const settingsSchema = z.object({
  SLIP_VOLUME_PATH: z
    .string()
    .refine(isVolumePath, 'must be a Unity Catalog volume path: /Volumes/<catalog>/<schema>/<volume>[/<folder>]')
    .optional(),
  SLIP_MODEL_ENDPOINT: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,63}$/, 'must be a serving endpoint name')
    .optional(),
  SLIP_MODEL_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(60_000)
});

/** Where slip files go and which model reads pictures, from the environment (empty counts as unset). */
export function slipSettings(env: Record<string, string | undefined> = process.env) {
  const present = Object.fromEntries(Object.entries(env).filter(([k, v]) => k.startsWith('SLIP_') && v));
  const parsed = settingsSchema.safeParse(present);
  if (!parsed.success)
    throw new Error(
      `Invalid configuration: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`
    );
  const s = parsed.data;
  return {
    volume: s.SLIP_VOLUME_PATH ? volumeStore(s.SLIP_VOLUME_PATH) : null,
    // One client for the app's life, so its credentials (the App's OAuth token) are fetched once, not per slip.
    model: s.SLIP_MODEL_ENDPOINT
      ? {
          endpoint: s.SLIP_MODEL_ENDPOINT,
          timeoutMs: s.SLIP_MODEL_TIMEOUT_MS,
          client: modelClient(s.SLIP_MODEL_TIMEOUT_MS)
        }
      : null
  } satisfies { volume: VolumeStore | null; model: ModelOptions | null };
}

const uploadFields = z.strictObject({
  slip_id: uuid,
  device_id: deviceId,
  captured_at: z.iso.datetime({ offset: true, message: 'must be an ISO 8601 date-time with a time zone' }).optional(),
  text_layer: z.string().optional()
});
const receiveSchema = z.strictObject({ location_id: locationId, station_id: z.string().max(64).nullish() });
const listSchema = z.strictObject({ status: z.enum(SLIP_STATUSES).optional(), ...pageParams });

function slipId(c: Context): string {
  const id = c.req.param('slip_id') ?? '';
  if (!uuid.safeParse(id).success)
    throw new ApiError(400, 'invalid_request', `Invalid slip_id: ${id.slice(0, 64)} is not a UUID.`);
  return id.toLowerCase();
}

/** The multipart form, checked: fields by schema, files by count, size and their first bytes (never their names). */
async function readUpload(c: Context) {
  if (!/^multipart\/form-data\b/i.test(c.req.header('content-type') ?? ''))
    throw new ApiError(
      415,
      'unsupported_media_type',
      'Send the slip as multipart/form-data with slip_id, device_id and files.'
    );
  const form = await c.req.parseBody({ all: true });
  const files = [form.files ?? []].flat().filter((f): f is File => f instanceof File);
  const fields = Object.fromEntries(Object.entries(form).filter(([k]) => k !== 'files'));
  const parsed = uploadFields.safeParse(fields);
  if (!parsed.success)
    throw new ApiError(
      400,
      'invalid_request',
      `Invalid form: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(form)'}: ${i.message}`).join('; ')}`
    );
  if (!files.length)
    throw new ApiError(400, 'invalid_request', 'Invalid form: files: attach at least one file (a photo or a PDF).');
  if (files.length > MAX_SLIP_FILES)
    throw new ApiError(
      400,
      'too_many_files',
      `A packing slip may have at most ${MAX_SLIP_FILES} files; this one has ${files.length}.`
    );
  const total = files.reduce((s, f) => s + f.size, 0);
  if (total > MAX_SLIP_BYTES) throw tooLarge(total);
  let textLayer: TextLayer | null = null;
  if (parsed.data.text_layer) {
    let json: unknown;
    try {
      json = JSON.parse(parsed.data.text_layer);
    } catch (e) {
      throw new ApiError(400, 'invalid_request', `Invalid form: text_layer is not valid JSON: ${(e as Error).message}`);
    }
    const layer = textLayerSchema.safeParse(json);
    if (!layer.success)
      throw new ApiError(
        400,
        'invalid_request',
        `Invalid form: text_layer: ${layer.error.issues[0].path.join('.')}: ${layer.error.issues[0].message}`
      );
    textLayer = layer.data;
  }
  const checked: UploadFile[] = [];
  for (const f of files) checked.push(await checkSlipFile(f.name, f.type, new Uint8Array(await f.arrayBuffer())));
  return { ...parsed.data, textLayer, files: checked };
}

const tooLarge = (bytes: number) =>
  new ApiError(
    413,
    'payload_too_large',
    `A packing slip may be at most ${MAX_SLIP_BYTES / MB} MB in all; this one is ${(bytes / MB).toFixed(1)} MB.`
  );

/** The answer for a slip whose file could not be read: 422, with the slip as stored (failed, with the reason). */
const failed = (code: string, reason: string, slip: unknown) => new ApiError(422, code, reason, { slip });

export function slipRoutes({ sql, config }: Deps, settings = slipSettings()) {
  /** Reads an uploaded slip once: its lines are kept, or it is marked failed with the reason and answered 422. */
  const parse = async (id: string, files?: UploadFile[]) => {
    let read;
    try {
      read = await readSlip(files ?? (await slipFiles(sql, id, settings.volume)), settings.model);
    } catch (e) {
      if (e instanceof PdfReaderBusy) throw new ApiError(503, 'reader_busy', e.message);
      if (!(e instanceof UnreadablePdf)) throw e;
      await failSlip(sql, id, e.message);
      throw failed(e.code, e.message, await slipDetail(sql, id));
    }
    await saveParse(sql, id, read);
  };
  return new Hono<Env>()
    .post(
      '/',
      bodyLimit({
        maxSize: MAX_SLIP_BYTES + 4 * MB, // the files, a text layer and the form's own framing
        onError: () => {
          throw tooLarge(Number(MAX_SLIP_BYTES + 4 * MB));
        }
      }),
      async (c) => {
        const upload = await readUpload(c);
        const created = await storeSlip(
          sql,
          {
            slip_id: upload.slip_id.toLowerCase(),
            device_id: upload.device_id,
            // A tablet with a wrong clock still gets its slip in: the server's time stands in for a capture time
            // the events could not carry (before 2020 or in the future).
            captured_at:
              upload.captured_at && capturedAt.safeParse(upload.captured_at).success
                ? upload.captured_at
                : new Date().toISOString(),
            text_layer: upload.textLayer,
            files: upload.files
          },
          c.get('user').email,
          settings.volume
        );
        const id = upload.slip_id.toLowerCase();
        // A retry finds its slip; one whose reading was interrupted is read now, one that failed fails the same way.
        const stored = await slipDetail(sql, id);
        if (stored.status === 'uploaded') await parse(id, created ? upload.files : undefined);
        else if (stored.status === 'failed')
          throw failed('slip_failed', stored.failure_reason ?? 'The slip could not be read.', stored);
        return c.json(await slipDetail(sql, id), created ? 201 : 200);
      }
    )
    .get('/', async (c) => {
      const q = queryParams(c, listSchema);
      return c.json({ rows: await listSlips(sql, q) });
    })
    .get('/:slip_id', async (c) => c.json(await slipDetail(sql, slipId(c))))
    .get('/:slip_id/files/:page', async (c) => {
      const id = slipId(c);
      const page = Number(c.req.param('page'));
      if (!Number.isInteger(page) || page < 1 || page > MAX_SLIP_FILES)
        throw new ApiError(400, 'invalid_request', `Invalid page: must be 1 to ${MAX_SLIP_FILES}.`);
      await slipDetail(sql, id); // 404 for an unknown slip
      const file = await slipFile(sql, id, page, settings.volume);
      if (!file) throw new ApiError(404, 'not_found', `Packing slip ${id} has no file ${page}.`);
      return c.body(file.bytes as Uint8Array<ArrayBuffer>, 200, {
        'content-type': file.contentType,
        'cache-control': 'private, max-age=86400, immutable'
      });
    })
    .put('/:slip_id/lines', async (c) => {
      const id = slipId(c);
      await reviewSlip(sql, id, await jsonBody(c, reviewSchema));
      return c.json(await slipDetail(sql, id));
    })
    .post('/:slip_id/carton-label', async (c) => {
      // Read against the slip (its supplier's parts, its PO, its number): the page fills the line.
      const id = slipId(c);
      return c.json(await readCartonLabel(sql, id, await jsonBody(c, cartonLabelRequestSchema)));
    })
    .post('/:slip_id/receive', async (c) => {
      const id = slipId(c);
      const body = await jsonBody(c, receiveSchema);
      const results = await receiveSlip(sql, id, body, c.get('user').email, config.REQUIRE_KNOWN_ITEMS);
      return c.json({ ...(await slipDetail(sql, id)), results });
    });
}
