/**
 * How a suite declares its cases. A case is keyed by "<function>/<name>#<n>",
 * the tail of the clause ids of every copy of the page that documents it, so
 * searching for e.g. "pmem2_map_new/PMEM2_E_MAP_RANGE#2" finds both the
 * clause in suites/catalogue.json and the code that provokes it.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Clause } from '../runner/core/catalogue.js';
import type { Observed } from '../runner/core/model.js';
import type { Addon } from '../runner/core/native.js';
import type { Capabilities, Fixture } from '../fixtures/fixture.js';

import type { Implementation } from '../runner/core/implementation.js';

export type { Implementation };

export interface CaseContext {
  addon: Addon;
  fixture: Fixture;
  caps: Capabilities;
  impl: Implementation;
  clause: Clause;
  /** every clause of the catalogue (to ask what a page copy lists) */
  catalogue: readonly Clause[];
  /** a fresh file of `size` bytes in the fixture's directory, opened with `flags` */
  file(size: number, opts?: { flags?: string; mode?: number; dir?: string }): { path: string; fd: number };
  /**
   * the alignment a map of the fixture's medium needs: the page size for
   * files, the device's alignment (sysfs align, 2 MiB on the emulated
   * NVDIMM) on device DAX. Cases size, offset and place their maps in it.
   */
  unit: number;
  /**
   * what the case maps: a fresh file of `size` bytes on a file fixture; on a
   * device DAX fixture the device itself, opened with `flags` (a device
   * cannot be created or sized: `size` must fit in it, and the medium's
   * `size` is the device's, which a case that maps "the whole source" must
   * use instead of its request)
   */
  medium(size: number, opts?: { flags?: string }): Medium;
  /** run at the end of the case, last registered first, even when it throws */
  defer(fn: () => void): void;
}

export type Outcome =
  /** technique: the one considered for the situation, which the reason says cannot apply (runner/core/technique.ts) */
  | { skip: string; technique?: string }
  /** the library killed the process that made the call (a forked child): never a pass, never a divergence */
  | { crash: string; observed: Observed; permitted: string[]; technique?: string }
  | {
      observed: Observed;
      permitted: string[];
      /** a verdict-independent remark on the clause or the situation */
      note?: string;
      /** the case's own finding, overrides the code comparison (e.g. pointer not NULL) */
      failure?: string;
      /**
       * the part of the clause this fixture cannot show (e.g. write-back on tmpfs): a pass then
       * proves only the rest, so it does not count as a baseline entry no longer diverging
       */
      unchecked?: string;
      /** how the situation was provoked, when not naturally (runner/core/technique.ts) */
      technique?: string;
    };

export interface CaseDef {
  key: string;
  /** the situation built, in one line */
  situation: string;
  /** a phrase the clause text must contain, guarding against a reordered page */
  textMatches?: RegExp;
  /** the suite's reading of the clause, shown with the result */
  note?: string;
  /** 'devdax': the case also runs on device DAX fixtures, mapping the device (ctx.medium, ctx.unit) */
  fixtures?: 'files' | 'devdax';
  /** why the clause cannot apply to a device DAX source: the device-DAX fact, given as the skip reason there */
  notOnDevdax?: string;
  run(ctx: CaseContext): Outcome;
}

export interface Suite {
  /** suite name for --suite: the page it checks */
  name: string;
  /** implementation the suite drives */
  implementation: string;
  /** catalogue pages whose clauses the suite answers */
  pages: string[];
  cases: CaseDef[];
}

export function clauseKey(c: Clause): string {
  return `${c.function}/${c.name}#${c.ordinal}`;
}

/** what CaseContext.medium hands a case */
export interface Medium {
  path: string;
  fd: number;
  /** bytes the source holds: the request on files, the whole device on device DAX */
  size: number;
  /** the medium is a device DAX node, not a file */
  device: boolean;
}

/** the open flags of a device: it exists already, so a file's creating or truncating mode opens it read-write */
function deviceFlags(flags: string): string {
  return flags === 'r' ? 'r' : 'r+';
}

/**
 * makeMedium -- CaseContext.medium: a fresh file of `size` bytes in `dir`,
 * or, when the fixture is a device DAX (`caps.devdaxPath`), the device
 * opened with `flags`; throws when the device is smaller than the request
 * or the request is an empty source (a device has no size 0)
 */
export function makeMedium(dir: string, caps: Capabilities, size: number, flags = 'w+'): Medium {
  if (!caps.devdax || !caps.devdaxPath) return { ...makeFile(dir, size, flags), size, device: false };
  const devSize = caps.devdaxSize ?? 0;
  if (size === 0) throw new Error('a device DAX has no size 0: an empty source cannot be built from it');
  if (devSize > 0 && size > devSize) throw new Error(`the case needs ${size} bytes, the device DAX holds ${devSize}`);
  const fd = fs.openSync(caps.devdaxPath, deviceFlags(flags));
  return { path: caps.devdaxPath, fd, size: devSize || size, device: true };
}

/** helper for CaseContext.file: unique names per run */
let fileCounter = 0;
export function makeFile(dir: string, size: number, flags = 'w+', mode = 0o600): { path: string; fd: number } {
  const p = path.join(dir, `case-${process.pid}-${++fileCounter}`);
  const fd = fs.openSync(p, flags, mode);
  if (size > 0) fs.ftruncateSync(fd, size);
  return { path: p, fd };
}
