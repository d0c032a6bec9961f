/**
 * What pmem2_source_device_id(3), pmem2_source_device_usc(3) and
 * pmem2_source_numa_node(3) share: the hardware behind a source is known
 * only where the fixture is persistent memory that libndctl describes; the
 * errors of the calls libpmem2 makes to find out are not provokable from
 * outside (the library keeps what it learnt of the descriptor when the
 * source was made, so closing or re-opening the descriptor changes nothing).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { CaseDef } from './framework.js';

/**
 * notProvoked -- a case whose failing call cannot be made to fail from
 * outside the library: `technique` is the one considered, `why` says why it
 * cannot apply (runner/core/technique.ts)
 */
export function notProvoked(key: string, situation: string, technique: string, why: string): CaseDef {
  return { key, situation, run: () => ({ skip: `${situation}: ${why}`, technique }) };
}

/** the fixture is persistent memory ndctl can describe (device DAX, or fsdax with MAP_SYNC) */
export function onPmem(caps: { devdax: boolean; mapSync: boolean }): boolean {
  return caps.devdax || caps.mapSync;
}

/** readSysfs -- one sysfs attribute, trimmed; undefined when missing or unreadable */
function readSysfs(p: string): string | undefined {
  try {
    return fs.readFileSync(p, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** regionDimms -- the sysfs directories (nmemN) of the DIMMs the region's mappings lie on */
export function regionDimms(caps: { region?: string }): string[] {
  const out: string[] = [];
  if (!caps.region) return out;
  for (let i = 0; ; i++) {
    const m = readSysfs(path.join(caps.region, `mapping${i}`));
    if (m === undefined) break;
    const nmem = m.split(',')[0];
    if (nmem) out.push(fs.realpathSync(path.join(caps.region, '..', nmem)));
  }
  return out;
}

/**
 * regionFacts -- what sysfs says of the nd region behind a device DAX
 * fixture (caps.region, found by the fixture): its numa_node, and the ids
 * of the DIMMs its mappings lie on (nmemN/nfit/id, the "unique id" ndctl
 * shows and libpmem2 builds pmem2_source_device_id from)
 */
export function regionFacts(caps: { region?: string }): { region?: string; numaNode?: number; dimmIds: string[] } {
  if (!caps.region) return { dimmIds: [] };
  const numa = readSysfs(path.join(caps.region, 'numa_node'));
  const dimmIds: string[] = [];
  for (let i = 0; ; i++) {
    const m = readSysfs(path.join(caps.region, `mapping${i}`));
    if (m === undefined) break;
    const nmem = m.split(',')[0];
    const id = nmem ? readSysfs(path.join(caps.region, '..', nmem, 'nfit', 'id')) : undefined;
    if (id) dimmIds.push(id);
  }
  return { region: caps.region, ...(numa !== undefined && /^-?\d+$/.test(numa) ? { numaNode: Number(numa) } : {}), dimmIds };
}
