/**
 * The pages in scope: the seed pages in ../shared/seeds (the specification
 * this project was started from) and the copies Debian installs with
 * libpmem2-dev. Each copy is catalogued on its own: copies differ (the
 * markdown source of pmem2_map_new has no "(Windows only)" qualifiers), and
 * that difference is itself something a reader must see.
 */
import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { fileURLToPath } from 'node:url';
import type { PageSource } from './types.js';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
export const SHARED_DIR = process.env.PMEM_CONFORM_SHARED ?? path.resolve(PROJECT_ROOT, '../shared');
export const MAN_DIR = process.env.PMEM_CONFORM_MAN ?? '/usr/share/man';

export const PAGE_SOURCES: PageSource[] = [
  { page: 'pmem2_map_new', section: '3', version: 'seed-txt', file: '${shared}/seeds/pmem2_map_new.3.txt', format: 'txt' },
  { page: 'pmem2_map_new', section: '3', version: 'seed-md', file: '${shared}/seeds/pmem2_map_new.3.md', format: 'md' },
  { page: 'pmem2_map_new', section: '3', version: 'man-1.12.1', file: '${man}/man3/pmem2_map_new.3.gz', format: 'roff' },
  { page: 'pmem2_vm_reservation_new', section: '3', version: 'seed-txt', file: '${shared}/seeds/pmem2_vm_reservation_new.3.txt', format: 'txt' },
  { page: 'pmem2_vm_reservation_new', section: '3', version: 'man-1.12.1', file: '${man}/man3/pmem2_vm_reservation_new.3.gz', format: 'roff' },
  { page: 'pmemset_map', section: '3', version: 'seed-txt', file: '${shared}/seeds/pmemset_map.3.txt', format: 'txt' },
  { page: 'pmemset_map', section: '3', version: 'ref-md', file: '${shared}/reference/libpmemset/man/pmemset_map.3.md', format: 'md' },
  { page: 'pmemset_part_map', section: '3', version: 'seed-txt-1.11', file: '${shared}/seeds/pmemset_part_map.3-v1.11.txt', format: 'txt' },
  { page: 'pmemset_part_map', section: '3', version: 'ref-md-1.11', file: '${shared}/reference/libpmemset/v1.11.0/pmemset_part_map.3.md', format: 'md' },
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
