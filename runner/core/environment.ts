/** Facts about the machine a run happened on, for the report's environment. */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const FLUSH_FLAGS = ['clflush', 'clflushopt', 'clwb', 'movdir64b', 'avx512f', 'avx'];

export function cpuFlushInstructions(): string[] {
  try {
    const info = fs.readFileSync('/proc/cpuinfo', 'utf8');
    const line = info.split('\n').find((l) => l.startsWith('flags'));
    if (!line) return [];
    const flags = new Set(line.split(':')[1]!.trim().split(/\s+/));
    return FLUSH_FLAGS.filter((f) => flags.has(f));
  } catch {
    return [];
  }
}

const DPKG_STATUS = '/var/lib/dpkg/status';

/**
 * debianVersion -- the Debian package version of a system library, when
 * dpkg knows it: read from dpkg's status file ("name" or "name:arch", an
 * installed stanza), else what `dpkg-query -W` says. The file is read in
 * process because each CLI start asks, and in a TCG guest the dpkg-query
 * exec alone costs half a second of a start.
 */
export function debianVersion(pkg: string, statusFile = DPKG_STATUS): string | undefined {
  const fromStatus = statusVersion(pkg, statusFile);
  if (fromStatus) return fromStatus;
  try {
    return (
      execFileSync('dpkg-query', ['-W', '-f', '${Version}', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() ||
      undefined
    );
  } catch {
    return undefined;
  }
}

/** statusVersion -- the Version of the installed stanza of `pkg` ("name" or "name:arch") in a dpkg status file, or undefined */
export function statusVersion(pkg: string, statusFile = DPKG_STATUS): string | undefined {
  let text: string;
  try {
    text = fs.readFileSync(statusFile, 'utf8');
  } catch {
    return undefined;
  }
  const [name, arch] = pkg.split(':');
  // stanzas start with their Package field; the one of a multi-arch name may come once per architecture
  for (let at = text.indexOf(`Package: ${name}\n`); at >= 0; at = text.indexOf(`\nPackage: ${name}\n`, at + 1)) {
    if (at > 0 && text[at - 1] !== '\n') continue;
    const end = text.indexOf('\n\n', at);
    const fields = new Map<string, string>();
    for (const line of text.slice(at, end < 0 ? undefined : end).split('\n')) {
      const m = /^([A-Za-z-]+): (.*)$/.exec(line);
      if (m) fields.set(m[1]!, m[2]!);
    }
    if (!fields.get('Status')?.endsWith(' installed')) continue;
    if (arch && fields.get('Architecture') !== arch && fields.get('Architecture') !== 'all') continue;
    const v = fields.get('Version');
    if (v) return v;
  }
  return undefined;
}

/**
 * Directories Debian packages never install into (Policy 9.1: /usr/local,
 * /home, /tmp, /root, /srv, /mnt, /media, /run, /var/tmp are the admin's or
 * volatile): a build there is a maintainer's own, and no package list need
 * be searched for it.
 */
const NEVER_PACKAGED = ['/usr/local/', '/home/', '/tmp/', '/root/', '/srv/', '/mnt/', '/media/', '/run/', '/var/tmp/'];
const DPKG_INFO = '/var/lib/dpkg/info';

/**
 * ownerPackage -- the package (as "name:arch") whose file list holds `file`,
 * or undefined. The lists named after the file's own stem are read first
 * (libpmem2.so.1.0.0 -> libpmem2*.list: the library, its -debug and -dev):
 * `dpkg-query -S` reads all of them, about 900 files, which takes a TCG guest
 * reading the host's root over 9p 25 s before its first case. Only when no
 * such list names the file does dpkg-query search them all, so the answer is
 * the one dpkg would give.
 */
export function ownerPackage(file: string, infoDir = DPKG_INFO): string | undefined {
  if (NEVER_PACKAGED.some((d) => file.startsWith(d))) return undefined;
  const stem = path.basename(file).split('.so')[0]!;
  let lists: string[] = [];
  try {
    lists = fs.readdirSync(infoDir).filter((f) => f.endsWith('.list') && stem.length > 0 && f.startsWith(stem));
  } catch {
    // no dpkg database here: dpkg-query says so below
  }
  for (const l of lists.sort()) {
    try {
      if (fs.readFileSync(path.join(infoDir, l), 'utf8').split('\n').includes(file)) return l.slice(0, -'.list'.length);
    } catch {
      // an unreadable list is dpkg-query's to judge
    }
  }
  try {
    return (
      execFileSync('dpkg-query', ['-S', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
        .split('\n')[0]
        ?.split(':')
        .slice(0, -1)
        .join(':')
        .trim() || undefined
    );
  } catch {
    return undefined; // not a packaged file
  }
}

/**
 * buildVersion -- the version of a library build, however it was named:
 * the Debian package that owns the file (its list, on the resolved path),
 * else the file's own version suffix (libpmem2.so.1.0.0 from a source
 * tree), else undefined. The same library gives the same answer by soname
 * and by path.
 */
export function buildVersion(nameOrPath: string): string | undefined {
  const file = resolveSoname(nameOrPath);
  if (!file.includes('/')) return undefined;
  const owner = ownerPackage(file);
  const v = owner ? debianVersion(owner) : undefined;
  if (v) return v;
  const m = /\.so\.(\d+(?:\.\d+)*)$/.exec(path.basename(file));
  return m ? `${path.basename(file)} (not from a package)` : undefined;
}

/** ldconfig -p's listing, read once a process: a run asks for each implementation's library more than once */
let ldconfigListing: string | undefined;

/** the file a soname resolves to, via ldconfig's cache */
export function resolveSoname(soname: string): string {
  if (soname.includes('/')) return fs.existsSync(soname) ? fs.realpathSync(soname) : soname;
  try {
    ldconfigListing ??= execFileSync('ldconfig', ['-p'], { encoding: 'utf8' });
    const line = ldconfigListing.split('\n').find((l) => l.trim().startsWith(`${soname} `));
    const file = line?.split('=>')[1]?.trim();
    return file ? fs.realpathSync(file) : soname;
  } catch {
    return soname;
  }
}

export function basics() {
  return {
    kernel: `${os.type()} ${os.release()}`,
    arch: os.arch(),
    node: process.version,
    hostname: os.hostname(),
    cpuFlushInstructions: cpuFlushInstructions(),
  };
}
