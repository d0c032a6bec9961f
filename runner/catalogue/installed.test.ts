import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { MAN_DIR, NOT_CATALOGUED, PAGE_SOURCES } from './sources.js';

/** the pages of man3 named pmem2_*, each with the page it resolves to (its symbolic link's target) */
function installed(dir: string): { page: string; target: string }[] {
  return fs
    .readdirSync(dir)
    .filter((f) => /^pmem2_\w+\.3\.gz$/.test(f))
    .map((f) => {
      const full = path.join(dir, f);
      const target = fs.lstatSync(full).isSymbolicLink() ? path.basename(fs.readlinkSync(full)) : f;
      return { page: f.replace(/\.3\.gz$/, ''), target: target.replace(/\.3\.gz$/, '') };
    });
}

/** uncovered -- installed pages neither catalogued nor listed as not catalogued */
export function uncovered(pages: { page: string; target: string }[]): string[] {
  const known = new Set([
    ...PAGE_SOURCES.filter((s) => s.version.startsWith('man')).map((s) => s.page),
    ...NOT_CATALOGUED.map((n) => n.page),
  ]);
  return pages.filter((p) => !known.has(p.target)).map((p) => p.page);
}

const man3 = path.join(MAN_DIR, 'man3');

test('every installed libpmem2 page is catalogued or listed with the reason it is not', { skip: !fs.existsSync(man3) }, () => {
  assert.deepEqual(uncovered(installed(man3)), []);
});

test('an installed page the lists do not know is reported (the check can fail)', () => {
  assert.deepEqual(
    uncovered([
      { page: 'pmem2_new_thing', target: 'pmem2_new_thing' },
      { page: 'pmem2_map_new', target: 'pmem2_map_new' },
    ]),
    ['pmem2_new_thing'],
  );
  // a symbolic link counts as its target
  assert.deepEqual(uncovered([{ page: 'pmem2_memcpy_async', target: 'pmem2_async' }]), []);
});
