/**
 * What pmem2_source_device_id(3), pmem2_source_device_usc(3) and
 * pmem2_source_numa_node(3) share: the hardware behind a source is known
 * only where the fixture is persistent memory that libndctl describes; the
 * errors of the calls libpmem2 makes to find out are not provokable from
 * outside (the library keeps what it learnt of the descriptor when the
 * source was made, so closing or re-opening the descriptor changes nothing).
 */
import type { CaseDef } from './framework.js';

/** notProvoked -- a case whose failing call cannot be made to fail from outside the library */
export function notProvoked(key: string, why: string): CaseDef {
  return { key, situation: why, run: () => ({ skip: `${why}; not provoked` }) };
}

/** the fixture is persistent memory ndctl can describe (device DAX, or fsdax with MAP_SYNC) */
export function onPmem(caps: { devdax: boolean; mapSync: boolean }): boolean {
  return caps.devdax || caps.mapSync;
}
