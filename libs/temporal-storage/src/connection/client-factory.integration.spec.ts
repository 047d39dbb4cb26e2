import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { createClients, EMBEDDED_SERVER_SETTINGS, type ClickHouseHandle } from './client-factory';

describe('embedded ClickHouse clients', () => {
  let dataDir: string;
  let handles: ClickHouseHandle[];

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'tb-client-factory-'));
    handles = await createClients({ kind: 'embedded', dataDir, sessions: 2 }, 30_000);
  });

  afterAll(async () => {
    await Promise.all(handles.map((handle) => handle.client.close()));
    await rm(dataDir, { recursive: true, force: true });
  });

  it('run the engine with the small-process server settings, seen from every session', async () => {
    const names = Object.keys(EMBEDDED_SERVER_SETTINGS);
    for (const { client } of handles) {
      const result = await client.query({
        query: 'SELECT name, value FROM system.server_settings WHERE name IN {names:Array(String)}',
        query_params: { names },
        format: 'JSONEachRow',
      });
      const rows = await result.json<{ name: string; value: string }>();
      expect(Object.fromEntries(rows.map((row) => [row.name, Number(row.value)]))).toEqual(EMBEDDED_SERVER_SETTINGS);
    }
  });
});
