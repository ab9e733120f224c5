import { statusRead } from '../../../../openapi/client/sdk.gen';
import { call } from '../api/api-client';
import { formatBytes } from '@app/format';
import type { GroupDef } from './command.types';

const connection = (c: { connected: boolean; latency_ms: number | null }) =>
  c.connected ? `ok (${c.latency_ms ?? '?'} ms)` : 'NOT CONNECTED';
const bytes = (n: number | null) => (n === null ? '?' : formatBytes(n));

export const statusGroup: GroupDef = {
  name: 'status',
  summary: 'Server health, processes and storage (needs no credentials)',
  commands: [
    {
      name: '',
      summary: 'Server health, processes and storage (needs no credentials)',
      async run(ctx) {
        const status = await call(statusRead({ client: ctx.client }));
        if (ctx.output === 'json') return ctx.io.out(`${JSON.stringify(status, null, 2)}\n`);
        const { storage } = status;
        const lines = [
          `versions:        ${status.versions.map((v) => `${v.component} ${v.version}`).join(', ')}`,
          `database:        ${connection(status.database_connection)}`,
          `redis:           ${connection(status.redis_connection)}`,
          `api processes:   ${status.online_api_apps.length}`,
          `content apps:    ${status.online_content_apps.length}`,
          `workers:         ${status.online_workers.length}`,
          `content:         ${status.content_settings.content_origin}${status.content_settings.content_path_prefix}`,
          `storage (${storage.driver}): ${bytes(storage.used)} used, ${bytes(storage.free)} free of ${bytes(storage.total)}, ${bytes(storage.orphaned)} orphaned`,
          `storage at:      ${storage.location}${storage.reachable ? '' : ' (NOT REACHABLE)'}`,
        ];
        ctx.io.out(`${lines.join('\n')}\n`);
      },
    },
  ],
};
