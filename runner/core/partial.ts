/**
 * Partial builds: a build that lacks some of the functions the binding
 * calls still loads (native/addon/missing.h), and a case that calls one
 * learns which. What that means depends on the pages in scope of the build:
 * a function the build's manual documents and the build lacks is a
 * divergence; one it does not document (the 1.11 part API in a build of API
 * 1.0, pmemset_err_to_errno, which no page documents) is a skip naming it.
 * A function the build's own header declares but the library does not
 * export is reported once for the build, as such, and each case that needs
 * it is a skip pointing there.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Catalogue, Clause } from './catalogue.js';
import type { Manual } from './documented.js';
import { DOCUMENTED, manualOf } from './documented.js';

/** what a build exports of what the binding calls */
export interface BuildExports {
  library: 'libpmem2' | 'libpmemset';
  /** the bound functions it does not export */
  missing: string[];
  /** of those, the ones its own header declares */
  declaredNotExported: string[];
  /** the header read (absent when none was found next to the build) */
  header?: string;
}

/** the error a call through a function the build does not export throws (native/addon/missing.cc) */
export interface MissingFunctionError extends Error {
  missingFunction: string;
  library: 'libpmem2' | 'libpmemset';
}

export function isMissingFunction(e: unknown): e is MissingFunctionError {
  return e instanceof Error && typeof (e as Partial<MissingFunctionError>).missingFunction === 'string';
}

/**
 * headerFor -- the header of a build named by path: PMDK's tree keeps it in
 * src/include beside src/nondebug, our libpmemset in native/libpmemset/include
 * beside build/; a build named by soname is the system's
 */
export function headerFor(library: string, libPath: string): string | undefined {
  const candidates = libPath.includes('/')
    ? [path.join(path.dirname(libPath), '../include', `${library}.h`), path.join(path.dirname(libPath), 'include', `${library}.h`)]
    : [`/usr/include/${library}.h`];
  return candidates.find((c) => fs.existsSync(c));
}

/** declaredFunctions -- the functions a header declares (prototypes; not typedefs, not macros) */
export function declaredFunctions(text: string): Set<string> {
  const code = text
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/\/\/.*$/gm, ' ')
    .replace(/^\s*#(?:.*\\\n)*.*$/gm, ' ');
  const out = new Set<string>();
  for (const stmt of code.split(/[;{}]/)) {
    if (/\btypedef\b/.test(stmt)) continue;
    const m = /\b(pmem(?:2|set)_\w+)\s*\(/.exec(stmt);
    if (m) out.add(m[1]!);
  }
  return out;
}

/** headerDeclarations -- what a build's header and the headers in its own folder (include/libpmem2/*.h) declare */
export function headerDeclarations(header: string, library: string): Set<string> {
  const files = [header];
  const sub = path.join(path.dirname(header), library);
  if (fs.existsSync(sub) && fs.statSync(sub).isDirectory())
    for (const f of fs.readdirSync(sub).sort()) if (f.endsWith('.h')) files.push(path.join(sub, f));
  const out = new Set<string>();
  for (const f of files) for (const n of declaredFunctions(fs.readFileSync(f, 'utf8'))) out.add(n);
  return out;
}

/** buildExports -- what a loaded build lacks, and which of that its header declares */
export function buildExports(library: 'libpmem2' | 'libpmemset', libPath: string, missing: string[]): BuildExports {
  const header = headerFor(library, libPath);
  const declared = header ? headerDeclarations(header, library) : new Set<string>();
  return {
    library,
    missing: [...missing],
    declaredNotExported: missing.filter((m) => declared.has(m)),
    ...(header ? { header } : {}),
  };
}

/** inScope -- whether a build implements the API of a manual: a build without its central function does not */
export function inScope(manual: Manual, build: BuildExports): boolean {
  if (manual === 'libpmemset') return !build.missing.includes('pmemset_map');
  if (manual === 'libpmemset-1.11') return !build.missing.includes('pmemset_part_new');
  return true;
}

/** documentedIn -- whether a manual documents a function (libpmem2: a catalogued page or function of it) */
export function documentedIn(manual: Manual, fn: string, catalogue: Catalogue): boolean {
  if (manual !== 'libpmem2') return DOCUMENTED[manual].includes(fn);
  return catalogue.clauses.some((c) => manualOf(c) === 'libpmem2' && (c.function === fn || c.page === fn));
}

const MANUAL_LABEL: Record<Manual, string> = {
  libpmem2: "libpmem2's pages",
  libpmemset: 'the libpmemset API 1.0 manual',
  'libpmemset-1.11': 'the libpmemset 1.11 manual',
};

/**
 * missingOutcome -- the verdict of a case of `clause` that called `fn`,
 * which the build does not export
 */
export function missingOutcome(
  clause: Pick<Clause, 'page' | 'version' | 'section'>,
  fn: string,
  build: BuildExports,
  catalogue: Catalogue,
): { verdict: 'skip' | 'diverge'; reason: string } {
  return missingVerdict(manualOf(clause), `${clause.page}(${clause.section}) [${clause.version}]`, fn, build, catalogue);
}

/** missingVerdict -- the same for a case read from `page` of `manual` (a property names its manual, not a copy) */
export function missingVerdict(
  manual: Manual,
  page: string,
  fn: string,
  build: BuildExports,
  catalogue: Catalogue,
): { verdict: 'skip' | 'diverge'; reason: string } {
  if (build.declaredNotExported.includes(fn))
    return {
      verdict: 'skip',
      reason: `${build.library} declares ${fn} in its header but does not export it (reported once for the build)`,
    };
  if (!inScope(manual, build))
    return {
      verdict: 'skip',
      reason: `the build does not export ${fn}: it does not implement ${MANUAL_LABEL[manual]}, which ${page} belongs to`,
    };
  if (documentedIn(manual, fn, catalogue))
    return { verdict: 'diverge', reason: `the build does not export ${fn}, which ${MANUAL_LABEL[manual]} documents` };
  return { verdict: 'skip', reason: `the build does not export ${fn}, which ${MANUAL_LABEL[manual]} does not document` };
}
