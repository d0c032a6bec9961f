/**
 * Protection, checked by touching memory in a forked child (the runner
 * itself never faults): a write to a mapping without PMEM2_PROT_WRITE, any
 * access to a PMEM2_PROT_NONE mapping, and an access past the end of a
 * mapping end in SIGSEGV or SIGBUS; allowed accesses complete.
 */
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import { codeName } from '../runner/core/constants.js';
import type { AccessKind } from '../runner/core/native.js';
import { C } from '../runner/core/observe.js';
import type { PropertyContext, PropertyDef } from './framework.js';
import { checkProperty, DivergenceError } from './framework.js';

interface Trial {
  pages: number;
  prot: { read: boolean; write: boolean; exec: boolean };
  kind: AccessKind;
  offset: number;
}

type Expected = 'completes' | 'faults' | 'either';

/** from pmem2_config_set_protection(3): "Pages may be read / written / not accessed" */
export function expectAccess(t: Trial): Expected {
  if (t.kind === 'read-past-end' || t.kind === 'write-past-end') return 'faults';
  const none = !t.prot.read && !t.prot.write && !t.prot.exec;
  if (none) return 'faults';
  if (t.kind === 'write') return t.prot.write ? 'completes' : 'faults';
  // a read of a write- or exec-only mapping: the page does not say; hardware often allows it
  return t.prot.read ? 'completes' : 'either';
}

let fileNo = 0;

export const protectionFaults: PropertyDef = {
  name: 'pmem2_map/protection',
  implementation: 'libpmem2',
  page: 'pmem2_config_set_protection(3) [model]',
  function: 'pmem2_map_new',
  title: 'accesses the protection forbids, and accesses past the end of a mapping, fault (in a child); permitted accesses complete',
  weight: 0.9,
  reads: 'pmem2_config_set_protection(3), pmem2_map_new(3)',
  run(ctx: PropertyContext) {
    const a = ctx.addon;
    const page = ctx.caps.pageSize;
    const arb = fc.record({
      pages: fc.integer({ min: 1, max: 3 }),
      prot: fc.record({ read: fc.boolean(), write: fc.boolean(), exec: fc.boolean() }),
      kind: fc.constantFrom<AccessKind>('read', 'write', 'read-past-end', 'write-past-end'),
      offset: fc.integer({ min: 0, max: page - 1 }),
    });
    // each trial forks: keep the count modest
    const capped = { ...ctx, fc: { ...ctx.fc, numRuns: Math.min(ctx.fc.numRuns, 60) } };
    return checkProperty(capped, arb, (t) => {
      const size = t.pages * page;
      const file = path.join(ctx.fixture.directory(), `prop-prot-${process.pid}-${++fileNo}`);
      const fd = fs.openSync(file, 'w+', 0o600);
      fs.ftruncateSync(fd, size);
      const src = a.sourceFromFd(fd).source!;
      const cfg = a.configNew().config!;
      try {
        a.configSetRequiredStoreGranularity(cfg, C.PAGE);
        const prot = ((t.prot.read ? C.PROT_READ : 0) | (t.prot.write ? C.PROT_WRITE : 0) | (t.prot.exec ? C.PROT_EXEC : 0)) >>> 0;
        a.configSetProtection(cfg, prot);
        const m = a.mapNew(cfg, src);
        if (m.code !== 0) throw new Error(`pmem2_map_new(prot 0x${prot.toString(16)}) failed: ${codeName(m.code)}`);
        try {
          const past = t.kind.endsWith('past-end');
          if (past && a.isMapped(a.mapGetAddress(m.map!) + BigInt(size + t.offset), 1)) return; // something else lives right after the map
          const r = a.forkAccess(m.map!, past ? t.offset : t.offset % size, 1, t.kind);
          const got = r.signal !== undefined ? 'faults' : r.exited === 0 ? 'completes' : `exited ${r.exited}`;
          const want = expectAccess(t);
          const protName = [t.prot.read && 'READ', t.prot.write && 'WRITE', t.prot.exec && 'EXEC'].filter(Boolean).join('|') || 'NONE';
          const situation = `${t.pages}-page map, PROT_${protName}, ${t.kind} at +${t.offset}`;
          if (want !== 'either' && got !== want) {
            throw new DivergenceError({
              situation,
              clause: 'pmem2_config_set_protection/RETURN VALUE#1',
              key: `${t.kind} ${want === 'faults' ? 'did not fault' : 'faulted'}`,
              message: `${situation}: the access ${got === 'faults' ? `faulted (${r.signalName})` : got}; the protection says it ${want === 'faults' ? 'must fault' : 'must complete'}`,
            });
          }
        } finally {
          a.mapDelete(m.map!);
        }
      } finally {
        a.configDelete(cfg);
        a.sourceDelete(src);
        fs.closeSync(fd);
        fs.rmSync(file, { force: true });
      }
    });
  },
};
