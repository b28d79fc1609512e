// Lakebase passwords are OAuth tokens that live an hour. One cached token serves every new connection; it is
// renewed ahead of expiry, and concurrent callers share a single renewal.
import { randomUUID } from 'node:crypto';
import { WorkspaceClient } from '@databricks/sdk-experimental';
import type { LakebaseCredential } from '../config';

interface Token {
  token: string;
  expiresAt: number; // epoch ms
}

export type FetchToken = () => Promise<Token>;

const DEFAULT_TTL_MS = 60 * 60 * 1000;

export function createTokenCache(fetchToken: FetchToken, opts: { refreshAheadMs?: number; now?: () => number } = {}) {
  const refreshAheadMs = opts.refreshAheadMs ?? 5 * 60 * 1000;
  const now = opts.now ?? Date.now;
  let current: Token | null = null;
  let inFlight: Promise<Token> | null = null;

  return async function password(): Promise<string> {
    if (current && current.expiresAt - refreshAheadMs > now()) return current.token;
    inFlight ??= fetchToken()
      .then((t) => (current = t))
      .finally(() => (inFlight = null));
    return (await inFlight).token;
  };
}

function expiry(value: unknown): number {
  const t = typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(t) ? t : Date.now() + DEFAULT_TTL_MS;
}

/** Asks the workspace for a database credential, the way the credential kind needs. */
export function lakebaseTokenFetcher(
  credential: LakebaseCredential,
  client: WorkspaceClient = new WorkspaceClient({})
): FetchToken {
  if (credential.kind === 'provisioned') {
    return async () => {
      const res = await client.database.generateDatabaseCredential({
        instance_names: [credential.instance],
        request_id: randomUUID()
      });
      if (!res.token) throw new Error('Lakebase answered without a token (database/credentials)');
      return { token: res.token, expiresAt: expiry(res.expiration_time) };
    };
  }
  // The SDK has no service for Autoscaling credentials yet, so the documented endpoint goes through its apiClient,
  // which still does the workspace authentication.
  return async () => {
    const res = (await client.apiClient.request({
      path: '/api/2.0/postgres/credentials',
      method: 'POST',
      headers: new Headers({ Accept: 'application/json', 'Content-Type': 'application/json' }),
      raw: false,
      payload: { endpoint: credential.endpoint }
    })) as { token?: string; expire_time?: string };
    if (!res.token) throw new Error('Lakebase answered without a token (postgres/credentials)');
    return { token: res.token, expiresAt: expiry(res.expire_time) };
  };
}
