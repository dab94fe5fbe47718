// The layout's dependency rule (docs/architecture.md), checked on lib/ as it is.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

const CHECK = path.join(__dirname, '..', '..', 'tools', 'check-imports.mjs');

describe('architecture', () => {
  it('lib/ imports only what docs/architecture.md allows, with no import cycle', () => {
    const r = spawnSync(process.execPath, [CHECK], { encoding: 'utf8' });
    assert.equal(r.stdout.trim().split('\n').filter((line) => !line.startsWith('check-imports:')).join('\n'), '');
  });
});
