import assert from 'node:assert/strict';
import fs from 'node:fs';
import { test } from 'node:test';
import { buildCatalogue, CATALOGUE_FILE, serialise } from './build.js';
import { parsePage } from './parse.js';
import type { PageSource } from '../core/catalogue.js';

const src = (format: PageSource['format'], page = 'pmem2_map_new'): PageSource => ({
  page,
  section: '3',
  version: 'test',
  file: 'x',
  format,
});

const TXT = `NAME
ERRORS
SEE ALSO

NAME

pmem2_map_new() - creates a mapping

RETURN VALUE

The pmem2_map_new() function returns 0 on success or a negative error code on failure.

ERRORS

The pmem2_map_new() can fail with the following errors:

  • PMEM2_E_MAP_RANGE - offset + length is too big to represent it using size_t data type

  • PMEM2_E_MAP_RANGE - end of the mapping (offset + length) is outside of the file. The file is too small.

  • PMEM2_E_MAPPING_EXISTS - if the object exists before the function call. (Windows only)

It can also return -EACCES, -EAGAIN from the underlying mmap(2) function.

-EACCES may be returned only if the file descriptor points to an append-only file.

It can also return all errors from the underlying pmem2_source_size() and pmem2_source_alignment() functions.

SEE ALSO

mmap(2)
`;

test('rendered text: bullets, duplicates, qualifiers, passthroughs, inherited errors', () => {
  const { clauses, gaps } = parsePage(TXT, src('txt'), 'x');
  const names = clauses.map((c) => `${c.name}#${c.ordinal}:${c.kind}:${c.platform}`);
  assert.deepEqual(names.slice(0, 8), [
    'RETURN VALUE#1:return:any',
    'PMEM2_E_MAP_RANGE#1:error:any',
    'PMEM2_E_MAP_RANGE#2:error:any',
    'PMEM2_E_MAPPING_EXISTS#1:error:windows',
    '-EACCES#1:passthrough:any',
    '-EAGAIN#1:passthrough:any',
    'errors of pmem2_source_size()#1:inherits:any',
    'errors of pmem2_source_alignment()#1:inherits:any',
  ]);
  // the "only if" sentence narrows the clause it names
  assert.match(clauses.find((c) => c.name === '-EACCES')!.text, /append-only/);
  assert.equal(clauses[1]!.id, 'pmem2_map_new@test/pmem2_map_new/PMEM2_E_MAP_RANGE#1');
  assert.ok(
    gaps.every((g) => !/unclassified/.test(g.what)),
    JSON.stringify(gaps),
  );
});

test('markdown and roff copies yield the same clause names as rendered text', () => {
  const md = `# RETURN VALUE #\n\nThe **pmem2_map_new**() function returns 0 on success\nor a negative error code on failure.\n\n# ERRORS #\n\nThe **pmem2_map_new**() can fail with the following errors:\n\n* **PMEM2_E_MAP_RANGE** - *offset* + *length* is too big to represent it using\n*size_t* data type\n\n* **PMEM2_E_MAP_RANGE** - end of the mapping (*offset* + *length*) is outside\nof the file. The file is too small.\n\n* **PMEM2_E_MAPPING_EXISTS** - if the object exists before the function call. (Windows only)\n\nIt can also return **-EACCES**, **-EAGAIN** from the underlying **mmap**(2) function.\n\n# SEE ALSO #\n`;
  const roff = `.SH RETURN VALUE\n.PP\nThe \\f[B]pmem2_map_new\\f[]() function returns 0 on success or a\nnegative error code on failure.\n.SH ERRORS\n.PP\nThe \\f[B]pmem2_map_new\\f[]() can fail with the following errors:\n.IP \\[bu] 2\n\\f[B]PMEM2_E_MAP_RANGE\\f[] \\- \\f[I]offset\\f[] + \\f[I]length\\f[] is too\nbig to represent it using \\f[I]size_t\\f[] data type\n.IP \\[bu] 2\n\\f[B]PMEM2_E_MAP_RANGE\\f[] \\- end of the mapping is outside of the file.\n.IP \\[bu] 2\n\\f[B]PMEM2_E_MAPPING_EXISTS\\f[] \\- if the object exists.\n(Windows only)\n.PP\nIt can also return \\f[B]\\-EACCES\\f[], \\f[B]\\-EAGAIN\\f[] from the\nunderlying \\f[B]mmap\\f[](2) function.\n.SH SEE ALSO\n`;
  const want = ['RETURN VALUE', 'PMEM2_E_MAP_RANGE', 'PMEM2_E_MAP_RANGE', 'PMEM2_E_MAPPING_EXISTS', '-EACCES', '-EAGAIN'];
  for (const [text, fmt] of [
    [md, 'md'],
    [roff, 'roff'],
  ] as const) {
    const { clauses } = parsePage(text, src(fmt), 'x');
    assert.deepEqual(
      clauses.map((c) => c.name),
      want,
      fmt,
    );
    assert.equal(clauses.find((c) => c.name === 'PMEM2_E_MAPPING_EXISTS')!.platform, 'windows', fmt);
    assert.equal(clauses[1]!.text, 'PMEM2_E_MAP_RANGE - offset + length is too big to represent it using size_t data type', fmt);
  }
});

test('an ERRORS section that lists nothing is reported as a gap', () => {
  const txt = 'ERRORS\n\nThe pmemset_part_map() can fail with the following errors:\n\nSEE ALSO\n\nx(3)\n';
  const { clauses, gaps } = parsePage(txt, src('txt', 'pmemset_part_map'), 'x');
  assert.equal(clauses.length, 0);
  assert.ok(gaps.some((g) => /lists none/.test(g.what)));
});

test('a function named by a second "can fail" sentence owns the bullets after it', () => {
  const txt =
    'ERRORS\n\nThe pmem2_vm_reservation_new() function can fail with the following errors:\nPMEM2_E_ADDRESS_UNALIGNED - argument addr is not aligned.\nThe pmem2_vm_reservation_delete() function can fail with the following errors:\n\nPMEM2_E_RESERVATION_NOT_EMPTY - reservation contains mappings.\n\nSEE ALSO\n\nx(3)\n';
  const { clauses } = parsePage(txt, src('txt', 'pmem2_vm_reservation_new'), 'x');
  assert.deepEqual(
    clauses.map((c) => `${c.function}/${c.name}`),
    ['pmem2_vm_reservation_new/PMEM2_E_ADDRESS_UNALIGNED', 'pmem2_vm_reservation_delete/PMEM2_E_RESERVATION_NOT_EMPTY'],
  );
});

test('the checked-in catalogue matches the pages', (t) => {
  const { catalogue, unreadable } = buildCatalogue();
  if (unreadable.length) {
    t.skip(`pages not readable here: ${unreadable.map((u) => u.reason).join('; ')}`);
    return;
  }
  const checkedIn = fs.readFileSync(CATALOGUE_FILE, 'utf8');
  assert.equal(checkedIn, serialise(catalogue), 'suites/catalogue.json is stale: run npm run catalogue');
});

test('markdown: "# RETURN VALUE" without the closing "#", "-" bullets, intros without "The"/"()" and in the singular', () => {
  const md = `# DESCRIPTION #\n\nx\n\n# RETURN VALUE\n\nThe **pmemset_new**() function returns 0 on success or a negative error code on failure.\n\n# ERRORS #\n\n**pmemset_new**() can fail with the following error:\n- **-ENOMEM** - out of memory\n\n# SEE ALSO #\n`;
  const { clauses, gaps } = parsePage(md, src('md', 'pmemset_new'), 'x');
  assert.deepEqual(
    clauses.map((c) => `${c.function}/${c.name}:${c.kind}`),
    ['pmemset_new/RETURN VALUE:return', 'pmemset_new/-ENOMEM:error'],
  );
  assert.equal(clauses[1]!.text, '-ENOMEM - out of memory');
  assert.ok(
    gaps.every((g) => !/unclassified|no ERRORS/.test(g.what)),
    JSON.stringify(gaps),
  );
});

test('markdown: "The f and g can fail" lists the bullets for both; "The g can also fail with the error:" for g', () => {
  const md = `# ERRORS #\n\nThe _UW(pmemset_source_from_file) and _UW(pmemset_xsource_from_file) can fail\nwith the following errors:\n\n* **PMEMSET_E_INVALID_SOURCE_PATH** - when the provided file path string is NULL.\n\nThe _UW(pmemset_xsource_from_file) can also fail with the error:\n\n* **PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS** - in case of invalid *flags*.\n\n# SEE ALSO #\n`;
  const { clauses, gaps } = parsePage(md, src('md', 'pmemset_source_from_file'), 'x');
  assert.deepEqual(
    clauses.map((c) => `${c.function}/${c.name}#${c.ordinal}`),
    [
      'pmemset_source_from_file/PMEMSET_E_INVALID_SOURCE_PATH#1',
      'pmemset_xsource_from_file/PMEMSET_E_INVALID_SOURCE_PATH#1',
      'pmemset_xsource_from_file/PMEMSET_E_INVALID_SOURCE_FILE_CREATE_FLAGS#1',
    ],
  );
  assert.ok(
    gaps.every((g) => !/unclassified/.test(g.what)),
    JSON.stringify(gaps),
  );
});

test('roff: a misspelled ERRORS heading and a markdown RETURN VALUE heading are read, and reported as gaps', () => {
  const roff = `.SH DESCRIPTION\n.PP\nx\n# RETURN VALUE #\n.PP\nThe \\f[B]pmem2_config_set_sharing\\f[]() function returns 0 on success.\n.SH ERRORRS\n.PP\nThe \\f[B]pmem2_config_set_sharing\\f[]() can fail with the following\nerrors:\n.IP \\[bu] 2\n\\f[B]PMEM2_E_INVALID_SHARING_VALUE\\f[] \\- \\f[I]sharing\\f[] value is\ninvalid.\n.SH SEE ALSO\n`;
  const { clauses, gaps } = parsePage(roff, src('roff', 'pmem2_config_set_sharing'), 'x');
  assert.deepEqual(
    clauses.map((c) => `${c.name}:${c.kind}`),
    ['RETURN VALUE:return', 'PMEM2_E_INVALID_SHARING_VALUE:error'],
  );
  assert.ok(
    gaps.some((g) => /misspelled "ERRORRS"/.test(g.what)),
    JSON.stringify(gaps),
  );
  assert.ok(
    gaps.some((g) => /RETURN VALUE heading is written in markdown/.test(g.what)),
    JSON.stringify(gaps),
  );
  assert.ok(
    gaps.every((g) => !/no ERRORS section/.test(g.what)),
    JSON.stringify(gaps),
  );
});

test('roff: function lists, "On Linux:" groups, -errno bullets, Windows-only functions and "can also return" subjects', () => {
  const roff = [
    '.SH SYNOPSIS',
    '.nf',
    'int\\ pmem2_source_from_fd(struct\\ pmem2_source\\ *src,\\ int\\ fd);',
    'int\\ pmem2_source_from_handle(struct\\ pmem2_source\\ *src,\\ HANDLE\\ handle);\\ /*\\ Windows\\ only\\ */',
    '.fi',
    '.SH ERRORS',
    '.PP',
    'The \\f[B]pmem2_source_from_fd\\f[]()/\\f[B]pmem2_source_from_handle\\f[]()',
    'functions can fail with the following errors:',
    '.IP \\[bu] 2',
    '\\f[B]PMEM2_E_INVALID_FILE_HANDLE\\f[] \\- \\f[I]fd\\f[] is not open.',
    '.PP',
    'On Linux:',
    '.IP \\[bu] 2',
    '\\f[B]PMEM2_E_INVALID_FILE_TYPE\\f[] \\- \\f[I]fd\\f[] points to a directory.',
    '.IP \\[bu] 2',
    '\\-\\f[B]errno\\f[] set by failing \\f[B]fstat\\f[](2), while trying to validate the file descriptor.',
    '.PP',
    'On FreeBSD:',
    '.IP \\[bu] 2',
    '\\-\\f[B]errno\\f[] set by failing \\f[B]fstat\\f[](2), while trying to validate the file descriptor.',
    '.PP',
    'On Windows \\f[B]pmem2_source_from_fd\\f[]() can return all errors from',
    'the underlying \\f[B]pmem2_source_from_handle\\f[]() function.',
    '.PP',
    'The \\f[B]pmem2_vm_reservation_map_find\\f[](), \\f[B]pmem2_vm_reservation_map_find_prev\\f[]() and',
    '\\f[B]pmem2_vm_reservation_map_find_last\\f[]() can fail with the following errors:',
    '.IP \\[bu] 2',
    '\\f[B]PMEM2_E_MAPPING_NOT_FOUND\\f[] \\- no mapping found',
    '.PP',
    'On systems other than Windows it can also return \\f[B]\\-EINVAL\\f[] from',
    'the underlying \\f[B]munmap\\f[](2) function.',
    '.PP',
    'The \\f[B]pmem2_source_from_fd\\f[]() and \\f[B]pmem2_source_from_handle\\f[]() functions can also return',
    '\\f[B]\\-ENOMEM\\f[] in case of insufficient memory.',
    '.SH SEE ALSO',
    '',
  ].join('\n');
  const { clauses, gaps } = parsePage(roff, src('roff', 'pmem2_source_from_fd'), 'x');
  assert.deepEqual(
    clauses.map((c) => `${c.function}/${c.name}#${c.ordinal}:${c.kind}:${c.platform}${c.via ? `:${c.via}` : ''}`),
    [
      'pmem2_source_from_fd/PMEM2_E_INVALID_FILE_HANDLE#1:error:any',
      'pmem2_source_from_handle/PMEM2_E_INVALID_FILE_HANDLE#1:error:windows',
      'pmem2_source_from_fd/PMEM2_E_INVALID_FILE_TYPE#1:error:linux',
      'pmem2_source_from_handle/PMEM2_E_INVALID_FILE_TYPE#1:error:windows',
      'pmem2_source_from_fd/-errno#1:passthrough:linux:fstat(2)',
      'pmem2_source_from_handle/-errno#1:passthrough:windows:fstat(2)',
      'pmem2_source_from_fd/-errno#2:passthrough:freebsd:fstat(2)',
      'pmem2_source_from_handle/-errno#2:passthrough:windows:fstat(2)',
      'pmem2_source_from_fd/errors of pmem2_source_from_handle()#1:inherits:windows:pmem2_source_from_handle()',
      'pmem2_vm_reservation_map_find/PMEM2_E_MAPPING_NOT_FOUND#1:error:any',
      'pmem2_vm_reservation_map_find_prev/PMEM2_E_MAPPING_NOT_FOUND#1:error:any',
      'pmem2_vm_reservation_map_find_last/PMEM2_E_MAPPING_NOT_FOUND#1:error:any',
      'pmem2_vm_reservation_map_find/-EINVAL#1:passthrough:any:munmap(2)',
      'pmem2_vm_reservation_map_find_prev/-EINVAL#1:passthrough:any:munmap(2)',
      'pmem2_vm_reservation_map_find_last/-EINVAL#1:passthrough:any:munmap(2)',
      'pmem2_source_from_fd/-ENOMEM#1:passthrough:any',
      'pmem2_source_from_handle/-ENOMEM#1:passthrough:windows',
    ],
  );
  assert.ok(
    gaps.every((g) => !/unclassified/.test(g.what)),
    JSON.stringify(gaps),
  );
});
