/**
 * What a run checks before its first case, so bad input costs one line and
 * exit 2 instead of a run whose results are lost at the end: the output
 * places (writable, on a real filesystem, regular files), the fixtures'
 * names and paths (each once; the directory of fsdax:DIR exists; the guest
 * is set up), a replay path's form.
 */
import fs from 'node:fs';
import path from 'node:path';
import { checkNamespaceSpec, emulatedAvailable, FIXTURES, isRemoteSpec } from '../../fixtures/index.js';
import { hasCommand, isRoot, mounts } from '../../fixtures/sys.js';
import { UsageError } from './options.js';

/** filesystems that are not storage: a report written there is lost, or the write never ends (/proc/self/...) */
const SPECIAL_FS = new Set([
  'proc',
  'sysfs',
  'devtmpfs',
  'devpts',
  'cgroup',
  'cgroup2',
  'debugfs',
  'tracefs',
  'securityfs',
  'pstore',
  'bpf',
  'configfs',
  'fusectl',
  'mqueue',
  'efivarfs',
  'binfmt_misc',
  'autofs',
  'nsfs',
  'rpc_pipefs',
]);

/** the deepest part of `p` that exists */
function nearestExisting(p: string): string {
  let cur = p;
  for (;;) {
    try {
      fs.statSync(cur);
      return cur;
    } catch {
      const up = path.dirname(cur);
      if (up === cur) return cur;
      cur = up;
    }
  }
}

/** the filesystem type `p` (which exists) lives on, from the mount table */
function fsTypeOf(p: string): string | undefined {
  let real = p;
  try {
    real = fs.realpathSync(p);
  } catch {
    /* use p as given */
  }
  const m = mounts()
    .filter((x) => real === x.point || real.startsWith(x.point === '/' ? '/' : `${x.point}/`))
    .sort((a, b) => b.point.length - a.point.length)[0];
  return m?.type;
}

function code(e: unknown): string {
  return (e as NodeJS.ErrnoException).code ?? (e as Error).message;
}

/** the errno of writing a file in `dir`, undefined when that works */
function whyNotWritable(dir: string): string | undefined {
  const probe = path.join(dir, `.pmem-conform-probe-${process.pid}`);
  try {
    fs.writeFileSync(probe, 'x', { flag: 'wx' });
    fs.rmSync(probe, { force: true });
    return undefined;
  } catch (e) {
    return code(e);
  }
}

/** checkOutputDir -- `dir` exists or can be made, is on storage, and takes a new file; `what` names the option */
export function checkOutputDir(what: string, dir: string, shown = dir): void {
  const abs = path.resolve(dir);
  dir = shown;
  const existing = nearestExisting(abs);
  const type = fsTypeOf(existing);
  if (type && SPECIAL_FS.has(type)) throw new UsageError(`${what} ${dir}: on a ${type} filesystem, which holds no files`);
  if (existing === abs) {
    if (!fs.statSync(abs).isDirectory()) throw new UsageError(`${what} ${dir}: not a directory`);
  } else if (!fs.statSync(existing).isDirectory()) {
    throw new UsageError(`${what} ${dir}: ${existing} is not a directory`);
  }
  try {
    fs.mkdirSync(abs, { recursive: true });
  } catch (e) {
    // a recursive mkdir on a read-only filesystem says ENOENT: ask the deepest existing directory why
    throw new UsageError(`${what} ${dir}: cannot create the directory (${whyNotWritable(existing) ?? code(e)})`);
  }
  // access(W_OK) is not the answer for root, nor for every filesystem: write a file and take it away
  const probe = path.join(abs, `.pmem-conform-probe-${process.pid}`);
  try {
    fs.writeFileSync(probe, 'x', { flag: 'wx' });
  } catch (e) {
    throw new UsageError(`${what} ${dir}: cannot write there (${code(e)})`);
  } finally {
    fs.rmSync(probe, { force: true });
  }
}

/** checkOutputFile -- `file` may be replaced by a report: a regular file or nothing, in a writable directory */
export function checkOutputFile(what: string, file: string): void {
  const abs = path.resolve(file);
  let st: fs.Stats | undefined;
  try {
    st = fs.statSync(abs);
  } catch {
    /* to be created */
  }
  if (st && !st.isFile()) throw new UsageError(`${what} ${file}: exists and is not a regular file`);
  checkOutputDir(what, path.dirname(abs), file);
}

/**
 * checkFixtureSpecs -- each fixture named once, and what can be known of it
 * before the run: the directory of fsdax:DIR, the node of devdax:DEV, root
 * for loop filesystems, a prepared guest for emulated
 */
export function checkFixtureSpecs(given: string[], allowDestroyDevdax: boolean, allowDestroyPmem = false): void {
  const seen = new Set<string>();
  for (const spec of given) {
    if (seen.has(spec)) throw new UsageError(`--fixture ${spec} is given twice (each fixture runs once)`);
    seen.add(spec);
  }
  for (const spec of given) if (spec !== 'all') checkFixtureSpec(spec, allowDestroyDevdax, allowDestroyPmem);
}

function checkFixtureSpec(spec: string, allowDestroyDevdax: boolean, allowDestroyPmem: boolean): void {
  if (spec.startsWith('namespace:')) {
    // refused before anything is read or touched; then only read (ndctl list, the mount table, /proc/*/fd)
    if (!allowDestroyPmem)
      throw new UsageError(
        `fixture ${spec}: preparing it reformats and reconfigures the namespace (its contents are destroyed); pass --allow-destroy-pmem`,
      );
    try {
      checkNamespaceSpec(spec.slice('namespace:'.length));
    } catch (e) {
      throw new UsageError((e as Error).message);
    }
    return;
  }
  if (isRemoteSpec(spec)) {
    const force = /^(.+)\+force=.*$/s.exec(spec);
    if (force) {
      if (!isRemoteSpec(force[1]!)) checkFixtureSpec(force[1]!, allowDestroyDevdax, allowDestroyPmem);
      return;
    }
    const ok = emulatedAvailable();
    if (!ok.ok) throw new UsageError(`fixture ${spec}: ${ok.reason}`);
    return;
  }
  const [name, arg] = spec.split(/:(.*)/s, 2) as [string, string | undefined];
  if (!(name in FIXTURES)) return; // makeFixture names the known ones
  if (name === 'fsdax' || name === 'dir') {
    if (!arg)
      throw new UsageError(`fixture ${name}: name a ${name === 'fsdax' ? 'DAX-mounted ' : ''}directory, e.g. --fixture ${name}:/mnt/pmem0`);
    let st: fs.Stats;
    try {
      st = fs.statSync(arg);
    } catch (e) {
      throw new UsageError(`fixture ${spec}: ${arg}: ${code(e)}`);
    }
    if (!st.isDirectory()) throw new UsageError(`fixture ${spec}: ${arg} is not a directory`);
  } else if (name === 'devdax') {
    if (!arg) throw new UsageError('fixture devdax: name a device DAX node, e.g. --fixture devdax:/dev/dax0.0');
    if (!fs.existsSync(arg)) throw new UsageError(`fixture ${spec}: ${arg} does not exist`);
    if (!allowDestroyDevdax && process.env.PMEM_CONFORM_ALLOW_DESTROY_DEVDAX !== '1')
      throw new UsageError(`fixture ${spec}: the cases write to the device and may destroy its data; pass --allow-destroy-devdax`);
  } else if (name.startsWith('loop-')) {
    if (!isRoot()) throw new UsageError(`fixture ${spec}: needs root (losetup, mkfs, mount)`);
    const mkfs = `mkfs.${name.slice('loop-'.length)}`;
    for (const c of ['losetup', 'mount', 'umount', mkfs])
      if (!hasCommand(c)) throw new UsageError(`fixture ${spec}: ${c} not found${c === 'mkfs.xfs' ? ' (apt-get install xfsprogs)' : ''}`);
  }
}

/** checkReplayPath -- fast-check's replay path: numbers joined by ':', and for command sequences '|' and theirs */
export function checkReplayPath(p: string): void {
  if (!/^\d+(:\d+)*(\|[A-Za-z0-9+/=:_-]+)?$/.test(p))
    throw new UsageError(`--replay '${p}' is not a replay path (numbers joined by ':', as a failure report prints it)`);
}
