// The typings accept exactly the supported uses: the pinned tsc compiles the fixtures in
// test/typecheck/ (against the built .d.ts files, as a user's compiler sees them), where every
// rejected use carries a @ts-expect-error that tsc reports as unused (TS2578) if the use compiles.

import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

function tsc(project: string): { status: number | null; output: string } {
  const run = spawnSync(process.execPath, [TSC, '-p', path.join(ROOT, 'test', 'typecheck', project)], { encoding: 'utf8', timeout: 60_000 });
  return { status: run.status, output: run.stdout + run.stderr };
}

describe('typings (pinned tsc on test/typecheck/)', function () {
  this.timeout(60_000);

  it('standard decorators, CommonJS and ESM typings: supported forms compile; fields, getters, setters, accessors and classes are rejected', () => {
    const run = tsc('tsconfig.standard.json');
    assert.equal(run.status, 0, run.output);
  });

  it('experimentalDecorators: supported forms compile; fields, getters, setters and classes are rejected', () => {
    const run = tsc('tsconfig.legacy.json');
    assert.equal(run.status, 0, run.output);
  });

  it('negative control: a @ts-expect-error on a supported use fails the check', () => {
    const run = tsc('tsconfig.negative.json');
    assert.deepEqual([run.status, /negative-control\.ts\(\d+,\d+\): error TS2578: Unused '@ts-expect-error' directive/.test(run.output)],
      [2, true], run.output);
  });

  describe('a misuse of the plain wrapper is one error, on its line, saying what is wrong (test/typecheck/misuse.ts)', () => {
    const source = fs.readFileSync(path.join(ROOT, 'test', 'typecheck', 'misuse.ts'), 'utf8').split('\n');
    const expected = source.flatMap((line, i) => {
      const marked = / \/\/ error: (.+)$/.exec(line);
      return marked ? [{ line: i + 1, code: line.slice(0, marked.index), says: marked[1] }] : [];
    });
    let output = '';
    before(() => { output = tsc('tsconfig.misuse.json').output; });

    it('never as a list of overloads', () => assert.doesNotMatch(output, /No overload matches this call/));

    it('with exactly one error per misuse', () => {
      const lines = Array.from(output.matchAll(/misuse\.ts\((\d+),\d+\): error/g), (m) => Number(m[1]));
      assert.deepEqual(lines, expected.map((e) => e.line), output);
    });

    for (const { line, code, says } of expected) {
      it(`${code.trim()}: ${says}`, () => {
        const header = output.split('\n').find((l) => l.includes(`misuse.ts(${line},`)) ?? '(no error on that line)';
        assert.ok(header.includes(says), header);
      });
    }
  });
});
