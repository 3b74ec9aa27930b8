import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(__dirname, '../..');

test('without Go and without a built FerretDB, the setup step stops with a clear message', () => {
  const tools = fs.mkdtempSync(path.join(os.tmpdir(), 'yyt-tools-'));
  const res = spawnSync(
    process.execPath,
    [path.join(root, 'node_modules/tsx/dist/cli.mjs'), path.join(root, 'bff/src/db/build-cli.ts')],
    {
      env: { PATH: path.dirname(process.execPath), YYT_TOOLS_DIR: tools, HOME: tools },
      encoding: 'utf8',
    },
  );
  fs.rmSync(tools, { recursive: true, force: true });
  expect(res.status).toBe(1);
  expect(res.stderr).toContain('Go is not installed');
  expect(res.stderr).toContain('MONGODB_URI');
});
