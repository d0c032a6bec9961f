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
