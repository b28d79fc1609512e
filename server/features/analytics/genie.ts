// Ask LineSync: one question to the Genie space over the gold tables, through the SDK's Genie Conversation API:
// start a conversation with the question, ask for its message until it is COMPLETED (or FAILED, CANCELLED, or the
// time-out passes), then read the answer's text, the SQL Genie ran and, for a query attachment, its result (the
// Statement Execution shape: manifest columns and JSON_ARRAY rows). The SDK does the workspace authentication (the
// app's service principal on Apps, which the "genie-space" app resource gives CAN_RUN).
import { WorkspaceClient } from '@databricks/sdk-experimental';

export interface GenieAnswer {
  conversation_id: string;
  message_id: string;
  /** Genie's answer in words (its first text attachment that is not a follow-up suggestion). */
  text: string | null;
  /** The SQL Genie wrote and ran, and its own description of it. */
  sql: string | null;
  description: string | null;
  columns: string[];
  rows: (string | null)[][];
  /** More rows were there than were kept (GENIE_ROW_LIMIT, or Genie's own limit). */
  truncated: boolean;
  suggested_questions: string[];
}

export type GenieFailure = 'failed' | 'timeout' | 'unavailable';

export class GenieError extends Error {
  constructor(
    readonly kind: GenieFailure,
    message: string,
    readonly conversationId?: string
  ) {
    super(message);
  }
}

export interface GenieOptions {
  spaceId: string;
  timeoutMs: number;
  pollMs: number;
  rowLimit: number;
  client?: WorkspaceClient;
}

export interface Genie {
  ask(question: string): Promise<GenieAnswer>;
}

interface Attachment {
  attachment_id?: string;
  text?: { content?: string; purpose?: string };
  query?: { query?: string; description?: string; title?: string; statement_id?: string };
  suggested_questions?: { questions?: string[] };
}
interface Message {
  conversation_id?: string;
  message_id?: string;
  status?: string;
  error?: { error?: string; type?: string };
  attachments?: Attachment[];
}
interface QueryResult {
  statement_response?: {
    manifest?: { schema?: { columns?: { name: string; position?: number }[] }; truncated?: boolean };
    result?: { data_array?: (string | null)[][] };
  };
}

const TERMINAL = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'QUERY_RESULT_EXPIRED']);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export function createGenie(opts: GenieOptions): Genie {
  let client = opts.client;
  const genie = () => (client ??= new WorkspaceClient({})).genie;
  const space_id = opts.spaceId;

  return {
    async ask(question) {
      const deadline = Date.now() + opts.timeoutMs;
      const seconds = Math.round(opts.timeoutMs / 1000);
      const asked: { conversationId?: string } = {}; // named in a time-out once known
      // Every call is bounded by what is left of the time-out, the SDK's own retries included.
      const call = async <T>(what: string, p: Promise<T>): Promise<T> => {
        let timer: NodeJS.Timeout | undefined;
        const left = deadline - Date.now();
        const late = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new GenieError('timeout', `Genie gave no answer within ${seconds} s.`, asked.conversationId)),
            Math.max(0, left)
          );
        });
        try {
          return await Promise.race([p, late]);
        } catch (e) {
          if (e instanceof GenieError) throw e;
          throw new GenieError('unavailable', `Genie could not be asked (${what}): ${(e as Error).message}`);
        } finally {
          clearTimeout(timer);
        }
      };

      const started = (await call(
        'start-conversation',
        genie().startConversation({ space_id, content: question })
      )) as { conversation_id?: string; message_id?: string; message?: Message };
      const { conversation_id, message_id } = started;
      if (!conversation_id || !message_id)
        throw new GenieError('unavailable', 'Genie started no conversation (no conversation_id or message_id).');
      asked.conversationId = conversation_id;

      let message: Message = started.message ?? {};
      while (!TERMINAL.has(message.status ?? '')) {
        if (Date.now() >= deadline)
          throw new GenieError(
            'timeout',
            `Genie gave no answer within ${seconds} s (still ${message.status ?? 'SUBMITTED'}).`,
            conversation_id
          );
        await sleep(Math.min(opts.pollMs, Math.max(0, deadline - Date.now())));
        message = (await call('get message', genie().getMessage({ space_id, conversation_id, message_id }))) as Message;
      }
      if (message.status !== 'COMPLETED') {
        const why = message.error?.error ?? message.error?.type;
        throw new GenieError(
          'failed',
          message.status === 'FAILED'
            ? `Genie could not answer${why ? `: ${why}` : '.'}`
            : `Genie's answer ended ${message.status}${why ? `: ${why}` : '.'}`,
          conversation_id
        );
      }

      const attachments = message.attachments ?? [];
      const text = attachments.find((a) => a.text?.content && a.text.purpose !== 'FOLLOW_UP_QUESTION')?.text?.content;
      const query = attachments.find((a) => a.query?.query);
      const answer: GenieAnswer = {
        conversation_id,
        message_id,
        text: text ?? null,
        sql: query?.query?.query ?? null,
        description: query?.query?.description ?? null,
        columns: [],
        rows: [],
        truncated: false,
        suggested_questions: attachments.flatMap((a) => a.suggested_questions?.questions ?? [])
      };
      if (query?.attachment_id) {
        const result = (await call(
          'query result',
          genie().getMessageAttachmentQueryResult({
            space_id,
            conversation_id,
            message_id,
            attachment_id: query.attachment_id
          })
        )) as QueryResult;
        const st = result.statement_response;
        answer.columns = (st?.manifest?.schema?.columns ?? [])
          .slice()
          .sort((a, b) => (a.position ?? 0) - (b.position ?? 0))
          .map((c) => c.name);
        const rows = st?.result?.data_array ?? [];
        answer.rows = rows.slice(0, opts.rowLimit);
        answer.truncated = rows.length > opts.rowLimit || st?.manifest?.truncated === true;
      }
      return answer;
    }
  };
}
