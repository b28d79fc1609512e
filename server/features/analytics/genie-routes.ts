// Ask LineSync on the analytics page: GET says whether a Genie space is configured (and how to set one up when it
// is not); POST asks it one question and answers with its text, the SQL it ran and that SQL's result table.
// Genie's own failures are 502, no answer in time is 504; a space not configured is 409, a bad question 400.
import { Hono } from 'hono';
import { GENIE_SETUP, genieQuestionSchema, type GenieStatus } from '#domain/genie';
import type { Env } from '../../http/auth';
import type { Deps } from '../../deps';
import { ApiError, jsonBody } from '../../http/errors';
import { createGenie, GenieError } from './genie';

/** Questions in flight at once, across users: Genie is slow and rate-limited, and each one holds a request open. */
const MAX_IN_FLIGHT = 4;

export function genieRoutes({ config }: Deps) {
  const genie = config.GENIE_SPACE_ID
    ? createGenie({
        spaceId: config.GENIE_SPACE_ID,
        timeoutMs: config.GENIE_TIMEOUT_MS,
        pollMs: config.GENIE_POLL_MS,
        rowLimit: config.GENIE_ROW_LIMIT
      })
    : null;
  let inFlight = 0;
  return new Hono<Env>()
    .get('/', (c) => c.json<GenieStatus>(genie ? { configured: true } : { configured: false, setup: GENIE_SETUP }))
    .post('/ask', async (c) => {
      const { question } = await jsonBody(c, genieQuestionSchema);
      if (!genie)
        throw new ApiError(409, 'genie_not_configured', 'No Genie space is configured (GENIE_SPACE_ID).', {
          setup: GENIE_SETUP
        });
      if (inFlight >= MAX_IN_FLIGHT)
        throw new ApiError(429, 'genie_busy', `Genie is answering ${inFlight} questions already; ask again shortly.`);
      inFlight++;
      try {
        return c.json(await genie.ask(question));
      } catch (e) {
        if (!(e instanceof GenieError)) throw e;
        console.warn(`Ask LineSync: ${e.message}`);
        const details = e.conversationId ? { conversation_id: e.conversationId } : undefined;
        if (e.kind === 'timeout') throw new ApiError(504, 'genie_timeout', e.message, details);
        throw new ApiError(502, e.kind === 'failed' ? 'genie_failed' : 'genie_unavailable', e.message, details);
      } finally {
        inFlight--;
      }
    });
}
