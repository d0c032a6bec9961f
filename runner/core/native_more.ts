/**
 * The addon's entry points of native/addon/pmem2_more.cc: what PMDK's own
 * libpmem2 tests reach beyond pmem2_map_new (pmem2_map_from_existing, mcsafe
 * source I/O, NUMA node and bad-block context of a source, deleting NULL),
 * calls in a child put into a condition, and calls from several native
 * threads at once. Functions a build does not export throw when called;
 * pmem2Exports tells beforehand.
 */
import type {
  CallResult,
  Config,
  Map as Pmem2Map,
  PmemSet,
  PointerState,
  Reservation,
  Sds,
  SetConfig,
  SetSource,
  Source,
} from './native.js';

type Size = number | bigint;

export type MoreChildResult = {
  stage?: 'setup' | 'call';
  code?: number;
  message?: string;
  signal?: number;
  /** map_delete_stale: what deleting the original map returned */
  firstCode?: number;
  /** forkInject's source ops: the call's output when it returned 0 */
  value?: bigint;
  /** forkInject read_file: the text read, or the step that failed ("open", "read") */
  text?: string;
  /** set_map with an event log: the events the child's callback recorded (BADBLOCK value -1: its clear failed) */
  events?: { type: string; value: number; badblockOffset?: bigint; badblockLength?: bigint }[];
  /** rewriteOnClear: how often the child rewrote its fake list, and the errno of the first rewrite that failed */
  rewrites?: number;
  rewriteErrno?: number;
};

export interface ReservationRace {
  mapped: number;
  mappingExists: number;
  /** claims of a slot already held by another live map: overlapping maps the library let through */
  overlaps: number;
  otherMapCodes: number[];
  deleteCodes: number[];
  /** the maps left at the end (the caller deletes them) */
  live: { map: Pmem2Map; offset: bigint; size: bigint }[];
}

/** what forkInject changes in its child before the one call (native/addon/inject.cc) */
export interface Injection {
  /** this system call fails with `errno` (a positive errno number) ... */
  syscall?: 'munmap' | 'mmap' | 'msync' | 'fstat' | 'newfstatat' | 'openat' | 'readlink' | 'readlinkat' | 'ioctl' | 'pread64' | 'pwrite64';
  errno?: number;
  /** ... only when its argument `argIndex` equals `argValue` */
  argIndex?: number;
  argValue?: Size;
  /** /dev/zero looks like a device DAX: its /sys/dev/char subsystem link, in a private mount namespace, names "dax" */
  fakeDevdax?: boolean;
  /**
   * files (sysfs attributes) replaced in a private mount namespace by a bind
   * mount over their real path: a file holding `text`, one whose open(2)
   * for reading fails (EACCES: a write-only sysfs attribute), or one that
   * opens and whose read(2) fails (EIO: the child's /proc/PID/mem); or
   * 'missing': its directory shown without it (a tmpfs over the directory
   * holding binds of every other entry). A text for a file that does not
   * exist adds it to its directory that way.
   */
  binds?: AttrBind[];
  /** the descriptor `swapFd` made to name the directory `swapDir` (dup2) before the call: a source whose descriptor changed type after it was made */
  swapFd?: number;
  swapDir?: string;
  /**
   * a fake bad-block list (a text bind's target, its real path) the child
   * rewrites after each bad block the event callback cleared: the lines
   * whose file range lies inside the cleared block leave it, as the kernel
   * drops cleared poison from a device's list
   */
  rewriteOnClear?: { target: string; lines: { text: string; offset: Size; length: Size }[] };
}

export type AttrBind = { target: string } & ({ with: 'text'; text: string } | { with: 'unopenable' | 'unreadable' | 'missing' });

/** forkInject ops on a source the parent made; `value` is the output (size, alignment, node, context made 1/0, id length, usc) */
export type SourceOp = 'source_size' | 'source_alignment' | 'numa_node' | 'badblock_context_new' | 'device_id' | 'device_usc';

export type DevdaxOp =
  | 'devdax_source_from_fd'
  | 'devdax_source_size'
  | 'devdax_source_alignment'
  | 'devdax_numa_node'
  | 'devdax_badblock_context_new'
  | 'devdax_device_id'
  | 'devdax_device_usc';

export type PmemsetOomFunction =
  | 'pmemset_new'
  | 'pmemset_config_new'
  | 'pmemset_map_config_new'
  | 'pmemset_source_from_pmem2'
  | 'pmemset_source_from_file'
  | 'pmemset_xsource_from_file'
  | 'pmemset_source_from_temporary'
  | 'pmemset_source_set_sds';

export interface MoreAddon {
  /** pmem2_map_new in a child put into the injection's condition */
  forkInject(inj: Injection, op: 'map_new', cfg: Config, src: Source): MoreChildResult;
  /** pmem2_deep_flush(map, address + offset, length) in such a child */
  forkInject(inj: Injection, op: 'deep_flush', map: Pmem2Map, offset: Size, length: Size): MoreChildResult;
  /** a reservation of `size` made in the child before the condition, then deleted, shrunk or extended under it */
  forkInject(inj: Injection, op: 'reservation_delete', size: Size): MoreChildResult;
  forkInject(inj: Injection, op: 'reservation_shrink', size: Size, offset: Size, length: Size): MoreChildResult;
  forkInject(inj: Injection, op: 'reservation_extend', size: Size, length: Size): MoreChildResult;
  /** pmemset_remove_range(set, address, length) of the loaded libpmemset in such a child */
  forkInject(inj: Injection, op: 'set_remove_range', set: PmemSet, address: Size, length: Size): MoreChildResult;
  /** pmemset_deep_flush(set, address, length) of the loaded libpmemset in such a child */
  forkInject(inj: Injection, op: 'set_deep_flush', set: PmemSet, address: Size, length: Size): MoreChildResult;
  /** pmem2_source_pread_mcsafe / pmem2_source_pwrite_mcsafe (of zeros) of `length` bytes at `offset` of a source the parent made, in such a child */
  forkInject(inj: Injection, op: 'source_pread' | 'source_pwrite', src: Source, length: Size, offset: Size): MoreChildResult;
  /** with fakeDevdax: a source of /dev/zero made in the child, then the call on it */
  forkInject(inj: Injection, op: DevdaxOp): MoreChildResult;
  /** with fakeDevdax: pmem2_map_new of `length`, or a shared mmap of /dev/zero given to pmem2_map_from_existing (CACHE_LINE) and deep-flushed */
  forkInject(inj: Injection, op: 'devdax_map_new' | 'devdax_deep_flush', length: Size): MoreChildResult;
  /** the call on a source the parent made, in a child put into the injection's condition (binds, a filter) */
  forkInject(inj: Injection, op: SourceOp, src: Source): MoreChildResult;
  /** libpmemset: pmemset_map(set, src) `times` times (1..8) in such a child, as far as the first failure; `value` the SDS record's part state */
  forkInject(inj: Injection, op: 'set_map', set: PmemSet, src: SetSource, sds: Sds | null, times: number, log?: number): MoreChildResult;
  /** no library call: the child opens and reads `path` as libndctl reads a sysfs attribute (a bind's self-check) */
  forkInject(inj: Injection, op: 'read_file', path: string): MoreChildResult;
  pmem2Exports(name: string): boolean;
  /** a private anonymous mmap(2) of `length` bytes with PROT_* `prot`, made outside libpmem2 */
  plainMap(length: Size, prot: number): bigint;
  /** munmap(2); the errno, 0 on success */
  plainUnmap(addr: Size, length: Size): number;
  /** `prot` (PMEM2_PROT_*) is what the caller knows of the range, for the addon's checked reads and writes */
  mapFromExisting(
    src: Source,
    addr: Size,
    length: Size,
    granularity: number,
    prot: number,
  ): CallResult & { map?: Pmem2Map; mapPtr: PointerState };
  sourceNumaNode(src: Source): CallResult & { value?: number; untouched: boolean };
  /** a context made is deleted at once */
  badblockContextNew(src: Source): CallResult & { ctxPtr: 'set' | 'null' };
  sourcePreadMcsafe(src: Source, length: Size, offset: Size): CallResult & { data?: Buffer };
  sourcePwriteMcsafe(src: Source, data: Buffer, offset: Size): CallResult;
  /** pmem2_config_delete / pmem2_source_delete with *ptr == NULL */
  deleteNull(kind: 'config' | 'source'): CallResult & { pointerCleared: boolean };
  forkMore(op: 'map_from_existing_oom', src: Source, addr: Size, length: Size, granularity: number, headroom: Size): MoreChildResult;
  /** pmem2_source_from_fd(fd) / pmem2_source_from_anon(size) with the heap exhausted */
  forkMore(op: 'source_from_fd_oom' | 'source_from_anon_oom', fdOrSize: Size, headroom: Size): MoreChildResult;
  forkMore(op: 'map_delete_stale' | 'map_delete_munmap_einval', map: Pmem2Map): MoreChildResult;
  /** a libpmemset constructor with every malloc failing (the heap exhausted, as for the source_*_oom ops); `arg`: the config, the pmem2 source, or the path it needs */
  forkMore(
    op: 'pmemset_oom',
    fn: PmemsetOomFunction,
    arg: SetConfig | Source | SetSource | string | null,
    headroom: Size,
  ): MoreChildResult & { again?: number };
  /** a source query that asks libndctl about the source's device, with the heap exhausted */
  forkMore(
    op: 'source_query_oom',
    fn: 'pmem2_badblock_context_new' | 'pmem2_source_device_id' | 'pmem2_source_device_usc',
    src: Source,
    headroom: Size,
  ): MoreChildResult & { ndctlNew?: number };
  /** the map's memset of 0x5a + persist over [offset, +length) in a child limited to `cpuSeconds` of CPU; code 1: bytes wrong */
  forkMore(op: 'map_memset_cpu_limited', map: Pmem2Map, offset: Size, length: Size, cpuSeconds: number): MoreChildResult;
  /** machine code of a function returning 42 on this architecture, null where unknown */
  execCode(): Buffer | null;
  /** a child calls the code at map address + offset: {exited: what it returned} or the signal */
  forkExec(map: Pmem2Map, offset: Size): { exited?: number; signal?: number };
  concurrentReservationMaps(
    rsv: Reservation,
    src: Source,
    opts: { threads?: number; iterations?: number; slots?: number; slotSize: Size; seed?: number; granularity?: number },
  ): ReservationRace;
  concurrentMaps(
    cfg: Config,
    src: Source,
    threads: number,
    iterations: number,
  ): { mapped: number; overlaps: number; codes: number[]; deleteCodes: number[] };
}
