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
      'analysis', 'calls', 'compiles', 'deopts', 'fallbacks', 'hint', 'id', 'name', 'native', 'observedTier', 'pinned', 'profiled',
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

describe('stats({ flat: true }), for console.table', () => {
  it('gives the same records with scalar fields only', () => {
    jitFocus(fresh('flatScalar'), { profile: true })(1);
    const row = stats({ flat: true }).filter((r) => r.name === 'flatScalar').pop()!;
    assert.deepEqual(Object.entries(row).filter(([, v]) => typeof v === 'object' && v !== null), []);
  });

  it('counts what stats() lists: tier changes, fallbacks, warnings', () => {
    jitFocus(fresh('flatCounts', 'debugger; return x;'), { tier: 'noop' });
    const full = recordNamed('flatCounts');
    const row = stats({ flat: true }).filter((r) => r.name === 'flatCounts').pop()!;
    assert.deepEqual([row.tierChanges, row.fallbacks, row.warnings, row.warmup, row.hint],
      [full.tierChanges.length, full.fallbacks.length, full.warnings.length, full.warmup.state, full.hint]);
  });

  it('shows no [Object] or [Array] cell in console.table', () => {
    const script = `
      const { jitFocus, jitOnce, stats } = require(${JSON.stringify(path.join(__dirname, '..', 'lib', 'index.js'))});
      jitFocus(function tableOne(x) { return x; }, { profile: true, samples: [[1]] })(2);
      jitOnce(function tableTwo(x) { return x; });
      console.table(stats({ flat: true }));`;
    const run = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 20_000 });
    assert.equal(run.status, 0, run.stderr);
    assert.deepEqual([/tableOne/.test(run.stdout), /tableTwo/.test(run.stdout), /\[(Object|Array)\]/.test(run.stdout)], [true, true, false], run.stdout);
  });

  it('rejects options that are not { flat: boolean }', () => {
    assert.throws(() => stats({ flat: 1 as unknown as boolean }), { name: 'TypeError', message: "stats: option 'flat' must be true or false, got number 1" });
    assert.throws(() => stats({ flatt: true } as never), { name: 'TypeError', message: "stats: unknown option 'flatt'; known options: flat" });
    assert.throws(() => stats('flat' as never), { name: 'TypeError', message: 'stats: options must be an object like { flat: true }, got "flat"' });
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
    assert.match(header, /^name\s+hint\s+tier\s+calls\s+avg\s+max\s+observed\s+deopts\s+warm-up\s+notes$/);
  });

  it('has a rule under the header, then one line per function', () => {
    const lines = formatStats(records()).split('\n');
    assert.deepEqual([/^-+( +-+)+$/.test(lines[1]), lines[2].split(/\s+/)[0], lines[3].split(/\s+/)[0]],
      [true, 'tableFirst', 'tableSecondWithALongerName']);
  });

  it('aligns the columns: every row starts its hint column where the header does', () => {
    const lines = formatStats(records()).split('\n');
    const column = lines[0].indexOf('hint');
    assert.deepEqual(lines.slice(2, 4).map((line) => line.slice(column, column + 3)), ['jit', 'jit']);
  });

  it('prints - for the times of a function that is not profiled', () => {
    const row = formatStats(records()).split('\n')[3];
    assert.match(row, /jitOnce\s+\S+\s+-\s+-\s+-\s/);
  });

  it('says so when no function is hinted', () => {
    assert.equal(formatStats([]).split('\n')[2], '(no hinted functions)');
  });

  it('formats every record when given none, and takes the options alone', () => {
    assert.equal(formatStats({ details: false }), formatStats());
    assert.ok(formatStats().split('\n').some((line) => line.startsWith('tableFirst ')));
  });
});

describe('formatStats() fits 120 columns', () => {
  const widest = (text: string): number => Math.max(...text.split('\n').map((line) => line.length));
  let wordy: FunctionStats;
  before(() => {
    // A record with everything long: a reason, fallbacks and warnings of a few hundred characters.
    jitFocus(fresh('fitWordy', 'debugger; return arguments.length;'), { tier: 'noop' });
    const real = recordNamed('fitWordy');
    wordy = { ...real, reason: 'r'.repeat(300), fallbacks: ['v8: '.concat('f '.repeat(200))], warnings: [...real.warnings, 'w'.repeat(500)],
      calls: 123_456_789_012, deopts: 99_999_999, pinned: true, warmup: { ...real.warmup, state: 'pending', when: 'manual' } };
  });

  it('in the table, whatever the reasons, fallbacks and warnings', () => {
    assert.ok(widest(formatStats([wordy])) <= 120, formatStats([wordy]));
  });

  it('in the details section too', () => {
    assert.ok(widest(formatStats([wordy], { details: true })) <= 120, formatStats([wordy], { details: true }));
  });

  it('with every record jitctl holds', () => {
    assert.ok(widest(formatStats({ details: true })) <= 120);
  });

  it('with 10,000 records named with 100,000 characters (no "Invalid string length")', () => {
    const name = 'n'.repeat(100_000);
    const text = formatStats(Array.from({ length: 10_000 }, () => ({ ...wordy, name })));
    assert.deepEqual([widest(text), text.split('\n')[2].startsWith('nnn')], [120, true]);
  });

  it('with a hinted function whose own name has 100,000 characters', () => {
    const fn = fresh('hugeName');
    Object.defineProperty(fn, 'name', { value: 'h'.repeat(100_000) });
    jitIgnore(fn, { tier: 'noop' });
    assert.ok(widest(formatStats({ details: true })) <= 120);
  });

  it('puts a name with line breaks on one line', () => {
    const lines = formatStats([{ ...wordy, name: 'two\nlines' }]).split('\n');
    assert.match(lines[2], /^two lines /);
  });
});

describe('formatStats() details', () => {
  let record: FunctionStats;
  before(() => {
    jitFocus(fresh('detailed', 'debugger; return x;'), { tier: 'noop' });
    record = { ...recordNamed('detailed'), fallbacks: ['v8: a fallback reason'] };
  });

  it('leave the reason, fallbacks and warnings out of the table, and say where they are', () => {
    const text = formatStats([record]);
    assert.deepEqual([text.includes(record.reason), text.includes('a fallback reason'), text.includes('keeps V8 from optimizing'),
      text.split('\n').pop()], [false, false, false, '(reasons, fallbacks and warnings: formatStats({ details: true }))']);
  });

  it('count the warnings in the notes column', () => {
    assert.match(formatStats([record]).split('\n')[2], /1 warning$/);
  });

  it('with { details: true }, list the tier and its reason, each fallback and each warning under the name', () => {
    const section = formatStats([record], { details: true }).split('\n\n')[1].split('\n');
    assert.deepEqual(section.slice(0, 4), [
      `detailed (jitFocus, id ${record.id})`,
      `  tier noop: ${record.reason}`,
      '  fallback: v8: a fallback reason',
      `  warning: ${record.warnings[0]}`,
    ]);
  });

  it('with { details: true }, give the times, tier changes and warm-up', () => {
    const timed: FunctionStats = { ...record, time: { timedCalls: 4, minNs: 10, avgNs: 1500, maxNs: 2_500_000 },
      tierChanges: [{ from: 'interpreter', to: 'turbofan', atCall: 3 }], warmup: { state: 'failed', when: 'manual', calls: 2, ms: 0.5, error: 'sample call 2 threw Error: no' } };
    const text = formatStats([timed], { details: true });
    for (const line of ['  time: 4 timed calls, min 10 ns, avg 1.5 us, max 2.50 ms', '  tier changes: interpreter -> turbofan at call 3',
      '  warm-up (manual): failed, 2 calls, 0.50 ms: sample call 2 threw Error: no']) {
      assert.ok(text.split('\n').includes(line), `${line}\nnot in\n${text}`);
    }
  });
});

describe('formatStats() input', () => {
  it('rejects a record that is not a stats() record with a TypeError that names it', () => {
    assert.throws(() => formatStats([{}] as never), { name: 'TypeError', message: "formatStats: records[0] is not a stats() record: 'id' must be a number, got undefined" });
  });

  it('names the field that is wrong', () => {
    const good = stats()[0];
    assert.throws(() => formatStats([good, { ...good, warmup: null }] as never),
      { name: 'TypeError', message: "formatStats: records[1] is not a stats() record: 'warmup' must be { state, when, calls, ms }" });
    assert.throws(() => formatStats([{ ...good, time: { minNs: 1 } }] as never),
      { name: 'TypeError', message: "formatStats: records[0] is not a stats() record: 'time' must be null or { timedCalls, minNs, avgNs, maxNs } (numbers)" });
  });

  it('rejects a value that is neither records nor options', () => {
    assert.throws(() => formatStats('all' as never), { name: 'TypeError', message: 'formatStats: options must be an object like { details: true }, got "all"' });
    assert.throws(() => formatStats([null] as never), { name: 'TypeError', message: 'formatStats: records[0] is not a stats() record: it is null' });
  });

  it('rejects unknown and mistyped options', () => {
    assert.throws(() => formatStats({ detail: true } as never), { name: 'TypeError', message: "formatStats: unknown option 'detail'; known options: details" });
    assert.throws(() => formatStats([], { details: 'yes' } as never), { name: 'TypeError', message: "formatStats: option 'details' must be true or false, got \"yes\"" });
    assert.throws(() => formatStats({} as never, {}), { name: 'TypeError', message: 'formatStats: expected an array of stats() records as the first argument, got an object' });
  });
});
