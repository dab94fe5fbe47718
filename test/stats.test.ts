// stats(): one record per hinted function, handed out as copies; formatStats(): an aligned table.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { formatStats, jitFocus, jitIgnore, jitOnce, stats } from '../lib/index.js';
import type { FunctionStats } from '../lib/index.js';
import { recordNamed } from './helpers/records.js';

let serial = 0;
function fresh(name: string, body = 'return x;'): (x: number) => number {
  return new Function(`return function ${name}(x) { ${body} /* ${serial++} */ }`)() as (x: number) => number;
}

describe('stats() records', () => {
  it('has one record per hinted function', () => {
    const before = stats().length;
    jitFocus(fresh('statsOne'));
    jitIgnore(fresh('statsTwo'));
    assert.equal(stats().length, before + 2);
  });

  it('reports name, hint, tier and the reason for the tier', () => {
    jitOnce(fresh('statsFields'), { tier: 'noop' });
    const { name, hint, tier, reason } = recordNamed('statsFields');
    assert.deepEqual({ name, hint, tier, reason: typeof reason }, { name: 'statsFields', hint: 'jitOnce', tier: 'noop', reason: 'string' });
  });

  it('carries every documented field', () => {
    jitFocus(fresh('statsShape'));
    assert.deepEqual(Object.keys(recordNamed('statsShape')).sort(), [
      'analysis', 'calls', 'compiles', 'deopts', 'fallbacks', 'hint', 'id', 'name', 'observedTier', 'pinned', 'profiled',
      'reason', 'tier', 'tierChanges', 'time', 'warmup', 'warnings',
    ]);
  });

  it('reports no time for a function that is not profiled', () => {
    jitFocus(fresh('statsUnprofiled'), { profile: false })(1);
    assert.equal(recordNamed('statsUnprofiled').time, null);
  });

  it('reports min <= avg <= max for a profiled function', () => {
    const f = jitFocus(fresh('statsTimed'), { profile: true });
    for (let i = 0; i < 50; i++) f(i);
    const time = recordNamed('statsTimed').time!;
    assert.ok(time.minNs <= time.avgNs && time.avgNs <= time.maxNs, JSON.stringify(time));
  });

  it('shows the source analysis findings', () => {
    jitFocus(fresh('statsAnalysis', 'debugger; return x;'), { tier: 'noop' });
    assert.deepEqual(recordNamed('statsAnalysis').analysis?.defeats.map((d) => d.construct), ['debugger']);
  });

  it('warns about a construct that keeps V8 from optimizing a focused function', () => {
    jitFocus(fresh('statsDefeatWarning', 'return arguments.length;'), { tier: 'noop' });
    assert.ok(recordNamed('statsDefeatWarning').warnings.some((w) => w.startsWith("'arguments' at 1:")));
  });

  it('warns that callers can no longer inline a function jitIgnore never-optimized', function () {
    jitIgnore(fresh('statsInlineWarning'));
    const record = recordNamed('statsInlineWarning');
    if (record.tier !== 'v8') this.skip(); // only the v8 tier never-optimizes
    assert.ok(record.warnings.some((w) => w.includes('callers can no longer inline it')));
  });

  it('returns copies: mutating a record changes nothing jitctl keeps', () => {
    jitFocus(fresh('statsCopy'));
    const copy = recordNamed('statsCopy');
    copy.name = 'changed';
    copy.warnings.push('changed');
    copy.warmup.calls = 1234;
    copy.analysis?.params.push('changed');
    const again = recordNamed('statsCopy');
    assert.deepEqual([again.warnings.includes('changed'), again.warmup.calls, again.analysis?.params], [false, 0, ['x']]);
  });

  it('returns a new array on every call', () => {
    assert.notEqual(stats(), stats());
  });
});

describe('stats() stays bounded when a hint is applied in a loop', () => {
  // In a child process: dropping records here would drop other test files' records too.
  let child: { records: number; table: string };
  before(() => {
    const script = `
      const { jitIgnore, stats, formatStats } = require(${JSON.stringify(path.join(__dirname, '..', 'lib', 'index.js'))});
      for (let i = 0; i < 13000; i++) jitIgnore((x) => x + i, { tier: 'noop' });
      console.log(JSON.stringify({ records: stats().length, table: formatStats().split('\\n').pop() }));`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(run.status, 0, run.stderr);
    child = JSON.parse(run.stdout) as typeof child;
  });

  it('keeps at most 12,500 records after 13,000 hints', () => {
    assert.ok(child.records <= 12_500, `${child.records} records`);
  });

  it('says in formatStats() that older records were dropped', () => {
    assert.match(child.table, /older records dropped; at most 10000 are kept/);
  });
});

describe('formatStats()', () => {
  let listed: FunctionStats[] = [];
  before(() => {
    jitFocus(fresh('tableFirst'), { profile: true })(1);
    jitOnce(fresh('tableSecondWithALongerName'), { maxDeopts: 2 });
    listed = stats().filter((s) => s.name === 'tableFirst' || s.name === 'tableSecondWithALongerName');
  });
  const records = (): FunctionStats[] => listed;

  it('starts with a header line naming the columns', () => {
    const header = formatStats(records()).split('\n')[0];
    assert.match(header, /^name\s+hint\s+tier\s+calls\s+min\s+avg\s+max\s+observed\s+changes\s+deopts\s+compiles\s+warm-up\s+notes$/);
  });

  it('has a rule under the header, then one line per function', () => {
    const lines = formatStats(records()).split('\n');
    assert.deepEqual([lines.length, /^-+( +-+)+$/.test(lines[1]), lines[2].split(/\s+/)[0], lines[3].split(/\s+/)[0]],
      [4, true, 'tableFirst', 'tableSecondWithALongerName']);
  });

  it('aligns the columns: every row starts its hint column where the header does', () => {
    const lines = formatStats(records()).split('\n');
    const column = lines[0].indexOf('hint');
    assert.deepEqual(lines.slice(2).map((line) => line.slice(column, column + 3)), ['jit', 'jit']);
  });

  it('prints - for the times of a function that is not profiled', () => {
    const row = formatStats(records()).split('\n')[3];
    assert.match(row, /jitOnce\s+\S+\s+-\s+-\s+-\s+-/);
  });

  it('says so when no function is hinted', () => {
    assert.equal(formatStats([]).split('\n')[2], '(no hinted functions)');
  });
});
