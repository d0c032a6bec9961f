/**
 * The pages in scope: the seed pages in ../shared/seeds (the specification
 * this project was started from) and the copies Debian installs with
 * libpmem2-dev. Each copy is catalogued on its own: copies differ (the
 * markdown source of pmem2_map_new has no "(Windows only)" qualifiers), and
 * that difference is itself something a reader must see.
 */
import fs from 'node:fs';
import zlib from 'node:zlib';
import type { PageSource } from '../core/catalogue.js';

import { SHARED_DIR } from '../core/paths.js';
export const MAN_DIR = process.env.PMEM_CONFORM_MAN ?? '/usr/share/man';

export const PAGE_SOURCES: PageSource[] = [
  { page: 'pmem2_map_new', section: '3', version: 'seed-txt', file: '${shared}/seeds/pmem2_map_new.3.txt', format: 'txt' },
  { page: 'pmem2_map_new', section: '3', version: 'seed-md', file: '${shared}/seeds/pmem2_map_new.3.md', format: 'md' },
  { page: 'pmem2_map_new', section: '3', version: 'man-1.12.1', file: '${man}/man3/pmem2_map_new.3.gz', format: 'roff' },
  {
    page: 'pmem2_vm_reservation_new',
    section: '3',
    version: 'seed-txt',
    file: '${shared}/seeds/pmem2_vm_reservation_new.3.txt',
    format: 'txt',
  },
  {
    page: 'pmem2_vm_reservation_new',
    section: '3',
    version: 'man-1.12.1',
    file: '${man}/man3/pmem2_vm_reservation_new.3.gz',
    format: 'roff',
  },
  // the installed libpmem2 pages the seed pages lead to (their SEE ALSO and the functions they use)
  {
    page: 'pmem2_vm_reservation_extend',
    section: '3',
    version: 'man-1.12.1',
    file: '${man}/man3/pmem2_vm_reservation_extend.3.gz',
    format: 'roff',
  },
  {
    page: 'pmem2_vm_reservation_map_find',
    section: '3',
    version: 'man-1.12.1',
    file: '${man}/man3/pmem2_vm_reservation_map_find.3.gz',
    format: 'roff',
  },
  { page: 'pmem2_map_delete', section: '3', version: 'man-1.12.1', file: '${man}/man3/pmem2_map_delete.3.gz', format: 'roff' },
  {
    page: 'pmem2_config_set_offset',
    section: '3',
    version: 'man-1.12.1',
    file: '${man}/man3/pmem2_config_set_offset.3.gz',
    format: 'roff',
  },
  {
    page: 'pmem2_config_set_length',
    section: '3',
    version: 'man-1.12.1',
    file: '${man}/man3/pmem2_config_set_length.3.gz',
    format: 'roff',
  },
  {
    page: 'pmem2_config_set_protection',
    section: '3',
    version: 'man-1.12.1',
    file: '${man}/man3/pmem2_config_set_protection.3.gz',
    format: 'roff',
  },
  {
    page: 'pmem2_config_set_sharing',
    section: '3',
    version: 'man-1.12.1',
    file: '${man}/man3/pmem2_config_set_sharing.3.gz',
    format: 'roff',
  },
  {
    page: 'pmem2_config_set_required_store_granularity',
    section: '3',
    version: 'man-1.12.1',
    file: '${man}/man3/pmem2_config_set_required_store_granularity.3.gz',
    format: 'roff',
  },
  {
    page: 'pmem2_config_set_vm_reservation',
    section: '3',
    version: 'man-1.12.1',
    file: '${man}/man3/pmem2_config_set_vm_reservation.3.gz',
    format: 'roff',
  },
  { page: 'pmem2_source_from_fd', section: '3', version: 'man-1.12.1', file: '${man}/man3/pmem2_source_from_fd.3.gz', format: 'roff' },
  { page: 'pmem2_source_size', section: '3', version: 'man-1.12.1', file: '${man}/man3/pmem2_source_size.3.gz', format: 'roff' },
  { page: 'pmem2_source_alignment', section: '3', version: 'man-1.12.1', file: '${man}/man3/pmem2_source_alignment.3.gz', format: 'roff' },
  { page: 'pmem2_deep_flush', section: '3', version: 'man-1.12.1', file: '${man}/man3/pmem2_deep_flush.3.gz', format: 'roff' },
  // the rest of the installed libpmem2 pages a map's user reads: error reporting, what a map reads back,
  // and the functions it hands out. pmem2_get_memcpy_fn.3.gz and pmem2_get_memset_fn.3.gz are symbolic
  // links to pmem2_get_memmove_fn.3.gz (one page documents the three), so that page is catalogued once:
  // its clauses about memcpy and memset name pmem2_get_memcpy_fn and pmem2_get_memset_fn.
  { page: 'pmem2_errormsg', section: '3', version: 'man-1.12.1', file: '${man}/man3/pmem2_errormsg.3.gz', format: 'roff' },
  { page: 'pmem2_perror', section: '3', version: 'man-1.12.1', file: '${man}/man3/pmem2_perror.3.gz', format: 'roff' },
  {
    page: 'pmem2_map_get_address',
    section: '3',
    version: 'man-1.12.1',
    file: '${man}/man3/pmem2_map_get_address.3.gz',
    format: 'roff',
  },
  { page: 'pmem2_map_get_size', section: '3', version: 'man-1.12.1', file: '${man}/man3/pmem2_map_get_size.3.gz', format: 'roff' },
  {
    page: 'pmem2_map_get_store_granularity',
    section: '3',
    version: 'man-1.12.1',
    file: '${man}/man3/pmem2_map_get_store_granularity.3.gz',
    format: 'roff',
  },
  { page: 'pmem2_get_persist_fn', section: '3', version: 'man-1.12.1', file: '${man}/man3/pmem2_get_persist_fn.3.gz', format: 'roff' },
  { page: 'pmem2_get_flush_fn', section: '3', version: 'man-1.12.1', file: '${man}/man3/pmem2_get_flush_fn.3.gz', format: 'roff' },
  { page: 'pmem2_get_drain_fn', section: '3', version: 'man-1.12.1', file: '${man}/man3/pmem2_get_drain_fn.3.gz', format: 'roff' },
  { page: 'pmem2_get_memmove_fn', section: '3', version: 'man-1.12.1', file: '${man}/man3/pmem2_get_memmove_fn.3.gz', format: 'roff' },
  // the installed pages PMDK's own libpmem2 tests exercise beyond the above: configs and sources made and
  // deleted, a source's descriptor, identity and NUMA node, mcsafe I/O, bad-block contexts, and maps made
  // over a user's own mapping. pmem2_config_delete.3.gz, pmem2_source_pwrite_mcsafe.3.gz and
  // pmem2_badblock_context_delete.3.gz are symbolic links to the first page of their group.
  { page: 'pmem2_config_new', section: '3', version: 'man-1.12.1', file: '${man}/man3/pmem2_config_new.3.gz', format: 'roff' },
  { page: 'pmem2_source_from_anon', section: '3', version: 'man-1.12.1', file: '${man}/man3/pmem2_source_from_anon.3.gz', format: 'roff' },
  { page: 'pmem2_source_get_fd', section: '3', version: 'man-1.12.1', file: '${man}/man3/pmem2_source_get_fd.3.gz', format: 'roff' },
  { page: 'pmem2_source_device_id', section: '3', version: 'man-1.12.1', file: '${man}/man3/pmem2_source_device_id.3.gz', format: 'roff' },
  {
    page: 'pmem2_source_device_usc',
    section: '3',
    version: 'man-1.12.1',
    file: '${man}/man3/pmem2_source_device_usc.3.gz',
    format: 'roff',
  },
  { page: 'pmem2_source_numa_node', section: '3', version: 'man-1.12.1', file: '${man}/man3/pmem2_source_numa_node.3.gz', format: 'roff' },
  {
    page: 'pmem2_source_pread_mcsafe',
    section: '3',
    version: 'man-1.12.1',
    file: '${man}/man3/pmem2_source_pread_mcsafe.3.gz',
    format: 'roff',
  },
  {
    page: 'pmem2_badblock_context_new',
    section: '3',
    version: 'man-1.12.1',
    file: '${man}/man3/pmem2_badblock_context_new.3.gz',
    format: 'roff',
  },
  {
    page: 'pmem2_map_from_existing',
    section: '3',
    version: 'man-1.12.1',
    file: '${man}/man3/pmem2_map_from_existing.3.gz',
    format: 'roff',
  },
  { page: 'pmemset_map', section: '3', version: 'seed-txt', file: '${shared}/seeds/pmemset_map.3.txt', format: 'txt' },
  { page: 'pmemset_map', section: '3', version: 'ref-md', file: '${shared}/reference/libpmemset/man/pmemset_map.3.md', format: 'md' },
  { page: 'pmemset_part_map', section: '3', version: 'seed-txt-1.11', file: '${shared}/seeds/pmemset_part_map.3-v1.11.txt', format: 'txt' },
  {
    page: 'pmemset_part_map',
    section: '3',
    version: 'ref-md-1.11',
    file: '${shared}/reference/libpmemset/v1.11.0/pmemset_part_map.3.md',
    format: 'md',
  },
  // the libpmemset pages pmemset_map(3) leads to (its SEE ALSO and the functions used with it)
  { page: 'pmemset_new', section: '3', version: 'ref-md', file: '${shared}/reference/libpmemset/man/pmemset_new.3.md', format: 'md' },
  {
    page: 'pmemset_config_new',
    section: '3',
    version: 'ref-md',
    file: '${shared}/reference/libpmemset/man/pmemset_config_new.3.md',
    format: 'md',
  },
  {
    page: 'pmemset_config_set_reservation',
    section: '3',
    version: 'ref-md',
    file: '${shared}/reference/libpmemset/man/pmemset_config_set_reservation.3.md',
    format: 'md',
  },
  {
    page: 'pmemset_config_set_required_store_granularity',
    section: '3',
    version: 'ref-md',
    file: '${shared}/reference/libpmemset/man/pmemset_config_set_required_store_granularity.3.md',
    format: 'md',
  },
  {
    page: 'pmemset_config_set_acceptable_states',
    section: '3',
    version: 'ref-md',
    file: '${shared}/reference/libpmemset/man/pmemset_config_set_acceptable_states.3.md',
    format: 'md',
  },
  {
    page: 'pmemset_set_contiguous_part_coalescing',
    section: '3',
    version: 'ref-md',
    file: '${shared}/reference/libpmemset/man/pmemset_set_contiguous_part_coalescing.3.md',
    format: 'md',
  },
  {
    page: 'pmemset_source_from_file',
    section: '3',
    version: 'ref-md',
    file: '${shared}/reference/libpmemset/man/pmemset_source_from_file.3.md',
    format: 'md',
  },
  {
    page: 'pmemset_source_from_temporary',
    section: '3',
    version: 'ref-md',
    file: '${shared}/reference/libpmemset/man/pmemset_source_from_temporary.3.md',
    format: 'md',
  },
  {
    page: 'pmemset_source_from_pmem2',
    section: '3',
    version: 'ref-md',
    file: '${shared}/reference/libpmemset/man/pmemset_source_from_pmem2.3.md',
    format: 'md',
  },
  {
    page: 'pmemset_map_config_new',
    section: '3',
    version: 'ref-md',
    file: '${shared}/reference/libpmemset/man/pmemset_map_config_new.3.md',
    format: 'md',
  },
  {
    page: 'pmemset_map_config_set_offset',
    section: '3',
    version: 'ref-md',
    file: '${shared}/reference/libpmemset/man/pmemset_map_config_set_offset.3.md',
    format: 'md',
  },
  {
    page: 'pmemset_map_config_set_length',
    section: '3',
    version: 'ref-md',
    file: '${shared}/reference/libpmemset/man/pmemset_map_config_set_length.3.md',
    format: 'md',
  },
  {
    page: 'pmemset_first_part_map',
    section: '3',
    version: 'ref-md',
    file: '${shared}/reference/libpmemset/man/pmemset_first_part_map.3.md',
    format: 'md',
  },
  {
    page: 'pmemset_part_map_by_address',
    section: '3',
    version: 'ref-md',
    file: '${shared}/reference/libpmemset/man/pmemset_part_map_by_address.3.md',
    format: 'md',
  },
  {
    page: 'pmemset_part_map_drop',
    section: '3',
    version: 'ref-md',
    file: '${shared}/reference/libpmemset/man/pmemset_part_map_drop.3.md',
    format: 'md',
  },
  {
    page: 'pmemset_remove_part_map',
    section: '3',
    version: 'ref-md',
    file: '${shared}/reference/libpmemset/man/pmemset_remove_part_map.3.md',
    format: 'md',
  },
  {
    page: 'pmemset_remove_range',
    section: '3',
    version: 'ref-md',
    file: '${shared}/reference/libpmemset/man/pmemset_remove_range.3.md',
    format: 'md',
  },
  {
    page: 'pmemset_descriptor_part_map',
    section: '3',
    version: 'ref-md',
    file: '${shared}/reference/libpmemset/man/pmemset_descriptor_part_map.3.md',
    format: 'md',
  },
  {
    page: 'pmemset_persist',
    section: '3',
    version: 'ref-md',
    file: '${shared}/reference/libpmemset/man/pmemset_persist.3.md',
    format: 'md',
  },
  { page: 'pmemset_flush', section: '3', version: 'ref-md', file: '${shared}/reference/libpmemset/man/pmemset_flush.3.md', format: 'md' },
  { page: 'pmemset_drain', section: '3', version: 'ref-md', file: '${shared}/reference/libpmemset/man/pmemset_drain.3.md', format: 'md' },
  {
    page: 'pmemset_deep_flush',
    section: '3',
    version: 'ref-md',
    file: '${shared}/reference/libpmemset/man/pmemset_deep_flush.3.md',
    format: 'md',
  },
  {
    page: 'pmemset_memmove',
    section: '3',
    version: 'ref-md',
    file: '${shared}/reference/libpmemset/man/pmemset_memmove.3.md',
    format: 'md',
  },
  {
    page: 'pmemset_get_store_granularity',
    section: '3',
    version: 'ref-md',
    file: '${shared}/reference/libpmemset/man/pmemset_get_store_granularity.3.md',
    format: 'md',
  },
  {
    page: 'pmemset_errormsg',
    section: '3',
    version: 'ref-md',
    file: '${shared}/reference/libpmemset/man/pmemset_errormsg.3.md',
    format: 'md',
  },
  {
    page: 'pmemset_source_set_sds',
    section: '3',
    version: 'ref-md',
    file: '${shared}/reference/libpmemset/man/pmemset_source_set_sds.3.md',
    format: 'md',
  },
  {
    page: 'pmemset_config_set_event_callback',
    section: '3',
    version: 'ref-md',
    file: '${shared}/reference/libpmemset/man/pmemset_config_set_event_callback.3.md',
    format: 'md',
  },
];

/**
 * The installed libpmem2 section-3 pages that are not catalogued, with why:
 * reported as gaps of the catalogue (and so in every run's output and
 * report), and held against the installed pages by a unit test, so a page
 * a new libpmem2-dev installs cannot go unnoticed. A page installed as a
 * symbolic link is covered by its target's entry.
 */
export const NOT_CATALOGUED: { page: string; why: string }[] = [
  {
    page: 'pmem2_async',
    why: 'asynchronous memcpy/memmove/memset through a virtual data mover (libminiasync), with pmem2_config_set_vdm: not a mapping, source, config, reservation or synchronous data-path function, and Debian builds it without a mover to test against',
  },
  {
    page: 'pmem2_badblock_next',
    why: 'reads the bad blocks of a source: without poisoned persistent memory every call can only answer that there are none',
  },
  { page: 'pmem2_badblock_clear', why: 'clears a bad block: needs poisoned persistent memory (and may destroy data on real hardware)' },
  { page: 'pmem2_source_get_handle', why: 'Windows only (its SYNOPSIS and DESCRIPTION): nothing to run on Linux' },
  {
    page: 'pmem2_vm_reservation_get_address',
    why: 'a getter with no RETURN VALUE or ERRORS beyond the value: every reservation case reads the address through it and checks it against /proc/self/maps',
  },
  {
    page: 'pmem2_vm_reservation_get_size',
    why: 'a getter with no RETURN VALUE or ERRORS beyond the value: the reservation cases and the pmem2_vm_reservation/sequences property check it after new, extend and shrink',
  },
];

export function resolveSource(src: PageSource): string {
  return src.file.replace('${shared}', SHARED_DIR).replace('${man}', MAN_DIR);
}

/** how the source is named in the catalogue: stable across machines */
export function sourceLabel(src: PageSource): string {
  return src.file.replace('${shared}', 'shared').replace('${man}', '/usr/share/man');
}

export function readSource(src: PageSource): string {
  const file = resolveSource(src);
  const raw = fs.readFileSync(file);
  return file.endsWith('.gz') ? zlib.gunzipSync(raw).toString('utf8') : raw.toString('utf8');
}
