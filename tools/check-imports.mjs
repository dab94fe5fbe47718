#!/usr/bin/env node
// Checks lib/ against the dependency rule of docs/architecture.md: no import cycle between modules,
// and every import between folders allowed by the table below. Type-only imports (`import type`)
// are erased by the compiler and do not count. Prints each violation; exits 1 if there is any.
//
//   node tools/check-imports.mjs          # check
//   node tools/check-imports.mjs --graph  # print the folder graph that lib/ has today
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lib = join(root, 'lib');

/** What each folder of lib/ may import ('.' is lib/ itself: entry points and shared modules). */
export const ALLOWED = {
  '.': ['.', 'hints', 'router', 'runtime', 'compiler', 'source', 'v8'],
  hints: ['.', 'router', 'runtime', 'source'],
  router: ['.', 'tiers', 'v8', 'compiler'],
  tiers: ['.', 'wrap', 'v8', 'runtime', 'source', 'compiler'],
  wrap: ['.'],
  runtime: ['.', 'wrap', 'v8', 'source'],
  v8: ['.', 'source'],
  source: ['.'],
  compiler: ['.', 'source'],
};

function files(dir) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return files(path);
    return /\.m?ts$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** lib/-relative module path -> the lib/-relative paths it imports at run time. */
function importGraph() {
  const graph = new Map();
  const pattern = /^\s*(import|export)\s+(?!type\b)(?:[^'";]*?\sfrom\s+)?['"](\.{1,2}\/[^'"]+)['"]/gm;
  for (const file of files(lib)) {
    const text = readFileSync(file, 'utf8');
    const from = relative(lib, file);
    const targets = [];
    for (const match of text.matchAll(pattern)) {
      const target = normalize(join(dirname(from), match[2])).replace(/\.m?js$/, (ext) => (ext === '.mjs' ? '.mts' : '.ts'));
      targets.push(target);
    }
    graph.set(from, targets);
  }
  return graph;
}

/** The top folder of a lib/-relative path ('.' for a file in lib/ itself). */
const folderOf = (path) => (path.includes('/') ? path.slice(0, path.indexOf('/')) : '.');

export function violations() {
  const graph = importGraph();
  const found = [];
  for (const [from, targets] of graph) {
    for (const to of targets) {
      const allowed = ALLOWED[folderOf(from)] ?? [];
      if (folderOf(from) !== folderOf(to) && !allowed.includes(folderOf(to))) {
        found.push(`lib/${from} imports lib/${to}: ${folderOf(from)}/ may not import ${folderOf(to)}/`);
      }
    }
  }
  // Cycles: a depth-first search that reports each back edge once, with the path it closes.
  const state = new Map();
  const stack = [];
  const visit = (node) => {
    state.set(node, 'open');
    stack.push(node);
    for (const next of graph.get(node) ?? []) {
      if (!graph.has(next)) continue;
      if (state.get(next) === 'open') found.push(`import cycle: ${[...stack.slice(stack.indexOf(next)), next].map((p) => `lib/${p}`).join(' -> ')}`);
      else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(node, 'done');
  };
  for (const node of graph.keys()) if (!state.has(node)) visit(node);
  return found;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  if (process.argv.includes('--graph')) {
    const edges = new Set();
    for (const [from, targets] of importGraph()) for (const to of targets) if (folderOf(from) !== folderOf(to)) edges.add(`${folderOf(from)} -> ${folderOf(to)}`);
    console.log([...edges].sort().join('\n'));
  } else {
    const found = violations();
    for (const line of found) console.log(line);
    console.log(found.length === 0 ? 'check-imports: lib/ follows docs/architecture.md' : `check-imports: ${found.length} violation(s)`);
    process.exitCode = found.length === 0 ? 0 : 1;
  }
}
