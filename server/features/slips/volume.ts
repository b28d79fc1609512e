// Slip files in a Unity Catalog volume through the Files API (PUT/GET /api/2.0/fs/files{path}), sent through the
// SDK's apiClient: its files.upload drops the body in this SDK version, and a body must be the SDK's own stream type.
import { ReadableStream as SdkStream, WorkspaceClient } from '@databricks/sdk-experimental';
import { ApiError } from '../../http/errors';

const failed = (what: string, path: string, e: unknown) =>
  new ApiError(502, 'volume_failed', `Could not ${what} ${path} in the Unity Catalog volume: ${(e as Error).message}`);

export interface VolumeStore {
  put(name: string, bytes: Uint8Array, contentType: string): Promise<string>;
  get(path: string): Promise<Uint8Array>;
}

const VOLUME = /^\/Volumes\/[^/]+\/[^/]+\/[^/]+(\/[^/]+)*\/?$/;

export function isVolumePath(path: string): boolean {
  return VOLUME.test(path);
}

const encodePath = (path: string) => path.split('/').map(encodeURIComponent).join('/');

export function volumeStore(root: string, client: WorkspaceClient = new WorkspaceClient({})): VolumeStore {
  const base = root.replace(/\/+$/, '');
  return {
    async put(name, bytes, contentType) {
      const path = `${base}/${name}`;
      const body = new SdkStream<Uint8Array>({
        start(c) {
          c.enqueue(bytes);
          c.close();
        }
      });
      await client.apiClient
        .request({
          path: `/api/2.0/fs/files${encodePath(path)}`,
          method: 'PUT',
          query: { overwrite: 'true' },
          headers: new Headers({ 'Content-Type': 'application/octet-stream', 'X-LineSync-Content-Type': contentType }),
          raw: false,
          payload: body
        })
        .catch((e) => {
          throw failed('write', path, e);
        });
      return path;
    },
    async get(path) {
      const res = (await client.apiClient
        .request({
          path: `/api/2.0/fs/files${encodePath(path)}`,
          method: 'GET',
          headers: new Headers({ Accept: 'application/octet-stream' }),
          raw: true
        })
        .catch((e) => {
          throw failed('read', path, e);
        })) as { contents?: ReadableStream<Uint8Array> };
      if (!res.contents) throw new Error(`The volume answered without the contents of ${path}`);
      return new Uint8Array(await new Response(res.contents).arrayBuffer());
    }
  };
}
