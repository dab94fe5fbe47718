// Source analysis of a hinted function with a real JavaScript parser (acorn): its kind, its
// parameters, and the constructs that stop V8 from optimizing it, each with its position. Line and
// column are 1-based and relative to the function's own source text (Function.prototype.toString),
// since that is all a function object knows about where it came from.
//
// analyze() never throws: what it cannot analyze (native and bound functions, Proxies, source
// acorn cannot parse) comes back with analyzable: false and the reason.

import type * as acorn from 'acorn';
import { classifySource, isProxy } from './realm.js';
import { isNode, parseFunctionSource, type AnyNode, type ParsedFunction } from './parse.js';
import type { AnyFunction, SourceAnalysis, SourceFinding } from '../types.js';

/** Collects defeating constructs under `node`, staying inside the function that owns them. */
function collect(node: unknown, findings: Array<SourceFinding & { offset: number }>): void {
  if (Array.isArray(node)) {
    for (const child of node) collect(child, findings);
    return;
  }
  if (!isNode(node)) return;
  const found = (construct: string, at: acorn.Node = node): void => {
    findings.push({ construct, line: at.loc!.start.line, column: at.loc!.start.column + 1, offset: at.start });
  };
  switch (node.type) {
    // Nested functions and classes have their own `arguments` and their own optimization fate.
    case 'FunctionExpression': case 'FunctionDeclaration':
      return;
    case 'ClassExpression': case 'ClassDeclaration':
      collect(node.superClass, findings);
      return;
    case 'Identifier':
      if (node.name === 'arguments') found('arguments');
      return;
    case 'WithStatement':
      found('with');
      break;
    case 'DebuggerStatement':
      found('debugger');
      return;
    case 'CallExpression': {
      const callee = node.callee as AnyNode;
      if (callee.type === 'Identifier' && callee.name === 'eval') found('eval');
      if (callee.type === 'Identifier' && callee.name === 'Function') found('Function()');
      break;
    }
    case 'NewExpression': {
      const callee = node.callee as AnyNode;
      if (callee.type === 'Identifier' && callee.name === 'Function') found('new Function');
      break;
    }
    case 'MemberExpression':
      collect(node.object, findings);
      if (node.computed) collect(node.property, findings);
      return;
    case 'Property':
      if (node.computed) collect(node.key, findings);
      collect(node.value, findings);
      return;
    case 'LabeledStatement':
      collect(node.body, findings);
      return;
    case 'BreakStatement': case 'ContinueStatement': case 'MetaProperty':
      return;
  }
  for (const key of Object.keys(node)) {
    if (key === 'loc' || key === 'type') continue;
    const child = node[key];
    if (typeof child === 'object' && child !== null) collect(child, findings);
  }
}

function paramName(param: AnyNode, source: string): string {
  if (param.type === 'Identifier') return param.name as string;
  if (param.type === 'AssignmentPattern' && (param.left as AnyNode).type === 'Identifier') return (param.left as AnyNode).name as string;
  if (param.type === 'RestElement' && (param.argument as AnyNode).type === 'Identifier') return `...${(param.argument as AnyNode).name as string}`;
  return source.slice(param.start, param.end);
}

function analyzeRoot(root: ParsedFunction): SourceAnalysis {
  const { text, prefixLength } = root;
  const findings: Array<SourceFinding & { offset: number }> = [];
  let params: string[] = [];
  let fnNode = root.fn;
  if (root.cls) {
    for (const member of ((root.cls.body as AnyNode).body as AnyNode[])) {
      if (member.type === 'MethodDefinition') {
        const value = member.value as AnyNode;
        if (member.kind === 'constructor') params = (value.params as AnyNode[]).map((p) => paramName(p, text));
        if (member.computed) collect(member.key, findings);
        collect(value.params, findings);
        collect(value.body, findings);
      } else {
        collect(member, findings);
      }
    }
    collect(root.cls.superClass, findings);
    fnNode = undefined;
  }
  if (fnNode) {
    params = (fnNode.params as AnyNode[]).map((p) => paramName(p, text));
    collect(fnNode.params, findings);
    collect(fnNode.body, findings);
  }
  findings.sort((a, b) => a.offset - b.offset);
  return {
    analyzable: true,
    kind: root.shape,
    async: fnNode ? Boolean(fnNode.async) : false,
    generator: fnNode ? Boolean(fnNode.generator) : false,
    params,
    defeats: findings.map(({ construct, line, column }) => ({
      construct,
      line,
      // Undo the wrapper's prefix, which only shifts the first line.
      column: line === 1 ? column - prefixLength : column,
    })),
  };
}

function notAnalyzable(reason: string): SourceAnalysis {
  return { analyzable: false, reason, params: [], defeats: [] };
}

function analyzeSource(source: string): SourceAnalysis {
  const result = parseFunctionSource(source);
  if (!result.ok) return notAnalyzable(`source could not be parsed: ${result.error}`);
  return analyzeRoot(result.parsed);
}

// A hint applied in a loop analyzes the same source again and again; parse each text once.
const CACHE_LIMIT = 256;
const cache = new Map<string, SourceAnalysis>();

/** A deep copy of an analysis: what jitctl keeps never leaves through a caller's hands. */
export function copyAnalysis(analysis: SourceAnalysis): SourceAnalysis {
  return { ...analysis, params: analysis.params.slice(), defeats: analysis.defeats.map((d) => ({ ...d })) };
}

/** True for class constructors, which a hint must not wrap. */
export function isClass(fn: unknown): boolean {
  return classifySource(fn).kind === 'class';
}

/** Analyzes a function's source; never throws. */
export function analyze(fn: unknown): SourceAnalysis {
  try {
    const { kind, source } = classifySource(fn);
    if (kind === 'not-a-function') return notAnalyzable(`not a function (${fn === null ? 'null' : typeof fn})`);
    if (kind === 'proxy') return notAnalyzable(isProxy(fn) ? 'Proxy: its target is hidden' : 'no source text');
    if (kind === 'native') {
      const name = typeof (fn as AnyFunction).name === 'string' ? (fn as AnyFunction).name as string : '';
      return notAnalyzable(name.startsWith('bound ') ? 'bound function: no source' : 'native function: no source');
    }
    let analysis = cache.get(source);
    if (!analysis) {
      analysis = analyzeSource(source);
      if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value as string);
      cache.set(source, analysis);
    }
    return copyAnalysis(analysis);
  } catch (error) {
    return notAnalyzable(`analysis failed: ${error instanceof Error ? error.message : String(error)}`);
  }
}
