/**
 * A stand-in device DAX for the tests that show a device-DAX case can fail
 * (devdax.test.ts, pmemset_devdax.test.ts): a regular file named as the
 * fixture's devdaxPath, so the real libraries map it as a file, with the
 * capabilities a device DAX fixture observes; an addon that tells the
 * truth or lies about chosen answers; and a case run with its context
 * built as runClause builds it.
 */
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Clause } from '../runner/core/catalogue.js';
import type { Addon } from '../runner/core/native.js';
import type { Capabilities, Fixture } from '../fixtures/fixture.js';
import type { CaseContext, Implementation, Outcome, Suite } from './framework.js';
import { makeFile, makeMedium } from './framework.js';

export const MiB = 1024 * 1024;
/** the stand-in's size: four units of the emulated NVDIMM's 2 MiB alignment */
export const STANDIN_SIZE = 8 * MiB;

export interface StandIn {
  dir: string;
  device: string;
  /** reset -- a fresh, zeroed stand-in, so no case sees what another wrote */
  reset(): void;
  /** caps -- the emulated NVDIMM's device DAX: 2 MiB alignment, STANDIN_SIZE bytes here */
  caps(extra?: Partial<Capabilities>): Capabilities;
}

/** standIn -- a stand-in device in a directory of its own, removed when the process exits */
export function standIn(prefix: string, pageSize: number): StandIn {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  process.on('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
  const device = path.join(dir, 'dax-standin');
  const reset = () => {
    fs.writeFileSync(device, '');
    fs.truncateSync(device, STANDIN_SIZE);
  };
  reset();
  return {
    dir,
    device,
    reset,
    caps: (extra = {}) => ({
      dax: false,
      mapSync: false,
      devdax: true,
      devdaxPath: device,
      devdaxAlignment: 2 * MiB,
      devdaxSize: STANDIN_SIZE,
      pageSize,
      filesystem: 'tmpfs',
      appendOnly: false,
      ...extra,
    }),
  };
}

/** lying -- an addon answering as `real`, but for the functions in `lies` */
export function lying(real: Addon, lies: Partial<Record<keyof Addon, unknown>>): Addon {
  return new Proxy(real, {
    get(t, k) {
      if (k in lies) return lies[k as keyof Addon];
      const v = (t as unknown as Record<string | symbol, unknown>)[k];
      return typeof v === 'function' ? v.bind(t) : v;
    },
  });
}

/** runStandInCase -- one case of `suite` on `caps`, its context built as runClause builds it, in `dir` */
export function runStandInCase(
  suite: Suite,
  key: string,
  o: { caps: Capabilities; addon: Addon; impl: Pick<Implementation, 'name' | 'path'>; dir: string },
): Outcome {
  const def = suite.cases.find((c) => c.key === key);
  assert.ok(def, `no case ${key}`);
  const { caps, addon, dir } = o;
  const cleanups: (() => void)[] = [];
  const fixture: Fixture = {
    name: 'standin',
    kind: caps.devdax ? 'devdax' : 'fsdax',
    setup: async () => undefined,
    capabilities: () => caps,
    directory: () => dir,
    teardown: async () => undefined,
  };
  const ctx: CaseContext = {
    addon,
    fixture,
    caps,
    impl: o.impl as CaseContext['impl'],
    clause: { function: key.split('/')[0], name: key, page: suite.pages[0], version: 'test' } as unknown as Clause,
    catalogue: [],
    file: (size, f = {}) => makeFile(f.dir ?? dir, size, f.flags, f.mode),
    unit: caps.devdax && caps.devdaxAlignment ? caps.devdaxAlignment : caps.pageSize,
    medium: (size, f = {}) => makeMedium(dir, caps, size, f.flags),
    defer: (fn) => cleanups.push(fn),
  };
  try {
    return def.run(ctx);
  } finally {
    for (const fn of cleanups.reverse()) fn();
  }
}
