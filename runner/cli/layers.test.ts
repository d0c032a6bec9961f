/**
 * The tree keeps its shape: folders form layers and nothing imports
 * upward (so the folder graph has no cycle), and no tracked file names the
 * absolute path of the checkout it was written in (a clone elsewhere would
 * fail on it).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { PROJECT_ROOT } from '../core/paths.js';

/** bottom to top; a folder may import only from folders of lower layers (and itself) */
const LAYERS: readonly (readonly string[])[] = [
  ['runner/core'],
  ['runner/catalogue', 'fixtures', 'reports'],
  ['suites', 'properties'],
  ['runner/engine'],
  ['runner/cli'],
];

const layerOf = new Map(LAYERS.flatMap((folders, i) => folders.map((f) => [f, i] as const)));

/** a file's folder: a top-level folder, or a sub-folder of runner/ */
function folderOf(rel: string): string {
  const parts = rel.split('/');
  return parts[0] === 'runner' && parts.length > 2 ? `runner/${parts[1]}` : parts[0]!;
}

function sources(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(path.join(PROJECT_ROOT, dir), { withFileTypes: true })) {
      const rel = path.join(dir, e.name);
      if (e.isDirectory()) walk(rel);
      else if (e.name.endsWith('.ts')) out.push(rel);
    }
  };
  for (const top of ['runner', 'suites', 'fixtures', 'properties', 'reports']) walk(top);
  return out;
}

/** every folder-to-folder import edge, with one file that makes it */
function folderEdges(): Map<string, string> {
  const edges = new Map<string, string>();
  for (const rel of sources()) {
    const text = fs.readFileSync(path.join(PROJECT_ROOT, rel), 'utf8');
    for (const m of text.matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']+)'/g)) {
      const target = path.normalize(path.join(path.dirname(rel), m[1]!));
      const a = folderOf(rel);
      const b = folderOf(target);
      if (a !== b && !edges.has(`${a} -> ${b}`)) edges.set(`${a} -> ${b}`, rel);
    }
  }
  return edges;
}

/** the edges that break the layering, each with the file that makes it */
function violations(edges: Map<string, string>): string[] {
  const wrong: string[] = [];
  for (const [edge, file] of edges) {
    const [a, b] = edge.split(' -> ') as [string, string];
    const la = layerOf.get(a);
    const lb = layerOf.get(b);
    if (la === undefined || lb === undefined) wrong.push(`${edge} (in ${file}): ${la === undefined ? a : b} is in no layer`);
    else if (lb >= la) wrong.push(`${edge} (in ${file}): imports ${lb === la ? 'sideways' : 'upward'}`);
  }
  return wrong;
}

test('every folder is in a layer, and no folder imports from its own layer or above', () => {
  const edges = folderEdges();
  assert.ok(edges.size > 0, 'found the import edges');
  assert.deepEqual(violations(edges), []);
});

test('the layer check fails on an upward, a sideways and an unknown import', () => {
  // the same check as above, fed edges the tree must never have
  const bad = new Map([
    [`${folderOf('runner/core/model.ts')} -> ${folderOf('runner/cli/main.ts')}`, 'runner/core/model.ts'],
    [`${folderOf('suites/pmem2_map_new.ts')} -> ${folderOf('properties/data_path.ts')}`, 'suites/pmem2_map_new.ts'],
    [`${folderOf('reports/html.ts')} -> ${folderOf('scripts/x.ts')}`, 'reports/html.ts'],
  ]);
  const wrong = violations(bad);
  assert.equal(wrong.length, 3, wrong.join('\n'));
  assert.match(wrong[0]!, /runner\/core -> runner\/cli .*upward/);
  assert.match(wrong[1]!, /suites -> properties .*sideways/);
  assert.match(wrong[2]!, /scripts is in no layer/);
});

test('no tracked file names the absolute path of this checkout', () => {
  let files: string[];
  try {
    files = execFileSync('git', ['ls-files'], { cwd: PROJECT_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  } catch {
    // an installed package has no git: nothing to check there
    return;
  }
  const hits = files.filter((f) => {
    const p = path.join(PROJECT_ROOT, f);
    if (!fs.existsSync(p) || fs.statSync(p).size > 2_000_000) return false;
    return fs.readFileSync(p, 'utf8').includes(PROJECT_ROOT);
  });
  assert.deepEqual(hits, [], `these files name ${PROJECT_ROOT}; a clone at another path would not have it`);
});
