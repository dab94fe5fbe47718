// Without a JIT (--jitless, on the command line or through NODE_OPTIONS) there is nothing to
// control: every hint gets the noop tier (docs/decisions.md: warm-up measured no gain there), and
// jitctl never calls an intrinsic that aborts under --jitless (%CompileBaseline and friends).

import { strict as assert } from 'node:assert';
import { describeChild, runChild } from './helpers/natives.js';

const PROBE = `
  const { detect } = require(DETECT);
  const { jitFocus, jitIgnore, jitOnce, stats } = require(INDEX);
  const f = function (x) { return x * 2; };
  const same = [jitFocus(f, { samples: [[1], [2]] }), jitIgnore(f), jitOnce(f)].every((g) => g === f);
  for (let i = 0; i < 10000; i++) f(i);
  const d = detect();
  console.log(JSON.stringify({ jitless: d.jitless, turbofan: d.turbofan, same, tiers: stats().map((s) => s.tier) }));`;

function run(options: { execArgv?: string[]; env?: Record<string, string> }) {
  const r = runChild(PROBE, options);
  assert.equal(r.status, 0, describeChild(r));
  return JSON.parse(r.stdout.trim().split('\n').pop() ?? '{}') as { jitless: boolean; turbofan: boolean; same: boolean; tiers: string[] };
}

const WAYS: Array<[string, { execArgv?: string[]; env?: Record<string, string> }]> = [
  ['--jitless on the command line', { execArgv: ['--jitless'] }],
  ['--jitless through NODE_OPTIONS', { env: { NODE_OPTIONS: '--jitless' } }],
];

describe('jitless', function () {
  this.timeout(30000);

  for (const [how, options] of WAYS) {
    describe(how, () => {
      let result: ReturnType<typeof run>;
      before(() => { result = run(options); });
      it('is detected', () => assert.equal(result.jitless, true));
      it('shows TurboFan off', () => assert.equal(result.turbofan, false));
      it('gives every hint the noop tier', () => assert.deepEqual(result.tiers, ['noop', 'noop', 'noop']));
      it('returns the identical function from every hint', () => assert.equal(result.same, true));
    });
  }
});

describe('jitless: importing jitctl', function () {
  this.timeout(30000);

  // Node 20 and 22 print a warning of their own under --jitless, whatever the program: compare
  // with an empty program's output rather than with nothing.
  for (const [how, options] of WAYS) {
    it(`prints nothing that an empty program does not print (${how})`, () => {
      const empty = runChild('', options);
      const importing = runChild('require(INDEX); require(DETECT).detect();', options);
      assert.deepEqual([importing.stdout, importing.stderr], [empty.stdout, empty.stderr]);
    });
  }
});
