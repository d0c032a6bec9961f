/**
 * The manuals a clause can come from, and which functions each libpmemset
 * manual documents (generated from the pages by runner/catalogue/documented.ts;
 * documented.test.ts fails when this table no longer matches them).
 */
import type { Clause } from './catalogue.js';

/** libpmem2's pages; libpmemset's API 1.0 manual; the 1.11 manual of the older part API */
export type Manual = 'libpmem2' | 'libpmemset' | 'libpmemset-1.11';

/** manualOf -- the manual a clause's page copy belongs to */
export function manualOf(c: Pick<Clause, 'page' | 'version'>): Manual {
  if (!c.page.startsWith('pmemset_')) return 'libpmem2';
  return /-1\.11$/.test(c.version) ? 'libpmemset-1.11' : 'libpmemset';
}

// biome-ignore format: one generated line per manual
export const DOCUMENTED: Record<Exclude<Manual, 'libpmem2'>, readonly string[]> = {
  libpmemset: ["pmemset_badblock_clear","pmemset_config_delete","pmemset_config_new","pmemset_config_set_acceptable_states","pmemset_config_set_event_callback","pmemset_config_set_length","pmemset_config_set_offset","pmemset_config_set_required_store_granularity","pmemset_config_set_reservation","pmemset_deep_flush","pmemset_delete","pmemset_descriptor_part_map","pmemset_drain","pmemset_errormsg","pmemset_first_part_map","pmemset_flush","pmemset_get_store_granularity","pmemset_map","pmemset_map_config_delete","pmemset_map_config_new","pmemset_map_config_set_length","pmemset_map_config_set_offset","pmemset_memcpy","pmemset_memmove","pmemset_memset","pmemset_new","pmemset_next_part_map","pmemset_part_map_by_address","pmemset_part_map_drop","pmemset_perror","pmemset_persist","pmemset_remove_part_map","pmemset_remove_range","pmemset_set_contiguous_part_coalescing","pmemset_source_alignment","pmemset_source_delete","pmemset_source_from_file","pmemset_source_from_pmem2","pmemset_source_from_temporary","pmemset_source_pread_mcsafe","pmemset_source_pwrite_mcsafe","pmemset_source_set_badblock_detection","pmemset_source_set_sds","pmemset_xsource_from_file"],
  'libpmemset-1.11': ["pmemset_part_delete","pmemset_part_map","pmemset_part_new","pmemset_set_contiguous_part_coalescing","pmemset_source_delete","pmemset_source_from_file","pmemset_xsource_from_file"],
};
