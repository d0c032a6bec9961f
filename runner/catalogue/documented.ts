/**
 * Which functions each manual documents: the page names and the prototypes
 * of every page of a manual (catalogued or not), so a build that lacks a
 * function can be told apart from a build that lacks a documented one.
 * runner/core/documented.ts holds the checked-in table; documented.test.ts
 * holds it against the pages.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SHARED_DIR } from '../core/paths.js';
import type { Manual } from '../core/documented.js';

/** the page files of each libpmemset manual */
export function manualFiles(manual: Manual): string[] {
  const dir = (d: string) =>
    fs
      .readdirSync(path.join(SHARED_DIR, d))
      .filter((f) => f.endsWith('.md'))
      .map((f) => path.join(SHARED_DIR, d, f));
  if (manual === 'libpmemset-1.11')
    return [...dir('reference/libpmemset/v1.11.0'), path.join(SHARED_DIR, 'seeds/pmemset_part_map.3-v1.11.txt')];
  return [...dir('reference/libpmemset/man'), path.join(SHARED_DIR, 'seeds/pmemset_map.3.txt')];
}

const PROTOTYPE =
  /^\s*(?:const\s+)?(?:struct\s+\w+|enum\s+\w+|unsigned|int|void|char|size_t|bool|uint64_t|pmemset_\w+)\s*\**\s*(pmemset_\w+)\s*\(/gm;
/* PMDK's markdown writes the U/W variants' prototypes as _UWFUNC(name, ...) or _UWFUNCR1(type, name, ...) */
const UWFUNC = /_UWFUNC\w*\((?:[^,()]*,\s*)?(pmemset_\w+)/g;

/** documentedBy -- the functions a set of pages documents: each page's own name and every prototype in it */
export function documentedBy(files: string[]): string[] {
  const out = new Set<string>();
  for (const f of files) {
    const page = path.basename(f).replace(/\.\d.*$/, '');
    if (page.startsWith('pmemset_')) out.add(page);
    const text = fs.readFileSync(f, 'utf8');
    for (const m of text.matchAll(PROTOTYPE)) out.add(m[1]!);
    for (const m of text.matchAll(UWFUNC)) out.add(m[1]!);
  }
  return [...out].sort();
}
