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

/** the Debian package version of a system library, when dpkg knows it */
export function debianVersion(pkg: string): string | undefined {
  try {
    return (
      execFileSync('dpkg-query', ['-W', '-f', '${Version}', pkg], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim() ||
      undefined
    );
  } catch {
    return undefined;
  }
}

/**
 * buildVersion -- the version of a library build, however it was named:
 * the Debian package that owns the file (dpkg -S on the resolved path),
 * else the file's own version suffix (libpmem2.so.1.0.0 from a source
 * tree), else undefined. The same library gives the same answer by soname
 * and by path.
 */
export function buildVersion(nameOrPath: string): string | undefined {
  const file = resolveSoname(nameOrPath);
  if (!file.includes('/')) return undefined;
  try {
    const owner = execFileSync('dpkg-query', ['-S', file], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
      .split('\n')[0]
      ?.split(':')
      .slice(0, -1)
      .join(':')
      .trim();
    const v = owner ? debianVersion(owner) : undefined;
    if (v) return v;
  } catch {
    // not a packaged file
  }
  const m = /\.so\.(\d+(?:\.\d+)*)$/.exec(path.basename(file));
  return m ? `${path.basename(file)} (not from a package)` : undefined;
}

/** the file a soname resolves to, via ldconfig's cache */
export function resolveSoname(soname: string): string {
  if (soname.includes('/')) return fs.existsSync(soname) ? fs.realpathSync(soname) : soname;
  try {
    const out = execFileSync('ldconfig', ['-p'], { encoding: 'utf8' });
    const line = out.split('\n').find((l) => l.trim().startsWith(`${soname} `));
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
