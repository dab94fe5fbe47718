// Kernels dropped by synchronous code do not fill the executable-memory cap: before refusing a
// compile, the engine frees every kernel whose JS object the garbage collector has collected
// (Node runs finalizers only on a later turn of the event loop, which a synchronous loop never
// reaches). At the cap, the error says what the cap is, what is live and how to raise it.
// The loops run in child processes with a small cap (1 MiB, about 10,000 small kernels).

import assert from 'node:assert/strict';

import { ENGINE_MODULE, runNode } from './helpers.js';

const PRELUDE = `
const { compile, configureEngine, engineStats, TraceBuilder } = require(${JSON.stringify(ENGINE_MODULE)});
configureEngine({ maxExecutableBytes: 1 << 20 });
function scaleBy(k) {
  const b = new TraceBuilder();
  const x = b.slot('f64'), c = b.slot('f64'), r = b.slot('f64');
  b.param(x).returns(r).op('CONST_F64', c, k).op('MUL_F64', r, x, c).op('RETURN');
  return compile(b);
}
const report = (run) => {
  try { run(); console.log('ok'); } catch (e) { console.log(e.name + ': ' + e.message); }
};
`;

describe('reclaiming dropped kernels', () => {
  it('lets a synchronous loop compile 5 times as many kernels as fit the cap, with gc() between them', function () {
    this.timeout(150_000);
    const child = runNode(`${PRELUDE}
      report(() => { for (let i = 0; i < 50000; i++) { scaleBy(i); if (i % 5000 === 0) gc(); } });
    `, { args: ['--expose-gc'] });
    assert.equal(child.stdout, 'ok\n', child.stderr);
  });

  it('lets a synchronous loop compile them without calling gc(), also when kernels live long enough to be promoted', function () {
    this.timeout(150_000);
    const child = runNode(`${PRELUDE}
      // Batches of 3,000 survive young-generation collections, so only a full one frees them.
      report(() => { let batch = []; for (let i = 0; i < 50000; i++) { batch.push(scaleBy(i)); if (batch.length === 3000) batch = []; } });
    `);
    assert.equal(child.stdout, 'ok\n', child.stderr);
  });

  it('reclaims kernels whose invoke functions live on; a reclaimed one throws a TypeError', function () {
    this.timeout(150_000);
    const child = runNode(`${PRELUDE}
      const kept = [];
      report(() => { for (let i = 0; i < 50000; i++) { kept.push(scaleBy(i).invoke); if (i % 5000 === 0) gc(); } });
      let ran = 0, freed = 0, other = 0;
      kept.forEach((invoke, i) => {
        try { if (invoke(2) === 2 * i) ran++; else other++; }
        catch (e) { if (e instanceof TypeError && /freed/.test(e.message)) freed++; else other++; }
      });
      console.log(freed > 40000, ran + freed === kept.length, other);
    `, { args: ['--expose-gc'] });
    assert.equal(child.stdout, 'ok\ntrue true 0\n', child.stderr);
  });

  it('still refuses at the cap when every kernel is live, saying what the cap is, what is live and how to raise it', function () {
    this.timeout(150_000);
    const child = runNode(`${PRELUDE}
      const live = [];
      report(() => { for (;;) live.push(scaleBy(live.length)); });
      console.log(live.length);
    `);
    const [message, kept] = child.stdout.split('\n');
    assert.match(message, new RegExp(`^RangeError: executable memory cap reached: 1048576 bytes mapped of the cap of 1048576 bytes, \\d+ more needed; ${kept} live kernels use \\d+ bytes .*Raise the cap with configureEngine\\(\\{ maxExecutableBytes \\}\\).* or free kernels with kernel\\.free\\(\\)$`));
  });
});
