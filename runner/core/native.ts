/**
 * Typed access to the node addon (native/addon). Every call returns the
 * library's raw code; names are attached by the callers through constants.ts.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type { MoreAddon } from './native_more.js';
import { PROJECT_ROOT } from './paths.js';

export interface Handle {
  readonly kind: string;
  readonly id: number;
}
export interface Source extends Handle {
  readonly kind: 'pmem2_source';
}
export interface Config extends Handle {
  readonly kind: 'pmem2_config';
}
export interface Map extends Handle {
  readonly kind: 'pmem2_map';
}
export interface Reservation extends Handle {
  readonly kind: 'pmem2_vm_reservation';
}

export interface MapFunctions {
  persist: bigint;
  flush: bigint;
  drain: bigint;
  memmove: bigint;
  memcpy: bigint;
  memset: bigint;
}

export interface CallResult {
  code: number;
  message?: string;
}
export type PointerState = 'null' | 'unchanged' | 'set';

export interface ChildConditions {
  /**
   * RLIMIT_AS set to the child's current address-space size plus this many
   * bytes: small allocations (and a sanitizer runtime's own) still fit, a
   * mapping larger than the headroom does not (native/addon/child.cc)
   */
  addressSpaceHeadroom?: number;
  rlimitMemlock?: number;
  mlockallFuture?: boolean;
  dropCaps?: number[];
  closeFds?: number[];
}
export interface ChildResult {
  stage?: 'setup' | 'call';
  code?: number;
  message?: string;
  signal?: number;
  /** with addressSpaceHeadroom: bytes of address space the child gained between setting the limit and reporting */
  addressSpaceGrowth?: number;
}
/** kinds of forkAccess: past-end kinds touch the byte at map size + offset */
export type AccessKind = 'read' | 'write' | 'read-past-end' | 'write-past-end';
/** how the child of forkAccess ended: an exit code, or the signal that killed it */
export type AccessResult =
  | { exited: number; signal?: undefined; signalName?: undefined }
  | { exited?: undefined; signal: number; signalName: string };
export interface ErrnoResult {
  errno: number;
  message?: string;
}

type Size = number | bigint;

export interface SetConfig extends Handle {
  readonly kind: 'pmemset_config';
}
export interface PmemSet extends Handle {
  readonly kind: 'pmemset';
}
export interface SetSource extends Handle {
  readonly kind: 'pmemset_source';
}
export interface SetMapConfig extends Handle {
  readonly kind: 'pmemset_map_config';
}
export interface PartMap extends Handle {
  readonly kind: 'pmemset_part_map';
}
export interface Part extends Handle {
  readonly kind: 'pmemset_part';
}
export interface Sds extends Handle {
  readonly kind: 'pmemset_sds';
}
export interface Descriptor {
  addr: bigint;
  size: bigint;
}
export interface FileExtent {
  logical: bigint;
  physical: bigint;
  length: bigint;
  flags: number;
}

export interface SetEvent {
  type: string;
  addr: bigint;
  src: bigint;
  len: bigint;
  flags: number;
  value: number;
  badblockOffset?: bigint;
  badblockLength?: bigint;
}

/** the libpmemset half of the addon (native/addon/pmemset_*.cc) */
export interface PmemsetAddon {
  pmemsetLoad(path: string): string;
  /** the bound libpmemset functions the loaded build does not export (each call to one throws a MissingFunctionError) */
  pmemsetMissing(): string[];
  setErrormsg(): string;
  /** pmemset_errormsg() as a new thread sees it; with `fail`, right after that thread's failed pmemset_xsource_from_file */
  setErrormsgInThread(fail: boolean): { code?: number; message: string };
  setErrToErrno(code: number): number;
  setConfigNew(): CallResult & { config?: SetConfig };
  setConfigDelete(cfg: SetConfig): CallResult & { pointerCleared: boolean };
  setConfigSetReservation(cfg: SetConfig, rsv: Reservation | null): void;
  setConfigSetAcceptableStates(cfg: SetConfig, states: Size): CallResult;
  setConfigSetEventCallback(cfg: SetConfig, opts?: { returnCode?: number; clearBadblocks?: boolean }): number;
  setEventsTake(log: number): SetEvent[];
  setConfigSetRequiredStoreGranularity(cfg: SetConfig, g: number): CallResult;
  setNew(cfg: SetConfig | null): CallResult & { set?: PmemSet };
  setDelete(set: PmemSet): CallResult & { pointerCleared: boolean };
  setGetStoreGranularity(set: PmemSet): CallResult & { value?: number };
  setSetContiguousPartCoalescing(set: PmemSet, v: number): CallResult;
  setSourceFromPmem2(src: Source | null): CallResult & { source?: SetSource };
  /** a null path is passed to the library as NULL */
  setSourceFromFile(path: string | null): CallResult & { source?: SetSource };
  setXsourceFromFile(path: string | null, flags: Size): CallResult & { source?: SetSource };
  setSourceFromTemporary(dir: string): CallResult & { source?: SetSource };
  setSourceDelete(src: SetSource): CallResult & { pointerCleared: boolean };
  setSourceAlignment(src: SetSource): CallResult & { value?: bigint };
  setSourcePreadMcsafe(src: SetSource, len: Size, off: Size): CallResult & { data?: Buffer };
  setSourcePwriteMcsafe(src: SetSource, data: Buffer, off: Size): CallResult;
  setSourceSetSds(src: SetSource, sds?: { id?: string; usc?: number; refcount?: number }): CallResult & { sds: Sds };
  setSdsRead(sds: Sds): { id: string; usc: bigint; refcount: number; state: number };
  setSourceSetBadblockDetection(src: SetSource, on: boolean): void;
  setMapConfigNew(): CallResult & { mapConfig?: SetMapConfig };
  setMapConfigDelete(mc: SetMapConfig): CallResult;
  setMapConfigSetOffset(mc: SetMapConfig, off: Size): CallResult;
  setMapConfigSetLength(mc: SetMapConfig, len: Size): void;
  setMap(
    set: PmemSet,
    src: SetSource | null,
    mc: SetMapConfig | null,
    wantDescriptor: boolean,
  ): CallResult & { descriptorFilled?: boolean; descriptor?: Descriptor };
  setDescriptorPartMap(pm: PartMap): Descriptor;
  setFirstPartMap(set: PmemSet): CallResult & { partMap?: PartMap };
  setNextPartMap(set: PmemSet, cur: PartMap): CallResult & { partMap?: PartMap };
  setPartMapByAddress(set: PmemSet, addr: Size): CallResult & { partMap?: PartMap };
  setPartMapDrop(pm: PartMap): { pointerCleared: boolean };
  setRemovePartMap(set: PmemSet, pm: PartMap): CallResult & { pointerCleared: boolean };
  setRemoveRange(set: PmemSet, addr: Size, len: Size): CallResult;
  setPartNew(set: PmemSet | null, src: SetSource | null, off: Size, len: Size): CallResult & { part?: Part };
  setPartDelete(part: Part): CallResult;
  setPartMap(
    part: Part,
    wantDescriptor: boolean,
  ): CallResult & { partPtr: PointerState; descriptorFilled?: boolean; descriptor?: Descriptor };
  setMemcpy(set: PmemSet, dst: Size, data: Buffer, flags: number): bigint;
  setMemmove(set: PmemSet, dst: Size, src: Size, len: Size, flags: number): bigint;
  setMemset(set: PmemSet, dst: Size, c: number, len: Size, flags: number): bigint;
  setPersist(set: PmemSet, addr: Size, len: Size): CallResult;
  setFlush(set: PmemSet, addr: Size, len: Size): CallResult;
  setDrain(set: PmemSet): CallResult;
  setDeepFlush(set: PmemSet, addr: Size, len: Size): CallResult;
  readAddress(addr: Size, len: Size): Buffer;
  /** how 'text' reads the whole of /proc/self/maps, as every check does on a kernel without PROCMAP_QUERY */
  isMapped(addr: Size, len: Size, perms?: string, how?: 'text' | 'query'): boolean;
  /** whether range checks ask the kernel per address (PROCMAP_QUERY): 1 yes, 0 no, -1 none made yet */
  mapsQuery(): number;
  /** each range's bytes when it is mapped with `perms` ('r' or 'rw'), else null; for 'rw' the bytes are written back unchanged (so a private mapping's pages get copied: use it on shared ones) */
  readRanges(addrs: Size[], lens: Size[], perms: string): (Buffer | null)[];
}

export interface Addon extends PmemsetAddon, MoreAddon {
  load(path?: string): string;
  /** the bound libpmem2 functions the loaded build does not export (each call to one throws a MissingFunctionError) */
  missing(): string[];
  errormsg(): string;
  errToErrno(code: number): number;

  sourceFromFd(fd: number): CallResult & { source?: Source };
  sourceFromAnon(size: Size): CallResult & { source?: Source };
  sourceSize(src: Source): CallResult & { value?: bigint };
  sourceAlignment(src: Source): CallResult & { value?: bigint };
  sourceGetFd(src: Source): CallResult & { value?: number };
  /** the two-step protocol; `shortBy`: the second call is given a length that many bytes short of the one the first returned (`length`) */
  sourceDeviceId(src: Source, shortBy?: number): CallResult & { value?: string; length?: number };
  sourceDeviceUsc(src: Source): CallResult & { value?: bigint };
  sourceDelete(src: Source): CallResult & { pointerCleared: boolean };

  configNew(): CallResult & { config?: Config };
  configDelete(cfg: Config): CallResult & { pointerCleared: boolean };
  configSetRequiredStoreGranularity(cfg: Config, g: number): CallResult;
  configSetOffset(cfg: Config, off: Size): CallResult;
  configSetLength(cfg: Config, len: Size): CallResult;
  configSetSharing(cfg: Config, s: number): CallResult;
  configSetProtection(cfg: Config, prot: number): CallResult;
  configSetVmReservation(cfg: Config, rsv: Reservation | null, off: Size): CallResult;

  mapNew(cfg: Config, src: Source): CallResult & { map?: Map; mapPtr: PointerState };
  mapDelete(map: Map): CallResult & { mapPtr: PointerState };
  mapGetAddress(map: Map): bigint;
  mapGetSize(map: Map): bigint;
  mapGetStoreGranularity(map: Map): number;
  mapPersist(map: Map, off: Size, len: Size): void;
  mapFlush(map: Map, off: Size, len: Size): void;
  mapDrain(map: Map): void;
  /** the map's memcpy/memmove/memset; each returns what the library's function returned (pmemdest) */
  mapMemcpy(map: Map, off: Size, data: Buffer, flags: number): bigint;
  mapMemmove(map: Map, dst: Size, src: Size, len: Size, flags: number): bigint;
  mapMemset(map: Map, off: Size, c: number, len: Size, flags: number): bigint;
  mapRead(map: Map, off: Size, len: Size): Buffer;
  mapWrite(map: Map, off: Size, data: Buffer): void;
  mapDeepFlush(map: Map, off: number | bigint, len: Size): CallResult;
  /** the addresses pmem2_get_{persist,flush,drain,memmove,memcpy,memset}_fn return for the map (0n for NULL) */
  mapFunctions(map: Map): MapFunctions;
  /**
   * the map's functions over any mapped range of the process (checked in /proc/self/maps), e.g. one
   * spanning adjacent mappings; the memory functions return what the library's function returned
   */
  spanPersist(map: Map, addr: Size, len: Size): void;
  spanFlush(map: Map, addr: Size, len: Size): void;
  spanMemcpy(map: Map, addr: Size, data: Buffer, flags: number): bigint;
  spanMemmove(map: Map, dst: Size, src: Size, len: Size, flags: number): bigint;
  spanMemset(map: Map, addr: Size, c: number, len: Size, flags: number): bigint;
  /** what pmem2_perror("%s %d", prefix, number) writes to file descriptor 2 (captured in a memfd) */
  perrorCapture(prefix: string, number: number): { output: string };
  /** pmem2_errormsg() on a new thread; with `granularity`, after that thread's failing set_required_store_granularity */
  errormsgInThread(granularity?: number): { code?: number; message: string };

  reservationNew(addr: Size, size: Size): CallResult & { reservation?: Reservation; rsvPtr: PointerState };
  reservationDelete(rsv: Reservation): CallResult & { rsvPtr: PointerState };
  reservationExtend(rsv: Reservation, size: Size): CallResult;
  reservationShrink(rsv: Reservation, off: Size, size: Size): CallResult;
  reservationGetAddress(rsv: Reservation): bigint;
  reservationGetSize(rsv: Reservation): bigint;
  reservationMapFind(rsv: Reservation, off: Size, len: Size): CallResult & { mapId?: number; mapAddress?: bigint };
  reservationMapFindFirst(rsv: Reservation): CallResult & { mapId?: number; mapAddress?: bigint };
  reservationMapFindLast(rsv: Reservation): CallResult & { mapId?: number; mapAddress?: bigint };
  reservationMapFindNext(rsv: Reservation, map: Map): CallResult & { mapId?: number; mapAddress?: bigint };
  reservationMapFindPrev(rsv: Reservation, map: Map): CallResult & { mapId?: number; mapAddress?: bigint };

  memfdCreate(name: string, size: Size, seals: number): ErrnoResult & { fd?: number };
  setAppendOnly(fd: number, on: boolean): ErrnoResult;
  probeMapSync(fd: number, len: Size): ErrnoResult;
  statxDax(path: string): ErrnoResult & { known?: boolean; dax?: boolean };
  pageSize(): number;
  freeAddress(size: Size, align: Size): bigint;
  closeFd(fd: number): ErrnoResult;
  /** PR_SET_PDEATHSIG(sig); raises sig at once when getppid() is no longer `parent` */
  setParentDeathSignal(sig: number, parent: number): ErrnoResult;
  /** the kernel's flags of the page backing addr (pagemap + kpageflags; root) */
  pageFlags(addr: Size): ErrnoResult & { present?: boolean; dirty?: boolean; writeback?: boolean };
  /** the file's extents (FS_IOC_FIEMAP, synced first): byte offsets in the file and on its block device */
  fileExtents(path: string): ErrnoResult & { extents?: FileExtent[] };
  /** bytes of a device DAX (or any mappable fd) through a plain shared mmap(2) of the range widened to `align`; writes when `data` is given */
  deviceAccess(fd: number, offset: Size, length: Size, align: Size, data?: Buffer): ErrnoResult & { data?: Buffer };
  /** mount(2) and umount2(2) themselves (MNT_DETACH when `detach`), without the exec of mount(8) */
  mountFs(source: string, target: string, type: string, flags: number, data: string): ErrnoResult;
  umountFs(target: string, detach: boolean): ErrnoResult;
  MS_NOEXEC: number;
  forkCall(cond: ChildConditions, op: 'map_new', cfg: Config, src: Source): ChildResult;
  forkCall(cond: ChildConditions, op: 'reservation_new', addr: Size, size: Size): ChildResult;
  forkCall(cond: ChildConditions, op: 'pmemset_map', set: PmemSet, src: SetSource, mc: SetMapConfig | null): ChildResult;
  forkCall(cond: ChildConditions, op: 'pmemset_part_map', part: Part): ChildResult;
  /** plain loads/stores over a map in a forked child (native/addon/fault.cc); no range or protection check */
  forkAccess(map: Map, off: Size, len: Size, kind: AccessKind): AccessResult;
  F_SEAL_WRITE: number;
  F_SEAL_SHRINK: number;
  F_SEAL_GROW: number;
  F_SEAL_FUTURE_WRITE: number;
}

let addon: Addon | undefined;

export const ADDON_FILE = path.join(PROJECT_ROOT, 'build/Release/pmem_conform.node');

/**
 * A handle: made here, in JS, for an id the addon hands out
 * (native/addon/handles.cc). `kind` and `id` are for reading (and the call
 * log); the id the addon is given comes from the private field, so an object
 * made elsewhere with the same fields is refused (a TypeError), and the
 * addon's table of live records refuses an id of another kind or one
 * already deleted.
 */
class NativeHandle implements Handle {
  readonly kind: string;
  readonly id: number;
  readonly #id: number;

  constructor(kind: string, id: number) {
    this.kind = kind;
    this.id = id;
    this.#id = id;
  }

  /**
   * idOf -- what the addon is given for a handle made here: minus its id (so
   * a count or descriptor passed by mistake names no handle); anything else
   * unchanged, for the addon to refuse
   */
  static idOf(x: unknown): unknown {
    return typeof x === 'object' && x !== null && #id in x ? -(x as NativeHandle).#id : x;
  }

  /** passes -- every handle among args replaced by its id, in place */
  static passes(args: unknown[]): unknown[] {
    for (let i = 0; i < args.length; i++) args[i] = NativeHandle.idOf(args[i]);
    return args;
  }
}

/** what the addon's *map_ptr states are, by the index it reports (native/addon/map.cc) */
const POINTER_STATES: readonly PointerState[] = ['null', 'unchanged', 'set'];

/**
 * The hot entry points as the addon exports them: the library's code as the
 * return value, the rest in the registered Int32Array; the result objects
 * are built here (a literal in JS costs far less than properties set from
 * C++), the message only read when a call failed.
 */
interface RawHot {
  setHandleFactory(make: (kind: string, id: number) => Handle): void;
  setFastOut(out: Int32Array): void;
  errormsg(): string;
  configNew(): number;
  configDelete(cfg: unknown): number;
  configSetRequiredStoreGranularity(cfg: unknown, g: number): number;
  sourceFromFd(fd: number): number;
  sourceDelete(src: unknown): number;
  mapNew(cfg: unknown, src: unknown): number;
  mapDelete(map: unknown): number;
}

/** wrapAddon -- the addon as the harness uses it: handles made in JS, results of the hot path built here */
function wrapAddon(raw: Record<string, unknown>): Addon {
  const hot = raw as unknown as RawHot;
  const out = new Int32Array(4);
  hot.setFastOut(out);
  hot.setHandleFactory((kind, id) => new NativeHandle(kind, id));
  const id = NativeHandle.idOf;
  const failed = (code: number): CallResult => ({ code, message: hot.errormsg() });
  const wrapped: Record<string, unknown> = {};
  for (const [name, v] of Object.entries(raw)) {
    if (typeof v !== 'function') {
      wrapped[name] = v;
      continue;
    }
    const fn = v as (...a: unknown[]) => unknown;
    wrapped[name] = (...args: unknown[]) => fn.apply(raw, NativeHandle.passes(args));
  }
  const fast: Partial<Addon> = {
    configNew() {
      const code = hot.configNew();
      return code === 0 ? { code, config: new NativeHandle('pmem2_config', out[0]!) as Config } : failed(code);
    },
    configDelete(cfg) {
      const code = hot.configDelete(id(cfg));
      const pointerCleared = out[0] === 1;
      return code === 0 ? { code, pointerCleared } : { ...failed(code), pointerCleared };
    },
    configSetRequiredStoreGranularity(cfg, g) {
      const code = hot.configSetRequiredStoreGranularity(id(cfg), g);
      return code === 0 ? { code } : failed(code);
    },
    sourceFromFd(fd) {
      const code = hot.sourceFromFd(fd);
      return code === 0 ? { code, source: new NativeHandle('pmem2_source', out[0]!) as Source } : failed(code);
    },
    sourceDelete(src) {
      const code = hot.sourceDelete(id(src));
      const pointerCleared = out[0] === 1;
      return code === 0 ? { code, pointerCleared } : { ...failed(code), pointerCleared };
    },
    mapNew(cfg, src) {
      const code = hot.mapNew(id(cfg), id(src));
      const mapPtr = POINTER_STATES[out[1]!]!;
      const r: CallResult & { map?: Map; mapPtr: PointerState } = code === 0 ? { code, mapPtr } : { ...failed(code), mapPtr };
      if (out[0] !== 0) r.map = new NativeHandle('pmem2_map', out[0]!) as Map;
      return r;
    },
    mapDelete(map) {
      const code = hot.mapDelete(id(map));
      const mapPtr = POINTER_STATES[out[0]!]!;
      return code === 0 ? { code, mapPtr } : { ...failed(code), mapPtr };
    },
  };
  return Object.assign(wrapped, fast) as unknown as Addon;
}

export function loadAddon(): Addon {
  if (!addon) {
    const require = createRequire(import.meta.url);
    let raw: Record<string, unknown>;
    try {
      raw = require(ADDON_FILE) as Record<string, unknown>;
    } catch (e) {
      throw new Error(`cannot load the native addon ${ADDON_FILE} (${(e as Error).message.split('\n')[0]}); run npm install`);
    }
    addon = wrapAddon(raw);
  }
  return addon;
}

/** the addon with libpmem2 loaded from `libPath` (default: the system library) */
export function pmem2(libPath = 'libpmem2.so.1'): Addon {
  const a = loadAddon();
  a.load(libPath);
  return a;
}
