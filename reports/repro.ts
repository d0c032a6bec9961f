/**
 * Standalone C reproducers: from a case's call log (runner/core/calllog.ts)
 * a small C program that makes the same calls with the same arguments
 * (files created and descriptors opened, closed and re-opened as the case
 * did; sources, configs, reservations, flags and sizes) against libpmem2,
 * prints what each call returned, and ends with the code of the call the
 * harness judged. Its first line, and `reproCc`, give the cc command that
 * builds it against the library the case ran on. Addresses are never
 * written in: an address the case got from a call (a reservation's or a
 * map's) is the C program's own variable, plus the same offset.
 *
 * Every line a reproducer prints about call N starts with "#N ", in the
 * order of the log, so a test can hold the program's output against the
 * codes and values the harness recorded (reports/repro.test.ts).
 */
import fs from 'node:fs';
import path from 'node:path';
import { constant } from '../runner/core/constants.js';
import type { CallRecord, CaseResult, RunResult } from '../runner/core/model.js';
import type { Reporter } from './reporter.js';

export interface Reproducer {
  /** the C program */
  source: string;
  /** the command that builds it against the library the case ran on (run from the file's directory) */
  cc: string;
  /** calls the generator could not write in C (left as comments); empty when the program makes every call */
  unsupported: string[];
}

type Enc = unknown;

const isHandle = (v: Enc): v is { h: string; id: number } => typeof v === 'object' && v !== null && 'h' in v;
const isBig = (v: Enc): v is { n: string } => typeof v === 'object' && v !== null && 'n' in v && Object.keys(v).length === 1;
const isBuf = (v: Enc): v is { buf: string } => typeof v === 'object' && v !== null && 'buf' in v;

const HANDLE_TYPE: Record<string, [string, string]> = {
  pmem2_source: ['struct pmem2_source', 'src'],
  pmem2_config: ['struct pmem2_config', 'cfg'],
  pmem2_map: ['struct pmem2_map', 'map'],
  pmem2_vm_reservation: ['struct pmem2_vm_reservation', 'rsv'],
};

/** a C string literal of `s` (UTF-8), or of raw bytes */
function cstr(s: string | Buffer): string {
  const bytes = typeof s === 'string' ? Buffer.from(s, 'utf8') : s;
  return `"${[...bytes].map((b) => (b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c && b !== 0x3f ? String.fromCharCode(b) : `\\${b.toString(8).padStart(3, '0')}`)).join('')}"`;
}

/**
 * bytes -- a C expression for the bytes a case wrote: a literal when short, else a
 * buffer filled in a loop when they follow (a * i + c) mod 256 (the suites' patterns), else a literal
 */
function bytes(w: Writer, data: Buffer): string {
  if (data.length <= 64) return cstr(data);
  // b[i] = a * i + c + d * (i / 4096), mod 256: a step per byte and one per 4 KiB block
  const c = data[0]!;
  const a = (data[1]! - c + 256) % 256;
  const d = data.length > 4096 ? (((data[4096]! - a * 4096 - c) % 256) + 256) % 256 : 0;
  if (data.every((b, i) => b === (a * i + c + d * (i >> 12)) % 256)) {
    const v = w.fresh('data');
    w.decls.set(v, `static unsigned char ${v}[${data.length}];`);
    w.line(`for (size_t i = 0; i < sizeof(${v}); i++)`);
    w.line(`\t${v}[i] = (unsigned char)((${a} * i + ${c} + ${d} * (i >> 12)) % 256);`);
    return v;
  }
  return cstr(data);
}

/** the integer a logged number or bigint stands for */
function big(v: Enc): bigint | undefined {
  if (typeof v === 'number' && Number.isInteger(v)) return BigInt(v);
  if (isBig(v)) return BigInt(v.n);
  return undefined;
}

/** a C integer literal of `v` (unsigned 64-bit when it does not fit an int) */
function lit(v: bigint): string {
  if (v >= -(2n ** 31n) && v < 2n ** 31n) return v.toString();
  if (v < 0n) return `(INT64_C(${v + 1n}) - 1)`;
  return `UINT64_C(${v})`;
}

const OPEN_FLAGS: Record<string, string> = {
  r: 'O_RDONLY',
  'r+': 'O_RDWR',
  w: 'O_WRONLY | O_CREAT | O_TRUNC',
  'w+': 'O_RDWR | O_CREAT | O_TRUNC',
  a: 'O_WRONLY | O_CREAT | O_APPEND',
  'a+': 'O_RDWR | O_CREAT | O_APPEND',
  wx: 'O_WRONLY | O_CREAT | O_EXCL',
  'wx+': 'O_RDWR | O_CREAT | O_EXCL',
};

/** what the name the harness observed is, as C can test it: a header constant, an errno, or success */
function nameTest(name: string): string | undefined {
  if (name === '0') return '0';
  if (/^PMEM2_[A-Z0-9_]+$/.test(name)) return name;
  if (/^-E[A-Z0-9]+$/.test(name)) return `(-${name.slice(1)})`;
  return undefined;
}

class Writer {
  readonly body: string[] = [];
  readonly decls = new Map<string, string>();
  readonly unsupported: string[] = [];
  /** handle "kind#id" -> C variable */
  private readonly handles = new Map<string, string>();
  /** fd number -> C variable holding the descriptor most recently given that number */
  private readonly fds = new Map<number, string>();
  /** addresses the case got from calls: C expression -> value */
  private readonly addrs: { expr: string; value: bigint }[] = [];
  private n = 0;

  constructor(private readonly dir: string | undefined) {}

  fresh(prefix: string): string {
    return `${prefix}${++this.n}`;
  }

  handle(v: Enc): string {
    if (v === null || v === undefined) return 'NULL';
    if (!isHandle(v)) throw new Error(`not a handle: ${JSON.stringify(v)}`);
    const key = `${v.h}#${v.id}`;
    const known = this.handles.get(key);
    if (known) return known;
    const t = HANDLE_TYPE[v.h];
    if (!t) throw new Error(`no C type for handle kind ${v.h}`);
    const name = v.id < 0 ? `${t[1]}_of_call${-v.id}` : `${t[1]}${v.id}`;
    this.decls.set(name, `${t[0]} *${name} = NULL;`);
    this.handles.set(key, name);
    return name;
  }

  fd(v: Enc): string {
    const n = Number(v);
    return this.fds.get(n) ?? String(n);
  }

  bindFd(n: number, name: string): void {
    this.fds.set(n, name);
  }

  /** an address argument: the variable it came from plus its offset, else the number */
  addr(v: Enc): string {
    const x = big(v);
    if (x === undefined) return '0';
    if (x === 0n) return 'NULL';
    // the nearest base at or below the address (it lies inside that mapping), else the nearest above it:
    // the program's mappings land elsewhere, so an offset from the wrong base points into the wrong one
    let best: { expr: string; d: bigint } | undefined;
    const rank = (d: bigint) => (d >= 0n ? d : (1n << 62n) - d);
    for (const a of this.addrs) {
      const d = x - a.value;
      if (d < -(64n << 20n) || d > 64n << 20n) continue;
      if (!best || rank(d) < rank(best.d)) best = { expr: a.expr, d };
    }
    if (best) return best.d === 0n ? `(void *)${best.expr}` : `(void *)(${best.expr} + ${lit(best.d)})`;
    return `(void *)${lit(x)}`;
  }

  bindAddr(expr: string, v: Enc): void {
    const x = big(v);
    if (x !== undefined && x !== 0n) this.addrs.unshift({ expr, value: x });
  }

  num(v: Enc): string {
    const x = big(v);
    if (x === undefined) throw new Error(`not a number: ${JSON.stringify(v)}`);
    return lit(x);
  }

  /** a path the case used: inside the fixture's directory it is made relative to the program's directory */
  path(p: string): string {
    if (this.dir && (p === this.dir || p.startsWith(`${this.dir}/`))) {
      const rest = p.slice(this.dir.length);
      return rest ? `in_dir(${cstr(rest)})` : 'dir';
    }
    return cstr(p);
  }

  line(s: string): void {
    this.body.push(`\t${s}`);
  }
}

/** report -- the lines that print call `i`'s return code, and mark the judged call */
function report(w: Writer, i: number, fn: string, rec: CallRecord, codeExpr: string, observedName?: string): void {
  w.line(`printf("#${i} ${fn} = %d\\n", ${codeExpr});`);
  const code = (rec.ret as { code?: number } | undefined)?.code;
  if (code !== undefined && code !== 0) w.line(`printf("#${i} message: %s\\n", pmem2_errormsg());`);
  if (rec.judged) {
    w.line(`observed = ${codeExpr};`);
    const t = observedName ? nameTest(observedName) : undefined;
    if (t) w.line(`is_observed_name = (observed == ${t});`);
  }
}

const GRANULARITIES = ['PMEM2_GRANULARITY_BYTE', 'PMEM2_GRANULARITY_CACHE_LINE', 'PMEM2_GRANULARITY_PAGE'];
const SHARINGS = ['PMEM2_SHARED', 'PMEM2_PRIVATE'];

/** named -- the header's name for a value the case passed, when the installed header gives it that value; else a cast number */
function named(v: Enc, names: string[], type: string, w: Writer): string {
  const n = big(v);
  const name = names.find((x) => n !== undefined && constant('libpmem2', x) === Number(n));
  return name ?? `(${type})${w.num(v)}`;
}

/** emit -- the C lines of one logged call */
function emit(w: Writer, i: number, rec: CallRecord, observedName: string | undefined): void {
  const a = rec.args;
  const ret = rec.ret as Record<string, Enc> | undefined;
  const call = (fn: string, expr: string) => {
    w.line(`r = ${expr};`);
    report(w, i, fn, rec, 'r', observedName);
  };
  switch (rec.fn) {
    case 'fs.openSync': {
      const v = w.fresh('fd');
      const flags = OPEN_FLAGS[String(a[1] ?? 'r')];
      if (!flags) throw new Error(`open flags ${String(a[1])}`);
      const mode = a[2] !== undefined ? `, 0${Number(a[2]).toString(8)}` : flags.includes('O_CREAT') ? ', 0666' : '';
      w.decls.set(v, `int ${v} = -1;`);
      w.line(`${v} = open(${w.path(String(a[0]))}, ${flags}${mode});`);
      w.line(`if (${v} < 0) die("open", ${w.path(String(a[0]))});`);
      // the case got this descriptor number: an earlier source may hold the same number (a swapped descriptor)
      const prior = typeof ret === 'number' ? w.fd(ret) : undefined;
      if (prior && prior !== String(ret))
        w.line(`if (${v} != ${prior} && (dup2(${v}, ${prior}) < 0 || close(${v}) < 0 || (${v} = ${prior}) < 0)) die("dup2", "");`);
      if (typeof ret === 'number') w.bindFd(ret as number, v);
      return;
    }
    case 'fs.closeSync':
      w.line(`close(${w.fd(a[0])});`);
      return;
    case 'fs.ftruncateSync':
      w.line(`if (ftruncate(${w.fd(a[0])}, ${w.num(a[1] ?? 0)}) != 0) die("ftruncate", "");`);
      return;
    case 'fs.writeSync': {
      // writeSync(fd, buffer, offset, length, position) or writeSync(fd, string)
      let data = isBuf(a[1]) ? Buffer.from(a[1].buf, 'hex') : Buffer.from(String(a[1]));
      if (isBuf(a[1]) && typeof a[2] === 'number') data = data.subarray(a[2], typeof a[3] === 'number' ? a[2] + a[3] : undefined);
      const at = typeof a[4] === 'number' ? a[4] : undefined;
      const how = at === undefined ? `write(${w.fd(a[0])}, ` : `pwrite(${w.fd(a[0])}, `;
      w.line(`if (${how}${bytes(w, data)}, ${data.length}${at === undefined ? '' : `, ${at}`}) != ${data.length}) die("write", "");`);
      return;
    }
    case 'fs.rmSync':
    case 'fs.unlinkSync':
      // the harness removing what it made; a missing file is no failure here either
      w.line(`(void)unlink(${w.path(String(a[0]))});`);
      return;
    case 'closeFd':
      w.line(`close(${w.fd(a[0])});`);
      return;
    case 'freeAddress': {
      const v = w.fresh('free');
      w.decls.set(v, `char *${v} = NULL;`);
      w.line(`${v} = free_address(${w.num(a[0])}, ${w.num(a[1])});`);
      w.bindAddr(v, rec.ret);
      return;
    }
    case 'sourceFromFd':
      return call(
        'pmem2_source_from_fd',
        `pmem2_source_from_fd(&${w.handle(ret?.source ?? { h: 'pmem2_source', id: -i })}, ${w.fd(a[0])})`,
      );
    case 'sourceFromAnon':
      return call(
        'pmem2_source_from_anon',
        `pmem2_source_from_anon(&${w.handle(ret?.source ?? { h: 'pmem2_source', id: -i })}, ${w.num(a[0])})`,
      );
    case 'sourceSize':
    case 'sourceAlignment': {
      const v = w.fresh('value');
      w.decls.set(v, `size_t ${v} = 0;`);
      const fn = rec.fn === 'sourceSize' ? 'pmem2_source_size' : 'pmem2_source_alignment';
      call(fn, `${fn}(${w.handle(a[0])}, &${v})`);
      w.line(`printf("#${i} value = %zu\\n", ${v});`);
      return;
    }
    case 'sourceDelete':
      return call('pmem2_source_delete', `pmem2_source_delete(&${w.handle(a[0])})`);
    case 'configNew':
      return call('pmem2_config_new', `pmem2_config_new(&${w.handle(ret?.config ?? { h: 'pmem2_config', id: -i })})`);
    case 'configDelete':
      return call('pmem2_config_delete', `pmem2_config_delete(&${w.handle(a[0])})`);
    case 'configSetRequiredStoreGranularity':
      return call(
        'pmem2_config_set_required_store_granularity',
        `pmem2_config_set_required_store_granularity(${w.handle(a[0])}, ${named(a[1], GRANULARITIES, 'enum pmem2_granularity', w)})`,
      );
    case 'configSetOffset':
      return call('pmem2_config_set_offset', `pmem2_config_set_offset(${w.handle(a[0])}, ${w.num(a[1])})`);
    case 'configSetLength':
      return call('pmem2_config_set_length', `pmem2_config_set_length(${w.handle(a[0])}, ${w.num(a[1])})`);
    case 'configSetSharing':
      return call(
        'pmem2_config_set_sharing',
        `pmem2_config_set_sharing(${w.handle(a[0])}, ${named(a[1], SHARINGS, 'enum pmem2_sharing_type', w)})`,
      );
    case 'configSetProtection':
      return call('pmem2_config_set_protection', `pmem2_config_set_protection(${w.handle(a[0])}, ${w.num(a[1])})`);
    case 'configSetVmReservation':
      return call(
        'pmem2_config_set_vm_reservation',
        `pmem2_config_set_vm_reservation(${w.handle(a[0])}, ${w.handle(a[1])}, ${w.num(a[2] ?? 0)})`,
      );
    case 'mapNew':
      return call(
        'pmem2_map_new',
        `pmem2_map_new(&${w.handle(ret?.map ?? { h: 'pmem2_map', id: -i })}, ${w.handle(a[0])}, ${w.handle(a[1])})`,
      );
    case 'mapDelete':
      return call('pmem2_map_delete', `pmem2_map_delete(&${w.handle(a[0])})`);
    case 'mapFunctions':
      // which functions the map hands out: the program below calls them through the same getters
      return;
    case 'forkMore': {
      if (a[0] !== 'map_memset_cpu_limited') throw new Error(`no C for forkMore ${String(a[0])}`);
      // the map's memset and persist in a child with a CPU limit: a loop that never ends dies of SIGXCPU
      const map = w.handle(a[1]);
      const st = w.fresh('status');
      w.decls.set(st, `int ${st} = 0;`);
      w.line('{');
      w.line('\tpid_t pid = fork();');
      w.line('\tif (pid < 0) die("fork", "");');
      w.line('\tif (pid == 0) {');
      w.line(`\t\tstruct rlimit rl = {${w.num(a[4])}, ${w.num(a[4])}};`);
      w.line('\t\tif (setrlimit(RLIMIT_CPU, &rl) != 0) _exit(125);');
      w.line(`\t\tchar *at = (char *)pmem2_map_get_address(${map}) + ${w.num(a[2])};`);
      w.line(`\t\tpmem2_get_memset_fn(${map})(at, 0x5a, ${w.num(a[3])}, 0);`);
      w.line(`\t\tpmem2_get_persist_fn(${map})(at, ${w.num(a[3])});`);
      w.line(`\t\tfor (size_t k = 0; k < ${w.num(a[3])}; k++) if ((unsigned char)at[k] != 0x5a) _exit(1);`);
      w.line('\t\t_exit(0);');
      w.line('\t}');
      w.line(`\tif (waitpid(pid, &${st}, 0) != pid) die("waitpid", "");`);
      w.line('}');
      w.line(`if (WIFSIGNALED(${st}))`);
      w.line(
        `\tprintf("#${i} memset+persist in a child: killed by signal %d%s\\n", WTERMSIG(${st}), WTERMSIG(${st}) == SIGXCPU ? " (out of CPU time: no return)" : "");`,
      );
      w.line('else');
      w.line(`\tprintf("#${i} map_memset_cpu_limited = %d\\n", WEXITSTATUS(${st}));`);
      return;
    }
    case 'forkInject': {
      const inj = (a[0] ?? {}) as { fakeDevdax?: boolean; syscall?: string };
      if (!inj.fakeDevdax || inj.syscall !== undefined || a[1] !== 'devdax_badblock_context_new')
        throw new Error(`no C for forkInject ${String(a[1])}`);
      // /dev/zero made a device DAX to libpmem2 in a child's private mount namespace (native/addon/inject.cc)
      w.line('{');
      w.line('\tint pfd[2];');
      w.line('\tif (pipe(pfd) != 0) die("pipe", "");');
      w.line('\tpid_t pid = fork();');
      w.line('\tif (pid < 0) die("fork", "");');
      w.line('\tif (pid == 0) {');
      w.line('\t\tstruct stat st;');
      w.line('\t\tif (stat("/dev/zero", &st) != 0 || unshare(CLONE_NEWNS) != 0 ||');
      w.line('\t\t    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||');
      w.line('\t\t    mount("fake", "/sys/dev/char", "tmpfs", 0, "mode=0755") != 0)');
      w.line('\t\t\t_exit(125);');
      w.line('\t\tchar dir[64], link[96];');
      w.line('\t\tsnprintf(dir, sizeof(dir), "/sys/dev/char/%u:%u", major(st.st_rdev), minor(st.st_rdev));');
      w.line('\t\tsnprintf(link, sizeof(link), "%s/subsystem", dir);');
      w.line('\t\tif (mkdir("/sys/dev/char/dax", 0755) != 0 || mkdir(dir, 0755) != 0 || symlink("../dax", link) != 0)');
      w.line('\t\t\t_exit(125);');
      w.line('\t\tint zfd = open("/dev/zero", O_RDWR);');
      w.line('\t\tstruct pmem2_source *zsrc = NULL;');
      w.line('\t\tstruct pmem2_badblock_context *bbctx = NULL;');
      w.line('\t\tint c = zfd < 0 ? -errno : pmem2_source_from_fd(&zsrc, zfd);');
      w.line('\t\tif (c == 0) c = pmem2_badblock_context_new(&bbctx, zsrc);');
      w.line('\t\tif (write(pfd[1], &c, sizeof(c)) != (ssize_t)sizeof(c)) _exit(124);');
      w.line('\t\t_exit(0);');
      w.line('\t}');
      w.line('\tclose(pfd[1]);');
      w.line('\tif (read(pfd[0], &r, sizeof(r)) != (ssize_t)sizeof(r)) die("the child", "gave no code");');
      w.line('\tclose(pfd[0]);');
      w.line('\t(void)waitpid(pid, NULL, 0);');
      w.line('}');
      report(w, i, 'pmem2_badblock_context_new', rec, 'r', observedName);
      return;
    }
    case 'pmem2Exports':
      // the harness asking whether the build has a function: the program links against it
      return;
    case 'plainMap': {
      // memory libpmem2 did not map: an anonymous private mapping of the case's length and protection
      const v = w.fresh('plain');
      w.decls.set(v, `char *${v} = NULL;`);
      w.line(`${v} = mmap(NULL, ${w.num(a[0])}, ${w.num(a[1])}, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);`);
      w.line(`if (${v} == MAP_FAILED) die("mmap", "");`);
      w.bindAddr(v, rec.ret);
      return;
    }
    case 'plainUnmap':
      w.line(`(void)munmap(${w.addr(a[0])}, ${w.num(a[1])});`);
      return;
    case 'mapFromExisting':
      return call(
        'pmem2_map_from_existing',
        `pmem2_map_from_existing(&${w.handle(ret?.map ?? { h: 'pmem2_map', id: -i })}, ${w.handle(a[0])}, ${w.addr(a[1])}, ${w.num(a[2])}, ${named(a[3], GRANULARITIES, 'enum pmem2_granularity', w)})`,
      );
    case 'mapGetAddress': {
      const v = w.fresh('addr');
      w.decls.set(v, `char *${v} = NULL;`);
      w.line(`${v} = pmem2_map_get_address(${w.handle(a[0])});`);
      w.bindAddr(v, rec.ret);
      return;
    }
    case 'mapGetSize':
      w.line(`printf("#${i} value = %zu\\n", pmem2_map_get_size(${w.handle(a[0])}));`);
      return;
    case 'mapGetStoreGranularity':
      w.line(`printf("#${i} value = %d\\n", (int)pmem2_map_get_store_granularity(${w.handle(a[0])}));`);
      return;
    case 'mapWrite': {
      const data = isBuf(a[2]) ? Buffer.from(a[2].buf, 'hex') : Buffer.alloc(0);
      w.line(`memcpy((char *)pmem2_map_get_address(${w.handle(a[0])}) + ${w.num(a[1])}, ${bytes(w, data)}, ${data.length});`);
      return;
    }
    case 'mapPersist':
    case 'mapFlush': {
      const fn = rec.fn === 'mapPersist' ? 'pmem2_get_persist_fn' : 'pmem2_get_flush_fn';
      w.line(`${fn}(${w.handle(a[0])})((char *)pmem2_map_get_address(${w.handle(a[0])}) + ${w.num(a[1])}, ${w.num(a[2])});`);
      return;
    }
    case 'mapDrain':
      w.line(`pmem2_get_drain_fn(${w.handle(a[0])})();`);
      return;
    case 'mapDeepFlush':
      return call(
        'pmem2_deep_flush',
        `pmem2_deep_flush(${w.handle(a[0])}, (char *)pmem2_map_get_address(${w.handle(a[0])}) + ${w.num(a[1])}, ${w.num(a[2])})`,
      );
    case 'reservationNew':
      return call(
        'pmem2_vm_reservation_new',
        `pmem2_vm_reservation_new(&${w.handle(ret?.reservation ?? { h: 'pmem2_vm_reservation', id: -i })}, ${w.addr(a[0])}, ${w.num(a[1])})`,
      );
    case 'reservationDelete':
      return call('pmem2_vm_reservation_delete', `pmem2_vm_reservation_delete(&${w.handle(a[0])})`);
    case 'reservationExtend':
      return call('pmem2_vm_reservation_extend', `pmem2_vm_reservation_extend(${w.handle(a[0])}, ${w.num(a[1])})`);
    case 'reservationShrink':
      return call('pmem2_vm_reservation_shrink', `pmem2_vm_reservation_shrink(${w.handle(a[0])}, ${w.num(a[1])}, ${w.num(a[2])})`);
    case 'reservationGetAddress': {
      const v = w.fresh('raddr');
      w.decls.set(v, `char *${v} = NULL;`);
      w.line(`${v} = pmem2_vm_reservation_get_address(${w.handle(a[0])});`);
      w.bindAddr(v, rec.ret);
      return;
    }
    case 'reservationGetSize':
      w.line(`printf("#${i} value = %zu\\n", pmem2_vm_reservation_get_size(${w.handle(a[0])}));`);
      return;
    case 'reservationMapFind': {
      const v = w.fresh('found');
      w.decls.set(v, `struct pmem2_map *${v} = NULL;`);
      return call(
        'pmem2_vm_reservation_map_find',
        `pmem2_vm_reservation_map_find(${w.handle(a[0])}, ${w.num(a[1])}, ${w.num(a[2])}, &${v})`,
      );
    }
    case 'errormsg':
      w.line(`printf("#${i} errormsg = %s\\n", pmem2_errormsg());`);
      return;
    case 'pageFlags':
      w.line(`page_flags(${i}, ${w.addr(a[0])});`);
      return;
    // what the harness reads to judge, and constants: no call to reproduce
    case 'pageSize':
    case 'mapRead':
    case 'readAddress':
    case 'isMapped':
    case 'codeName':
      return;
    default:
      throw new Error(`no C for ${rec.fn}`);
  }
}

const PRELUDE = `#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libpmem2.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[4096];

/* die -- a step that builds the situation failed: not the finding */
static void
die(const char *what, const char *arg)
{
	fprintf(stderr, "setup failed: %s %s: %s\\n", what, arg, strerror(errno));
	exit(2);
}

/* in_dir -- a path inside the directory the files are made in */
__attribute__((unused)) static const char *
in_dir(const char *rest)
{
	static char buf[8][4096];
	static int next;
	char *p = buf[next++ % 8];
	snprintf(p, sizeof(buf[0]), "%s%s", dir, rest);
	return p;
}

/* free_address -- an align-aligned address with size bytes free behind it, as the harness picks one */
__attribute__((unused)) static char *
free_address(size_t size, size_t align)
{
	size_t span = size + align + (64UL << 20);
	void *p = mmap(NULL, span, PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		die("mmap", "");
	uintptr_t a = ((uintptr_t)p + align - 1) & ~(uintptr_t)(align - 1);
	if (munmap(p, span) != 0)
		die("munmap", "");
	return (char *)a;
}

/* page_flags -- whether the page at addr is present, dirty, under write-back (pagemap + kpageflags; root) */
__attribute__((unused)) static void
page_flags(int call, void *addr)
{
	long psz = sysconf(_SC_PAGESIZE);
	uint64_t entry = 0, flags = 0;
	int fd = open("/proc/self/pagemap", O_RDONLY);
	if (fd < 0 || pread(fd, &entry, 8, (off_t)((uintptr_t)addr / (uintptr_t)psz) * 8) != 8)
		die("read", "/proc/self/pagemap");
	close(fd);
	if (!((entry >> 63) & 1)) {
		printf("#%d page present=0\\n", call);
		return;
	}
	fd = open("/proc/kpageflags", O_RDONLY);
	uint64_t pfn = entry & ((1ULL << 55) - 1);
	if (fd < 0 || pread(fd, &flags, 8, (off_t)pfn * 8) != 8)
		die("read", "/proc/kpageflags");
	close(fd);
	printf("#%d page present=1 dirty=%d writeback=%d\\n", call, (int)((flags >> 4) & 1), (int)((flags >> 8) & 1));
}
`;

/** reproCommand -- the command that writes the C reproducer of case `id` from the run's results.json */
export function reproCommand(id: string): string {
  return `npx pmem-conform repro '${id.replace(/'/g, "'\\''")}'`;
}

/** reproFileName -- a file name for case `id`'s reproducer: readable, and unique by a short hash */
export function reproFileName(id: string): string {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(id, 'utf8')) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  const slug = id
    .replace(/[^A-Za-z0-9_.-]+/g, '_')
    .replace(/_+/g, '_')
    .slice(0, 80);
  return `${slug}-${h.toString(16).padStart(8, '0')}.c`;
}

/** reproCc -- the cc command that builds `file` against the library at `lib` (and runs it from there) */
export function reproCc(file: string, lib: string): string {
  const out = file.replace(/\.c$/, '');
  const libDir = path.dirname(lib);
  return `cc -std=c11 -Wall -o ${out} ${file} ${lib} -Wl,-rpath,${libDir}`;
}

/** generateRepro -- the C reproducer of case `c` of `result`; throws when the case has no call log */
export function generateRepro(c: CaseResult, result: RunResult, file = reproFileName(c.id)): Reproducer {
  if (!c.calls || c.calls.length === 0)
    throw new Error(`case ${c.id} has no call log (only divergences and crashes of suite cases record one)`);
  if (c.implementation !== 'libpmem2') throw new Error(`case ${c.id}: reproducers are written for libpmem2 cases, not ${c.implementation}`);
  // a merged report of many hosts: the case's own host ran it, on its fixture and its build
  const env = result.hosts?.find((h) => h.label === c.host)?.environment ?? result.environment;
  const fixtureName = c.host ? c.fixture.slice(0, c.fixture.length - ` @ ${c.host}`.length) : c.fixture;
  const fixture = env.fixtures.find((f) => f.name === fixtureName) ?? result.environment.fixtures.find((f) => f.name === c.fixture);
  const lib = env.implementations.find((i) => i.name === c.implementation)?.path ?? 'libpmem2.so.1';
  const libPath = lib.includes('/') ? lib : `/usr/lib/x86_64-linux-gnu/${lib}`;
  const w = new Writer(fixture?.directory);
  w.decls.set('r', 'int r = 0;');
  w.decls.set('observed', 'int observed = 0;');
  w.decls.set('is_observed_name', 'int is_observed_name = -1;');
  for (const [i, rec] of c.calls.entries()) {
    try {
      emit(w, i, rec, c.observed?.name);
    } catch (e) {
      w.unsupported.push(`#${i} ${rec.fn}: ${(e as Error).message}`);
      w.line(`/* not reproduced: #${i} ${rec.fn}(${JSON.stringify(rec.args).replace(/\*\//g, '* /')}) */`);
    }
  }
  const judged = c.calls.some((r) => r.judged);
  const cc = reproCc(file, libPath);
  const tmpfsLike = fixture?.kind === 'tmpfs';
  const o = c.observed;
  const header = [
    `/*`,
    ` * ${cc}`,
    ` * ./${file.replace(/\.c$/, '')} [DIRECTORY]`,
    ` *`,
    ` * pmem-conform reproducer of ${c.id}`,
    ` * clause: ${c.clause} -- ${c.page}`,
    ` *   "${c.clauseText.replace(/\*\//g, '* /').slice(0, 300)}"`,
    ` * the page permits: ${c.permitted.join(', ') || 'nothing'}; the harness observed ${o ? `${o.name} (${o.code}) from ${o.at}` : 'nothing'}`,
    ...(c.reason ? [` * finding: ${c.reason.replace(/\*\//g, '* /').slice(0, 400)}`] : []),
    ` * ran on ${c.fixture} (${fixture?.kind ?? 'unknown kind'}) with ${lib}; files are made in DIRECTORY`,
    ` * (default: a fresh directory under ${tmpfsLike ? '/dev/shm, a tmpfs' : '/var/tmp; name one on the fixture\u2019s filesystem'}).`,
    ` * Each call prints "#N name = code" in the order the harness made it; the last line is the judged code.`,
    ` */`,
  ];
  const main = [
    'int',
    'main(int argc, char *argv[])',
    '{',
    ...[...w.decls.values()].map((d) => `\t${d}`),
    '',
    '\tif (argc > 1) {',
    '\t\tsnprintf(dir, sizeof(dir), "%s", argv[1]);',
    '\t} else {',
    `\t\tsnprintf(dir, sizeof(dir), "%s", ${cstr(tmpfsLike ? '/dev/shm/pmem-repro-XXXXXX' : '/var/tmp/pmem-repro-XXXXXX')});`,
    '\t\tif (!mkdtemp(dir))',
    '\t\t\tdie("mkdtemp", dir);',
    '\t}',
    '\tprintf("files in %s\\n", dir);',
    ...w.body,
    '',
    judged
      ? `\tprintf("observed %d%s\\n", observed, is_observed_name == 1 ? ${cstr(` ${o?.name ?? ''}`)} : is_observed_name == 0 ? ${cstr(` (not ${o?.name ?? ''})`)} : "");`
      : `\tprintf("observed: the harness judged what the calls above printed (${(o?.name ?? '').replace(/["\\%]/g, '')})\\n");`,
    ...[...w.decls.keys()].map((d) => `\t(void)${d};`),
    '\treturn 0;',
    '}',
  ];
  return { source: `${[...header, PRELUDE, ...main].join('\n')}\n`, cc, unsupported: w.unsupported };
}

/** ReproReporter -- writes a reproducer next to the report for every divergence and crash with a call log */
export class ReproReporter implements Reporter {
  constructor(private readonly dir: string) {}

  end(result: RunResult): void {
    for (const c of result.cases) {
      if ((c.verdict !== 'diverge' && c.verdict !== 'crash') || !c.calls?.length || c.implementation !== 'libpmem2') continue;
      const file = reproFileName(c.id);
      fs.mkdirSync(this.dir, { recursive: true });
      fs.writeFileSync(path.join(this.dir, file), generateRepro(c, result, file).source);
    }
  }
}
