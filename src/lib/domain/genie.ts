// Ask LineSync (the Genie space over the gold tables): the question the analytics page sends, and the answer the
// server gives back. Shared by server/features/analytics/genie-routes.ts and the page's question box.
import { z } from 'zod';

/** Questions longer than this are refused before Genie is asked: a question, not a document. */
export const MAX_QUESTION_CHARS = 500;

export const genieQuestionSchema = z.strictObject({
  question: z
    .string()
    .trim()
    .min(1, 'ask something')
    .max(MAX_QUESTION_CHARS, `at most ${MAX_QUESTION_CHARS} characters`)
});

export const genieAnswerSchema = z.strictObject({
  conversation_id: z.string(),
  message_id: z.string(),
  text: z.string().nullable(),
  sql: z.string().nullable(),
  description: z.string().nullable(),
  columns: z.array(z.string()),
  rows: z.array(z.array(z.string().nullable())),
  truncated: z.boolean(),
  suggested_questions: z.array(z.string())
});
export type GenieAnswerBody = z.infer<typeof genieAnswerSchema>;

/** GET /api/analytics/genie: whether a space is configured, and if not, how to set one up. */
export const genieStatusSchema = z.strictObject({
  configured: z.boolean(),
  setup: z.array(z.string()).optional()
});
export type GenieStatus = z.infer<typeof genieStatusSchema>;

export const GENIE_SETUP = [
  'Run the pipeline once so the gold tables exist (databricks bundle run analytics -t <target>).',
  'Include databricks.genie.yml in databricks.yml and deploy: it creates the "Ask LineSync" Genie space, gives the app CAN_RUN on it and sets GENIE_SPACE_ID in the app\'s config.',
  'Start the app again (databricks bundle run linesync -t <target>); off Databricks, set GENIE_SPACE_ID to the space id.',
  'docs/deploy.md, step 10, has the commands.'
];
