import fs from 'node:fs';
import path from 'node:path';
import { parsePage } from './parse.js';
import { PROJECT_ROOT } from '../core/paths.js';
import { NOT_CATALOGUED, PAGE_SOURCES, readSource, resolveSource, sourceLabel } from './sources.js';
import type { Catalogue, PageGap, PageSource } from '../core/catalogue.js';

export const CATALOGUE_FILE = path.join(PROJECT_ROOT, 'suites/catalogue.json');

export interface BuildOutcome {
  catalogue: Catalogue;
  /** sources that could not be read, with the reason */
  unreadable: { source: PageSource; reason: string }[];
}

export function buildCatalogue(sources: PageSource[] = PAGE_SOURCES): BuildOutcome {
  const clauses = [];
  const gaps: PageGap[] = [];
  const unreadable: BuildOutcome['unreadable'] = [];
  for (const src of sources) {
    let text: string;
    try {
      text = readSource(src);
    } catch (e) {
      unreadable.push({ source: src, reason: `${resolveSource(src)}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` });
      continue;
    }
    const r = parsePage(text, src, sourceLabel(src));
    clauses.push(...r.clauses);
    gaps.push(...r.gaps);
  }
  if (sources === PAGE_SOURCES) {
    for (const n of NOT_CATALOGUED) gaps.push({ page: n.page, version: 'man-1.12.1', what: `installed page not catalogued: ${n.why}` });
  }
  return { catalogue: { schema: 'pmem-conform-catalogue/1', clauses, gaps }, unreadable };
}

export function loadCatalogue(file = CATALOGUE_FILE): Catalogue {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Catalogue;
}

export function serialise(c: Catalogue): string {
  return `${JSON.stringify(c, null, 2)}\n`;
}
