// Errors that say what went wrong: engine options are checked like the hints' options, the loader
// checks what it loaded and retries failures that may pass, a trace is checked before it is copied,
// and under --jitless the engine refuses to map code unless told it may.

import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { compile, configureEngine, engineConfig, TRACE_MAGIC } from '../../lib/engine.js';
import { ENGINE_MODULE, runNode } from './helpers.js';

const isTypeErrorNaming = (pattern: RegExp) => (e: unknown) => e instanceof TypeError && pattern.test(e.message);

describe('engine errors', () => {
  describe('configureEngine options', () => {
    it('refuse an unknown key, naming it (a misspelt maxExecutableBytes)', () => {
      assert.throws(() => configureEngine({ maxExecutablebytes: 4096 } as never),
        isTypeErrorNaming(/^configureEngine\(options\): unknown option 'maxExecutablebytes' \(known: maxExecutableBytes, allowJitless\)$/));
    });

    it('refuse an array', () => {
      assert.throws(() => configureEngine([1] as never), isTypeErrorNaming(/options must be a plain object, not an array/));
    });

    it('refuse a function', () => {
      assert.throws(() => configureEngine((() => 1) as never), isTypeErrorNaming(/options must be a plain object, not function/));
    });

    it('refuse an object of a class', () => {
      assert.throws(() => configureEngine(new (class { maxExecutableBytes = 1 << 20; })() as never),
        isTypeErrorNaming(/options must be a plain object, not an object that is not a plain object/));
    });

    it('ignore keys inherited from Object.prototype', () => {
      const saved = engineConfig().maxExecutableBytes;
      const proto = Object.prototype as Record<string, unknown>;
      proto.maxExecutableBytes = 4096;
      try {
        configureEngine({});
      } finally {
        delete proto.maxExecutableBytes;
      }
      assert.equal(engineConfig().maxExecutableBytes, saved);
    });

    it('refuse a value of the wrong type, naming the key', () => {
      assert.throws(() => configureEngine({ allowJitless: 'yes' as never }), isTypeErrorNaming(/^configureEngine\(options\): allowJitless must be true or false/));
    });
  });

  describe('a trace checked before it is copied', () => {
    it('a 3 GiB ArrayBuffer whose header declares a small trace is an ERR_JITCTL_INVALID_TRACE error, not an allocation failure', function () {
      this.timeout(150_000);
      // Under a 5.5 GB address-space limit Node and the buffer fit, a copy of the buffer does not:
      // only its header may be read.
      const child = runNode(`
        const { compile, TRACE_MAGIC } = require(${JSON.stringify(ENGINE_MODULE)});
        let buffer;
        try { buffer = new ArrayBuffer(3 * 2 ** 30); } catch { console.log('no buffer'); process.exit(0); }
        new Int32Array(buffer, 0, 8).set([TRACE_MAGIC | 0, 1, 1, 0, 0, 0, 0, 1]);
        try { compile(buffer); } catch (e) { console.log(e.code + ': ' + e.message); }
      `, { addressSpaceKiB: 5_500_000 });
      assert.equal(child.stdout, 'ERR_JITCTL_INVALID_TRACE: invalid trace: the header describes 10 words but the trace has 805306368\n', child.stderr);
    });

    it('a header beyond the limits is refused by the header alone', () => {
      const words = new Int32Array(8);
      words.set([TRACE_MAGIC | 0, 1, 1, 0, 0, 0, 0, 2 ** 30]);
      assert.throws(() => compile(words), (e: unknown) => e instanceof RangeError && /trace too long/.test(e.message));
    });
  });

  describe('the loader', () => {
    for (const [kind, file, content] of [['.js', 'not-an-addon.js', 'module.exports = { compile: 1 };'], ['.json', 'not-an-addon.json', '{"compile": true}']]) {
      it(`reports JITCTL_ADDON naming a ${kind} file as not loaded, and compile() says why`, function () {
        this.timeout(60_000);
        const path = join(tmpdir(), `jitctl-${process.pid}-${file}`);
        writeFileSync(path, content);
        let child;
        try {
          child = runNode(`
            const { compile, engineStatus, TraceBuilder } = require(${JSON.stringify(ENGINE_MODULE)});
            const status = engineStatus();
            let error;
            try { compile(new TraceBuilder().op('RETURN')); } catch (e) { error = e.message; }
            console.log(JSON.stringify({ loaded: status.loaded, error }));
          `, { env: { JITCTL_ADDON: path } });
        } finally {
          rmSync(path, { force: true });
        }
        assert.deepEqual(JSON.parse(child.stdout || 'null'), {
          loaded: false,
          error: `jitctl's native engine is not available: JITCTL_ADDON=${path} is not a native addon (a .node file)`,
        }, child.stderr);
      });
    }

    it('loads on a later call after a load failed for lack of file descriptors', function () {
      this.timeout(60_000);
      // Every descriptor is taken while the addon loads the first time (EMFILE), then given back.
      const child = runNode(`
        const { openSync, closeSync } = require('node:fs');
        const { engineStatus } = require(${JSON.stringify(ENGINE_MODULE)});
        const fds = [];
        try { for (;;) fds.push(openSync('/dev/null', 'r')); } catch {}
        const first = engineStatus();
        fds.forEach((fd) => closeSync(fd));
        console.log(JSON.stringify({ first: first.loaded, emfile: /EMFILE|too many open files/i.test(first.error || ''), later: engineStatus().loaded }));
      `);
      assert.deepEqual(JSON.parse(child.stdout || 'null'), { first: false, emfile: true, later: true }, child.stderr);
    });
  });

  describe('under --jitless', () => {
    const script = `
      const { compile, configureEngine, engineStatus, TraceBuilder } = require(${JSON.stringify(ENGINE_MODULE)});
      const b = () => { const t = new TraceBuilder(); const x = t.slot('f64'); return t.param(x).returns(x).op('RETURN'); };
      let refused;
      try { compile(b()); } catch (e) { refused = e.code; }
      const status = engineStatus();
      configureEngine({ allowJitless: true });
      console.log(JSON.stringify({ jitless: status.jitless, refusal: status.refusal, refused, allowed: compile(b()).call(2) }));
    `;
    const expected = {
      jitless: true,
      refusal: 'Node runs with --jitless, so jitctl maps no executable memory: configureEngine({ allowJitless: true }) to compile anyway',
      refused: 'ERR_JITCTL_JITLESS',
      allowed: 2,
    };

    it('refuses to compile unless allowJitless is set, and says so in engineStatus() (command line)', function () {
      this.timeout(60_000);
      const child = runNode(script, { args: ['--jitless'] });
      assert.deepEqual(JSON.parse(child.stdout || 'null'), expected, child.stderr);
    });

    it('detects --jitless given through NODE_OPTIONS, which process.execArgv does not show', function () {
      this.timeout(60_000);
      const child = runNode(script, { env: { NODE_OPTIONS: '--jitless' } });
      assert.deepEqual(JSON.parse(child.stdout || 'null'), expected, child.stderr);
    });
  });
});
