/**
 * A realistic RunResult for the report tests: two fixtures, two
 * implementations, every verdict, a property failure with a replay command,
 * an undefined header name, and library messages with markup in them.
 * Set PMEM_CONFORM_REPORT_JSON=path/to/results.json to test a real run instead.
 */
import { readFileSync } from 'node:fs';
import type { CaseResult, RunResult } from '../../runner/core/model.js';

const TMPFS = 'tmpfs';
const FSDAX = 'fsdax-emu';
const P2 = 'libpmem2';
const PS = 'libpmemset';

const MAP_NEW = 'pmem2_map_new(3) [seed .txt]';
const RSV = 'pmem2_vm_reservation_new(3) [seed .txt]';
const SET_MAP = 'pmemset_map(3) [seed .txt]';

type Partial = Omit<CaseResult, 'id' | 'fixture' | 'implementation' | 'durationMs' | 'kind'> & {
  kind?: CaseResult['kind'];
  durationMs?: number;
};

const cases: CaseResult[] = [];

function add(fixture: string, implementation: string, p: Partial): void {
  cases.push({
    kind: 'error',
    durationMs: 3 + (cases.length % 7) * 1.7,
    ...p,
    id: `${p.clauseId}@${fixture}/${implementation}`,
    fixture,
    implementation,
  });
}

function both(implementation: string, p: Partial, perFixture: Record<string, Partial2> = {}): void {
  for (const f of [TMPFS, FSDAX]) add(f, implementation, { ...p, ...(perFixture[f] ?? {}) });
}
type Partial2 = { [K in keyof Partial]?: Partial[K] };

const ok = (at: string) => ({ code: 0, name: '0', at });

// ---- pmem2_map_new ---------------------------------------------------------
both(P2, {
  page: MAP_NEW,
  function: 'pmem2_map_new',
  clauseId: 'pmem2_map_new@seed-txt/pmem2_map_new/RETURN VALUE#1',
  clause: 'RETURN VALUE',
  kind: 'behaviour',
  clauseText: 'The pmem2_map_new() function returns 0 on succeeds or a negative error code on failure.',
  verdict: 'pass',
  permitted: ['0'],
  observed: ok('pmem2_map_new(&map, cfg{granularity=PAGE}, src(fd, 2 MiB))'),
});
both(P2, {
  page: MAP_NEW,
  function: 'pmem2_map_new',
  clauseId: 'pmem2_map_new@seed-txt/pmem2_map_new/PMEM2_E_GRANULARITY_NOT_SET#1',
  clause: 'PMEM2_E_GRANULARITY_NOT_SET',
  clauseText:
    'PMEM2_E_GRANULARITY_NOT_SET - the store granularity for the mapping was not set in the provided config structure. Please see pmem2_config_set_required_store_granularity(3) and libpmem2(7).',
  verdict: 'pass',
  permitted: ['PMEM2_E_GRANULARITY_NOT_SET'],
  observed: {
    code: -100014,
    name: 'PMEM2_E_GRANULARITY_NOT_SET',
    at: 'pmem2_map_new(&map, cfg{}, src(fd, 2 MiB))',
    message: 'granularity not set',
  },
});
both(P2, {
  page: MAP_NEW,
  function: 'pmem2_map_new',
  clauseId: 'pmem2_map_new@seed-txt/pmem2_map_new/PMEM2_E_MAP_RANGE#2',
  clause: 'PMEM2_E_MAP_RANGE',
  clauseText: 'PMEM2_E_MAP_RANGE - end of the mapping (offset + length) is outside of the file. The file is too small.',
  verdict: 'diverge',
  permitted: ['PMEM2_E_MAP_RANGE'],
  observed: {
    code: -100011,
    name: 'PMEM2_E_LENGTH_OUT_OF_RANGE',
    at: 'pmem2_map_new(&map, cfg{offset=0, length=4 MiB}, src(fd, 2 MiB))',
    message: 'length is outside of the file </script><img src=x onerror="window.__pwned=1"> & "quotes"',
  },
  reason: 'the library reports the length, not the range, when offset + length passes the end of the file',
  note: 'PMEM2_E_LENGTH_OUT_OF_RANGE is documented on pmem2_config_set_length(3), not here',
});
both(P2, {
  page: MAP_NEW,
  function: 'pmem2_map_new',
  clauseId: 'pmem2_map_new@seed-txt/pmem2_map_new/PMEM2_E_SRC_DEVDAX_PRIVATE#1',
  clause: 'PMEM2_E_SRC_DEVDAX_PRIVATE',
  clauseText: 'PMEM2_E_SRC_DEVDAX_PRIVATE - device DAX mapped with MAP_PRIVATE. (Linux only)',
  verdict: 'skip',
  permitted: ['PMEM2_E_SRC_DEVDAX_PRIVATE'],
  reason: 'needs a device DAX fixture (/dev/daxX.Y); none is configured',
});
both(
  P2,
  {
    page: MAP_NEW,
    function: 'pmem2_map_new',
    clauseId: 'pmem2_map_new@seed-txt/pmem2_map_new/PMEM2_E_NO_ACCESS#1',
    clause: 'PMEM2_E_NO_ACCESS',
    clauseText: 'PMEM2_E_NO_ACCESS - there is a conflict between mapping protection and file opening mode.',
    verdict: 'pass',
    permitted: ['PMEM2_E_NO_ACCESS'],
    observed: {
      code: -100024,
      name: 'PMEM2_E_NO_ACCESS',
      at: 'pmem2_map_new(&map, cfg{protection=WRITE}, src(fd O_RDONLY))',
      message: 'cannot map read-only file with write protection',
    },
  },
  {
    [FSDAX]: {
      verdict: 'diverge',
      observed: {
        code: -13,
        name: '-EACCES',
        at: 'pmem2_map_new(&map, cfg{protection=WRITE}, src(fd O_RDONLY))',
        message: 'mmap: Permission denied',
      },
      reason: "on fsdax the library passes mmap(2)'s -EACCES through instead of PMEM2_E_NO_ACCESS",
    },
  },
);
both(P2, {
  page: MAP_NEW,
  function: 'pmem2_map_new',
  clauseId: 'pmem2_map_new@seed-txt/pmem2_map_new/-ENOMEM#1',
  clause: '-ENOMEM',
  kind: 'error',
  clauseText:
    'It can also return -EACCES, -EAGAIN, -EBADF, -ENFILE, -ENODEV, -ENOMEM, -EPERM, -ETXTBSY from the underlying mmap(2) function.',
  verdict: 'pass',
  permitted: ['-ENOMEM'],
  observed: {
    code: -12,
    name: '-ENOMEM',
    at: 'pmem2_map_new(&map, cfg, src) under RLIMIT_AS=64 MiB',
    message: 'mmap: Cannot allocate memory',
  },
});
both(
  P2,
  {
    page: MAP_NEW,
    function: 'pmem2_map_new',
    // a property's case: the kind tells reporters it carries a seed, a shrink path and a replay command
    kind: 'property',
    clauseId: 'pmem2_map_new@seed-txt/pmem2_map_new/PMEM2_E_OFFSET_UNALIGNED#1',
    clause: 'PMEM2_E_OFFSET_UNALIGNED',
    clauseText:
      'PMEM2_E_OFFSET_UNALIGNED - argument unaligned, offset is not a multiple of the alignment required for specific *source. Please see pmem2_source_alignment(3).',
    verdict: 'pass',
    permitted: ['PMEM2_E_OFFSET_UNALIGNED'],
    observed: {
      code: -100012,
      name: 'PMEM2_E_OFFSET_UNALIGNED',
      at: 'pmem2_map_new(&map, cfg{offset=4097}, src)',
      message: 'offset is not a multiple of 4096',
    },
    seed: 1337,
    path: '0:1',
    replay: 'npx pmem-conform --only "pmem2_map_new/PMEM2_E_OFFSET_UNALIGNED" --seed 1337 --path 0:1',
  },
  {
    [FSDAX]: {
      verdict: 'diverge',
      observed: {
        code: 0,
        name: '0',
        at: 'pmem2_map_new(&map, cfg{offset=2097152+4096, length=4096}, src(fd, 4 MiB))',
        details: { offset: 2101248, length: 4096, alignment: 2097152, 'map.addr': '0x7f3a40000000' },
      },
      reason: 'shrunk counterexample: an offset aligned to 4 KiB but not to the 2 MiB source alignment is accepted',
      seed: 424242,
      path: '3:0:0:1',
      replay: "npx pmem-conform --only 'pmem2_map_new/PMEM2_E_OFFSET_UNALIGNED' --fixture fsdax-emu --seed 424242 --path 3:0:0:1",
    },
  },
);
// ---- pmem2_vm_reservation_new ---------------------------------------------
both(
  P2,
  {
    page: RSV,
    function: 'pmem2_vm_reservation_new',
    clauseId: 'pmem2_vm_reservation_new@seed-txt/pmem2_vm_reservation_new/PMEM2_E_ADDRESS_UNALIGNED#1',
    clause: 'PMEM2_E_ADDRESS_UNALIGNED',
    clauseText: 'PMEM2_E_ADDRESS_UNALIGNED - argument addr is not aligned to the appropriate allocation granularity.',
    verdict: 'pass',
    permitted: ['PMEM2_E_ADDRESS_UNALIGNED'],
    observed: { code: -100033, name: 'PMEM2_E_ADDRESS_UNALIGNED', at: 'pmem2_vm_reservation_new(&rsv, (void *)0x1001, 2 MiB)' },
  },
  {
    [TMPFS]: {
      verdict: 'error',
      observed: undefined,
      reason: 'harness: child process exited with signal SIGSEGV before reporting (see stderr in results/pmem2_vm_reservation_new.log)',
    },
  },
);
both(P2, {
  page: RSV,
  function: 'pmem2_vm_reservation_delete',
  clauseId: 'pmem2_vm_reservation_new@seed-txt/pmem2_vm_reservation_delete/PMEM2_E_RESERVATION_NOT_EMPTY#1',
  clause: 'PMEM2_E_RESERVATION_NOT_EMPTY',
  clauseText: 'PMEM2_E_RESERVATION_NOT_EMPTY - reservation contains mappings.',
  verdict: 'pass',
  permitted: ['PMEM2_E_RESERVATION_NOT_EMPTY'],
  observed: {
    code: -100034,
    name: 'PMEM2_E_RESERVATION_NOT_EMPTY',
    at: 'pmem2_vm_reservation_delete(&rsv) with one mapping',
    message: 'vm reservation is not empty',
  },
});
both(P2, {
  page: RSV,
  function: 'pmem2_vm_reservation_new',
  clauseId: 'pmem2_vm_reservation_new@seed-txt/pmem2_vm_reservation_new/not supported yet#1',
  clause: 'not supported yet',
  kind: 'behaviour',
  clauseText: 'The pmem2_vm_reservation_new() and pmem2_vm_reservation_delete() functions are not supported yet.',
  verdict: 'diverge',
  permitted: ['PMEM2_E_NOSUPP'],
  observed: { code: 0, name: '0', at: 'pmem2_vm_reservation_new(&rsv, NULL, 2 MiB)' },
  reason: 'the page says the function is not supported, but it succeeds and returns a usable reservation',
  note: 'the page contradicts itself: the rest of it documents how the function works',
});
// ---- pmemset_map -----------------------------------------------------------
both(PS, {
  page: SET_MAP,
  function: 'pmemset_map',
  clauseId: 'pmemset_map@seed-txt/pmemset_map/RETURN VALUE#1',
  clause: 'RETURN VALUE',
  kind: 'behaviour',
  clauseText: 'The pmemset_map() function returns 0 on success or a negative error code on failure.',
  verdict: 'pass',
  permitted: ['0'],
  observed: ok('pmemset_map(set, part(src, 0, 2 MiB), NULL, NULL)'),
});
both(
  PS,
  {
    page: SET_MAP,
    function: 'pmemset_map',
    clauseId: 'pmemset_map@seed-txt/pmemset_map/PMEMSET_E_MAP_LENGTH_UNSET#1',
    clause: 'PMEMSET_E_MAP_LENGTH_UNSET',
    clauseText: 'PMEMSET_E_MAP_LENGTH_UNSET - the length of the map is unset and equals zero.',
    verdict: 'diverge',
    permitted: ['PMEMSET_E_MAP_LENGTH_UNSET'],
    observed: {
      code: -200019,
      name: 'PMEMSET_E_INVALID_SOURCE_TYPE',
      at: 'pmemset_map(set, part(src, 0, 0), NULL, NULL)',
      message: 'invalid source type',
    },
    reason: 'with length 0 the library checks the source first and reports PMEMSET_E_INVALID_SOURCE_TYPE',
  },
  {
    [FSDAX]: {
      verdict: 'skip',
      observed: undefined,
      reason: 'libpmemset needs a pmem2 source with a file on this fixture; fixture reports mapSync=false',
    },
  },
);
both(PS, {
  page: SET_MAP,
  function: 'pmemset_map',
  clauseId: 'pmemset_map@seed-txt/pmemset_map/PMEMSET_E_SDS_NOSUPP#1',
  clause: 'PMEMSET_E_SDS_NOSUPP',
  clauseText:
    'PMEMSET_E_SDS_NOSUPP - device that stores the data described by the struct pmemset_source does not support unsafe shutdown feature that SDS depends on.',
  verdict: 'skip',
  permitted: ['PMEMSET_E_SDS_NOSUPP'],
  reason: 'PMEMSET_E_SDS_NOSUPP is not defined by the installed libpmemset.h',
});
both(PS, {
  page: SET_MAP,
  function: 'pmemset_map',
  clauseId: 'pmemset_map@seed-txt/pmemset_map/PMEMSET_E_LENGTH_UNALIGNED#1',
  clause: 'PMEMSET_E_LENGTH_UNALIGNED',
  clauseText: 'PMEMSET_E_LENGTH_UNALIGNED - the length of the part to be mapped is not aligned to the allocation granularity.',
  verdict: 'pass',
  permitted: ['PMEMSET_E_LENGTH_UNALIGNED'],
  observed: {
    code: -200011,
    name: 'PMEMSET_E_LENGTH_UNALIGNED',
    at: 'pmemset_map(set, part(src, 0, 4097), NULL, NULL)',
    message: 'length is not aligned to 4096',
  },
});

export const sample: RunResult = {
  schema: 'pmem-conform/1',
  environment: {
    kernel: 'Linux 6.1.0-27-amd64 #1 SMP PREEMPT_DYNAMIC Debian 6.1.115-1',
    arch: 'x64',
    node: 'v20.20.2',
    cpuFlushInstructions: ['clflush', 'clflushopt', 'clwb'],
    hostname: 'ci-runner-7',
    fixtures: [
      {
        name: TMPFS,
        kind: 'tmpfs',
        directory: '/tmp/pmem-conform-tmpfs',
        capabilities: { mapSync: false, dax: false, granularity: 'PAGE' },
      },
      {
        name: FSDAX,
        kind: 'ext4 -o dax on memmap pmem',
        directory: '/mnt/pmem0/pmem-conform',
        capabilities: { mapSync: true, dax: true, granularity: 'CACHE_LINE', alignment: 2097152 },
      },
    ],
    implementations: [
      { name: P2, library: 'libpmem2.so.1', path: '/usr/lib/x86_64-linux-gnu/libpmem2.so.1', version: '1.12.1' },
      { name: PS, library: 'libpmemset.so.1', path: '/opt/pmdk/src/nondebug/libpmemset.so.1', version: '1.11.0-git' },
    ],
    startedAt: '2025-11-22T10:15:03.412Z',
    durationMs: 48213,
    command: 'pmem-conform --fixtures tmpfs,fsdax-emu --seed 424242 --junit results/junit.xml',
    seed: 424242,
  },
  cases,
  coverage: [
    { page: MAP_NEW, clauses: 23, ran: 6 },
    { page: RSV, clauses: 11, ran: 3 },
    { page: SET_MAP, clauses: 22, ran: 3 },
  ],
  undefinedNames: [
    { page: SET_MAP, name: 'PMEMSET_E_SDS_NOSUPP' },
    { page: SET_MAP, name: 'PMEMSET_E_BADBLOCK_NOSUPP' },
  ],
};

/** The sample, or the results.json named by PMEM_CONFORM_REPORT_JSON. */
export function loadResult(): RunResult {
  const file = process.env.PMEM_CONFORM_REPORT_JSON;
  if (file) return JSON.parse(readFileSync(file, 'utf8')) as RunResult;
  return sample;
}
