/**
 * The one reading this harness holds of a store granularity the fixture
 * cannot give, used by the pmem2_map_new and
 * pmem2_config_set_required_store_granularity suites and by the property
 * model of pmem2_map_new.
 *
 * The pages: pmem2_config_set_required_store_granularity(3) sets "a maximum
 * permitted granularity"; libpmem2(7) says "the library will create
 * mappings where the new map granularity is lower or equal to the requested
 * one ... but not" the other way round; pmem2_map_new(3) says "for a
 * mapping to succeed, the config structure must have the granularity
 * parameter set to the appropriate level". Together they document the
 * refusal itself. pmem2_map_new(3)'s ERRORS names no code for it; the code
 * whose name and header comment say "granularity not supported",
 * PMEM2_E_GRANULARITY_NOT_SUPPORTED, is the one permitted. So:
 *
 *   required finer than the finest the fixture gives -> pmem2_map_new fails
 *     with PMEM2_E_GRANULARITY_NOT_SUPPORTED (a success is a divergence);
 *   otherwise -> it may succeed, with a granularity no coarser than required.
 */
export type GranularityName = 'BYTE' | 'CACHE_LINE' | 'PAGE';

export const GRANULARITY_ORDER: GranularityName[] = ['BYTE', 'CACHE_LINE', 'PAGE'];

export const GRANULARITY_RULE =
  'A required granularity finer than the finest the fixture gives is refused by pmem2_map_new with PMEM2_E_GRANULARITY_NOT_SUPPORTED (libpmem2(7): a map is never coarser than required; pmem2_map_new(3): the granularity must be appropriate for a mapping to succeed; the code is the one whose name says so, as pmem2_map_new(3) ERRORS names none); a granularity the fixture gives maps, no coarser than required.';

export const GRANULARITY_REFUSED = 'PMEM2_E_GRANULARITY_NOT_SUPPORTED';

/** finerThan -- is a a finer granularity than b? */
export function finerThan(a: GranularityName, b: GranularityName): boolean {
  return GRANULARITY_ORDER.indexOf(a) < GRANULARITY_ORDER.indexOf(b);
}

/**
 * granularityOutcome -- what pmem2_map_new may answer for a config requiring
 * `required` on a fixture whose finest granularity is one of `available`
 * (two when the fixture's persistence domain could not be read): the
 * refusal, the success, or either when the fixture is ambiguous
 */
export function granularityOutcome(required: GranularityName, available: GranularityName[]): { refused: boolean; permitted: string[] } {
  const refusedBy = available.filter((a) => finerThan(required, a));
  if (refusedBy.length === available.length) return { refused: true, permitted: [GRANULARITY_REFUSED] };
  if (refusedBy.length === 0) return { refused: false, permitted: ['0'] };
  return { refused: false, permitted: ['0', GRANULARITY_REFUSED] };
}

/**
 * judgeGranularity -- the rule's finding on one map attempt: undefined when
 * the answer (a code name and, for a map, its effective granularity) is one
 * the rule permits, else why not
 */
export function judgeGranularity(
  required: GranularityName,
  available: GranularityName[],
  observedName: string,
  effective?: GranularityName,
): string | undefined {
  const { permitted } = granularityOutcome(required, available);
  if (!permitted.includes(observedName)) {
    return `required ${required} on a fixture giving ${available.join(' or ')}: pmem2_map_new returned ${observedName}, the reading permits ${permitted.join(' or ')}`;
  }
  if (observedName === '0' && effective !== undefined && finerThan(required, effective)) {
    return `required ${required}, the map's granularity is the coarser ${effective}`;
  }
  return undefined;
}

/** what a fixture observed about itself that decides the granularity it grants (a subset of fixtures' Capabilities) */
export interface GranularityFacts {
  /** the kernel accepted MAP_SYNC for files of the fixture */
  mapSync: boolean;
  /** the fixture maps a device DAX node (always synchronous: no page cache between the map and the media) */
  devdax?: boolean;
  /** the region's persistence_domain as read from sysfs ("cpu_cache" is eADR); "none reported ..." or undefined when unread */
  persistenceDomain?: string;
  /** PMEM2_FORCE_GRANULARITY, when set */
  forcedGranularity?: string;
}

/**
 * grantedGranularity -- the finest granularity a shared map on a fixture
 * gets, from what the fixture observed about itself (libpmem2(7)): forced by
 * PMEM2_FORCE_GRANULARITY when set; PAGE when stores reach the media only
 * through the page cache (a file without MAP_SYNC: tmpfs, a filesystem
 * without DAX, virtio-pmem's DAX which refuses MAP_SYNC); otherwise, on a
 * device DAX or a file mapped with MAP_SYNC, BYTE when the persistence
 * domain is the CPU cache (eADR) and CACHE_LINE when it is the memory
 * controller. An unread domain leaves both CACHE_LINE and BYTE possible.
 */
export function grantedGranularity(f: GranularityFacts): GranularityName[] {
  if (f.forcedGranularity && (GRANULARITY_ORDER as string[]).includes(f.forcedGranularity)) return [f.forcedGranularity as GranularityName];
  if (!f.devdax && !f.mapSync) return ['PAGE'];
  if (f.persistenceDomain === 'cpu_cache') return ['BYTE'];
  if (f.persistenceDomain === undefined || f.persistenceDomain.startsWith('none reported')) return ['CACHE_LINE', 'BYTE'];
  return ['CACHE_LINE'];
}

/** grantedBecause -- the observations grantedGranularity read, in one phrase for a report */
export function grantedBecause(f: GranularityFacts): string {
  if (f.forcedGranularity) return `PMEM2_FORCE_GRANULARITY=${f.forcedGranularity}`;
  if (!f.devdax && !f.mapSync) return 'MAP_SYNC refused for files here (stores reach the media through the page cache)';
  const via = f.devdax ? 'device DAX' : 'MAP_SYNC accepted';
  return `${via}, persistence_domain ${f.persistenceDomain ?? 'unread'}`;
}
