import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { test } from 'node:test';
import { BROKER_NODE_OPTIONS } from './node-options.js';

const ROOT = new URL('../../../', import.meta.url);

test('node-options - bin/mqbroker and npm start run node with the broker options', async () => {
  const shebang = (await readFile(new URL('bin/mqbroker', ROOT), 'utf8')).split('\n')[0] ?? '';
  const packageJson = JSON.parse(await readFile(new URL('package.json', ROOT), 'utf8')) as { scripts: Record<string, string> };
  const start = packageJson.scripts['start'] ?? '';
  assert.match(shebang, /^#!\/usr\/bin\/env -S node /);
  for (const option of BROKER_NODE_OPTIONS) {
    assert.ok(shebang.split(' ').includes(option), `bin/mqbroker's shebang lacks ${option}: ${shebang}`);
    assert.match(start, new RegExp(`node ${option} dist/src/bin/standalone\\.js`), `npm start lacks ${option}: ${start}`);
  }
});
