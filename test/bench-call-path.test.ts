// The call-path benchmark (bench/call-path.ts): a quick run in a child process prints the table
// with every path of both shapes as a number (not its timings), bad arguments are refused, and the
// docs writer replaces its own section, appends one where there is none, and refuses broken markers.

import { strict as assert } from 'node:assert';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { docsSection, PATHS, replaceSection, SECTION_END, SECTION_START, SHAPES, type CallPathResults } from '../bench/call-path.js';
import { available } from '../lib/engine.js';

const RUNNER = path.join(__dirname, '..', 'bench', 'call-path.js');

function madeUp(): CallPathResults {
  return {
    runtime: 'Node v0.0.0 (V8 0.0)', arch: 'x64', quick: true, date: '2026-01-01T00:00:00.000Z',
    shapes: SHAPES.map((shape, i) => ({
      shape: shape.name,
      ns: { floor: 7 + i, call: 80, invoke: 37, dispatch: 38, wrapper: 2, plain: 1 },
      tierNs: 40 + i,
    })),
  };
}

describe('bench/call-path', () => {
  (available() ? it : it.skip)('prints a row per shape with a number for every path on a quick run', function () {
    this.timeout(120_000);
    const run = spawnSync(process.execPath, [RUNNER, '--quick'], { encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
    const rows = run.stdout.split('\n').filter((line) => SHAPES.some((s) => line.startsWith(`| ${s.name} |`)));
    assert.equal(rows.length, SHAPES.length, run.stdout);
    for (const row of rows) {
      const cells = row.split('|').slice(2, -1).map((c) => c.trim().replace(/\*/g, ''));
      assert.equal(cells.length, PATHS.length + 1, row);
      assert.ok(cells.every((c) => Number.isFinite(Number(c))), row);
      assert.ok(Number(cells[0]) > 0, `the floor is a positive time: ${row}`);
    }
  });

  it('refuses an unknown argument', () => {
    const run = spawnSync(process.execPath, [RUNNER, '--fast'], { encoding: 'utf8' });
    assert.notEqual(run.status, 0);
    assert.match(run.stderr, /unknown argument --fast \(known: --quick --json file --write-docs\)/);
  });

  it('writes its section between its markers, or appends it under its heading', () => {
    const section = docsSection(madeUp());
    assert.ok(section.startsWith(SECTION_START) && section.endsWith(SECTION_END));
    assert.match(section, /\| two numbers \(f64, f64\) -> f64 \| 7\.0 \| 80\.0 \| 37\.0 \| 38\.0 \| 2\.0 \| 1\.0 \| \*\*40\.0\*\* \|/);
    const before = `# Benchmarks\n\ntext\n\n${SECTION_START}\nold\n${SECTION_END}\n\nafter\n`;
    assert.equal(replaceSection(before, section, '## heading'), `# Benchmarks\n\ntext\n\n${section}\n\nafter\n`);
    assert.equal(replaceSection('# Benchmarks\n', section, '## heading'), `# Benchmarks\n\n## heading\n\n${section}\n`);
    assert.throws(() => replaceSection(`x\n${SECTION_END}\n${SECTION_START}\n`, section, '## heading'), /markers are broken/);
  });
});
