// No user input may reach one of V8's intrinsic misuses that abort the process (docs/v8.md). Each
// case runs in its own child process, so that an abort fails one test instead of killing mocha.
// The case hints the function with all three hints through the public surface and then calls it.

import { strict as assert } from 'node:assert';
import { CASES, PRELUDE } from './helpers/abort-cases.js';
import { describeChild, runChild } from './helpers/natives.js';

const CONFIGS: Array<{ name: string; execArgv?: string[]; env?: Record<string, string> }> = [
  { name: 'under --jitless on the command line', execArgv: ['--jitless'] },
  { name: 'under --jitless through NODE_OPTIONS', env: { NODE_OPTIONS: '--jitless' } },
  { name: 'with JITCTL=off', env: { JITCTL: 'off' } },
  { name: 'with --allow-natives-syntax already on the command line', execArgv: ['--allow-natives-syntax'] },
  { name: 'with V8 flags frozen (--freeze-flags-after-init)', execArgv: ['--freeze-flags-after-init'] },
  { name: 'with every hint forced to the v8 tier (JITCTL=v8)', env: { JITCTL: 'v8' } },
  { name: 'with code generation from strings disallowed', execArgv: ['--disallow-code-generation-from-strings'] },
];

function expectSurvives(code: string, options: { execArgv?: string[]; env?: Record<string, string> } = {}): void {
  const result = runChild(`${PRELUDE}\n${code}\nconsole.log('OK');`, options);
  assert.ok(result.status === 0 && result.signal === null && result.stdout.includes('OK'), describeChild(result));
}

// Builtins the guards rely on, replaced by a library before jitctl is imported or after it: the
// guards must not see through the replacements (they use a fresh realm's tools, lib/source/realm.ts).
const PATCHED: Record<string, { before?: string; after?: string }> = {
  'Function.prototype.toString hiding "[native code]", patched before import': {
    before: `
      const original = Function.prototype.toString;
      Function.prototype.toString = function () {
        const s = original.call(this);
        return s.includes('[native code]') ? 'function f() {}' : s;
      };`,
  },
  'RegExp.prototype.test and exec patched after import': {
    after: `
      const test = RegExp.prototype.test, exec = RegExp.prototype.exec;
      RegExp.prototype.test = function (s) { return String(this).includes('native code') ? false : test.call(this, s); };
      RegExp.prototype.exec = function (s) { return String(this).includes('native code') ? null : exec.call(this, s); };`,
  },
  'Set, WeakSet and WeakMap methods patched after import': {
    after: `
      Set.prototype.has = () => false;
      WeakSet.prototype.has = () => false;
      WeakMap.prototype.get = () => true;
      WeakMap.prototype.has = () => true;`,
  },
  'util.types.isProxy replaced after import': {
    after: `require('node:util').types.isProxy = () => false;`,
  },
};

const PATCHED_CASE = `
  function add(a, b) { return a + b; }
  hammer(all(add.bind(null, 1), { samples: [[2]] }), [2]);
  hammer(all(add.bind(null, 1)), [2]);
  hammer(all(new Proxy(add, {})), [1, 2]);
  hammer(all(Math.max, { samples: [[1, 2]] }), [1, 2], 200);
  const make = () => function (x) { return x * 2 + 1; };
  jitIgnore(make());
  hammer([jitFocus(make(), { samples: [[1], [2]] }), jitFocus(make())], [5]);
  const src = 'return x * 3 + 1';
  jitIgnore(new Function('x', src));
  hammer([jitFocus(new Function('x', src), { samples: [[1], [2]] })], [4]);`;

describe('safety: builtins patched around jitctl cannot defeat the guards', function () {
  this.timeout(60000);
  for (const [name, patch] of Object.entries(PATCHED)) {
    it(`survives hints with ${name}`, () => {
      const code = `${patch.before ?? ''}\n${PRELUDE}\n${patch.after ?? ''}\n${PATCHED_CASE}\nconsole.log('OK');`;
      const result = runChild(code);
      assert.ok(result.status === 0 && result.signal === null && result.stdout.includes('OK'), describeChild(result));
    });
  }
});

describe('safety: no hint can abort the process', function () {
  this.timeout(60000);

  describe('on the default runtime', () => {
    for (const [name, code] of Object.entries(CASES)) {
      it(`survives hints on ${name}`, () => expectSurvives(code));
    }
  });

  for (const config of CONFIGS) {
    describe(config.name, () => {
      // A case's own `new Function` throws EvalError where code generation from strings is disallowed.
      it('survives every case', () => expectSurvives(Object.values(CASES)
        .map((c) => `try { ${c} } catch (e) { if (!(e instanceof EvalError)) throw e; }`).join('\n'), config));
    });
  }
});
