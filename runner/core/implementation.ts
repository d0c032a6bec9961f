import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from './paths.js';

/** An implementation under test: which library, and the shared object loaded for it. */
export interface Implementation {
  /** "libpmem2" or "libpmemset" */
  name: string;
  /** the shared object loaded */
  path: string;
}

/** where each implementation is found when --impl names no path: the system libpmem2, our libpmemset */
export const DEFAULT_LIB: Record<string, string> = {
  libpmem2: 'libpmem2.so.1',
  libpmemset: path.join(PROJECT_ROOT, 'native/libpmemset/build/libpmemset.so.1'),
};

/**
 * companionLibpmem2 -- the libpmem2 a libpmemset build runs with: a build
 * named by path whose folder holds a libpmem2.so.1 (a PMDK tree's
 * src/nondebug) was linked against that one, and the pmem2 sources and
 * reservations the suites hand it must come from the same library;
 * otherwise the system's
 */
export function companionLibpmem2(impl: Implementation): string {
  if (impl.name !== 'libpmemset' || impl.path === DEFAULT_LIB.libpmemset) return DEFAULT_LIB.libpmem2!;
  const beside = path.join(path.dirname(impl.path), 'libpmem2.so.1');
  return fs.existsSync(beside) ? beside : DEFAULT_LIB.libpmem2!;
}
