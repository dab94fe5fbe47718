// configure(), and the JITCTL / JITCTL_PROFILE environment variables that set its initial values.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { configure, jitFocus, jitIgnore } from '../lib/index.js';
import type { Config } from '../lib/index.js';
import { recordNamed } from './helpers/records.js';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const untyped = (value: unknown): any => value;

let serial = 0;
function fresh(name: string): (x: number) => number {
  return new Function(`return function ${name}(x) { return x + ${serial++} * 0; }`)() as (x: number) => number;
}

/** Runs `script` in a fresh Node with jitctl loaded as `jitctl` and the given environment; returns its JSON output. */
function inChild(env: Record<string, string>, script: string): { out: unknown; stderr: string } {
  const entry = JSON.stringify(path.join(__dirname, '..', 'lib', 'index.js'));
  const childEnv: NodeJS.ProcessEnv = { ...process.env, JITCTL: '', JITCTL_PROFILE: '', ...env };
  const run = spawnSync(process.execPath, ['-e', `const jitctl = require(${entry}); console.log(JSON.stringify((() => { ${script} })()));`],
    { encoding: 'utf8', env: childEnv, timeout: 20_000 });
  assert.equal(run.status, 0, run.stderr);
  return { out: JSON.parse(run.stdout) as unknown, stderr: run.stderr };
}

describe('configure()', () => {
  let saved: Readonly<Config>;
  beforeEach(() => { saved = configure(); });
  afterEach(() => { configure({ mode: saved.mode, profile: saved.profile }); });

  it('returns the current configuration when called without arguments', () => {
    assert.deepEqual(Object.keys(configure()).sort(), ['mode', 'profile']);
  });

  it('returns the configuration it set', () => {
    assert.deepEqual(configure({ mode: 'warmup', profile: true }), { mode: 'warmup', profile: true });
  });

  it('returns a frozen object', () => {
    assert.equal(Object.isFrozen(configure({ profile: false })), true);
  });

  it('keeps what a patch does not mention', () => {
    configure({ mode: 'off' });
    assert.equal(configure({ profile: true }).mode, 'off');
  });

  it("mode 'off' makes later hints return the function itself", () => {
    configure({ mode: 'off' });
    const fn = fresh('configOffFocus');
    assert.equal(jitFocus(fn), fn);
  });

  it("mode 'off' is reported as the reason", () => {
    configure({ mode: 'off' });
    jitFocus(fresh('configOffReason'));
    assert.match(recordNamed('configOffReason').reason, /off/);
  });

  it('does not change functions hinted before it', () => {
    jitIgnore(fresh('configBefore'));
    const tier = recordNamed('configBefore').tier;
    configure({ mode: 'off' });
    assert.equal(recordNamed('configBefore').tier, tier);
  });

  it('profile: true profiles functions hinted afterwards', () => {
    configure({ profile: true });
    jitFocus(fresh('configProfiled'));
    assert.equal(recordNamed('configProfiled').profiled, true);
  });

  it('the profile option overrides the global profile switch', () => {
    configure({ profile: true });
    jitFocus(fresh('configProfileOverride'), { profile: false });
    assert.equal(recordNamed('configProfileOverride').profiled, false);
  });

  const bad: Array<[string, unknown, typeof TypeError | typeof RangeError, RegExp]> = [
    ['a non-object', 'off', TypeError, /^configure\(\) expects an object/],
    ['null', null, TypeError, /^configure\(\) expects an object.*got null/],
    ['an unknown key', { mdoe: 'off' }, TypeError, /^configure\(\): unknown key 'mdoe'/],
    ['an unknown mode', { mode: 'fast' }, RangeError, /^configure\(\): 'mode' must be one of auto \| off \| warmup \| v8 \| jsc \| native, got "fast"/],
    ['a non-string mode', { mode: 0 }, TypeError, /^configure\(\): 'mode' must be one of/],
    ['a non-boolean profile', { profile: 'yes' }, TypeError, /^configure\(\): 'profile' must be true or false, got "yes"/],
  ];
  for (const [label, patch, errorClass, message] of bad) {
    it(`rejects ${label} with a ${errorClass.name}`, () => {
      assert.throws(() => configure(untyped(patch)), (error: unknown) => error instanceof errorClass && message.test((error as Error).message));
    });
  }

  it('leaves the configuration unchanged after a rejected patch', () => {
    const before = configure();
    assert.throws(() => configure(untyped({ profile: true, mode: 'bogus' })));
    assert.deepEqual(configure(), before);
  });
});

describe('environment variables', () => {
  it('JITCTL=off starts in mode off, where a hint returns the function itself', () => {
    const { out } = inChild({ JITCTL: 'off' }, 'const f = (x) => x; return [jitctl.configure().mode, jitctl.jitFocus(f) === f];');
    assert.deepEqual(out, ['off', true]);
  });

  for (const mode of ['auto', 'warmup', 'v8', 'native']) {
    it(`JITCTL=${mode} starts in mode ${mode}`, () => {
      assert.equal(inChild({ JITCTL: mode }, 'return jitctl.configure().mode;').out, mode);
    });
  }

  it('JITCTL is read case-insensitively', () => {
    assert.equal(inChild({ JITCTL: 'OFF' }, 'return jitctl.configure().mode;').out, 'off');
  });

  it('an unknown JITCTL value falls back to auto', () => {
    assert.equal(inChild({ JITCTL: 'turbo' }, 'return jitctl.configure().mode;').out, 'auto');
  });

  it('an unknown JITCTL value is reported as a warning, not an exception', () => {
    assert.match(inChild({ JITCTL: 'turbo' }, 'return 0;').stderr, /JitctlWarning: JITCTL="turbo" is not one of/);
  });

  it('JITCTL_PROFILE=1 profiles every hinted function', () => {
    const { out } = inChild({ JITCTL_PROFILE: '1' }, 'jitctl.jitFocus(function envProfiled(x) { return x; }); return jitctl.stats()[0].profiled;');
    assert.equal(out, true);
  });

  it('JITCTL_PROFILE=0 leaves profiling off', () => {
    assert.equal(inChild({ JITCTL_PROFILE: '0' }, 'return jitctl.configure().profile;').out, false);
  });

  it('no JITCTL_PROFILE leaves profiling off', () => {
    assert.equal(inChild({}, 'return jitctl.configure().profile;').out, false);
  });
});
