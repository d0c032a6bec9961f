/**
 * Names for return codes, read from build/constants.json, which the install
 * step generates from the installed headers (scripts/gen-constants.cjs).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PROJECT_ROOT } from './paths.js';

export interface ConstantTable {
  header: string;
  constants: Record<string, number>;
}

let tables: Record<string, ConstantTable> | undefined;

export function constantTables(): Record<string, ConstantTable> {
  if (!tables) {
    const file = path.join(PROJECT_ROOT, 'build/constants.json');
    try {
      tables = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, ConstantTable>;
    } catch {
      throw new Error(`${file} is missing: run npm install (it builds the addon and the constant table)`);
    }
  }
  return tables;
}

/** value of a named constant of a library's header; undefined when the header lacks it */
export function constant(library: string, name: string): number | undefined {
  return constantTables()[library]?.constants[name];
}

export function mustConstant(library: string, name: string): number {
  const v = constant(library, name);
  if (v === undefined) throw new Error(`${name} is not defined by the installed ${library} header`);
  return v;
}

const errnoNames = new Map<number, string>();
for (const [name, value] of Object.entries(os.constants.errno)) {
  if (!errnoNames.has(value)) errnoNames.set(value, name);
}

/** the error prefix each library's codes carry */
const ERROR_PREFIX: Record<string, string> = { libpmem2: 'PMEM2_E_', libpmemset: 'PMEMSET_E_' };

const errorNameCache = new Map<string, Map<number, string>>();

/**
 * value → error name of one library, built once: properties name thousands of
 * codes per run. The first name in header order wins, so an alias kept for an
 * older API never hides the current name.
 */
function errorNames(lib: string): Map<number, string> {
  let m = errorNameCache.get(lib);
  if (!m) {
    m = new Map();
    const prefix = ERROR_PREFIX[lib] ?? '';
    for (const [name, value] of Object.entries(constantTables()[lib]?.constants ?? {})) {
      if (name.startsWith(prefix) && !m.has(value)) m.set(value, name);
    }
    errorNameCache.set(lib, m);
  }
  return m;
}

/**
 * "0" for success, the header's constant for a library error, "-ENAME" for a
 * negative errno, and the bare number when none of these fits.
 */
export function codeName(code: number, libraries: string[] = ['libpmem2', 'libpmemset']): string {
  if (code === 0) return '0';
  for (const lib of libraries) {
    const name = errorNames(lib).get(code);
    if (name !== undefined) return name;
  }
  if (code < 0 && errnoNames.has(-code)) return `-${errnoNames.get(-code)}`;
  return String(code);
}

/** "-EACCES" → -13; a constant name → its value; undefined when unknown */
export function codeOf(name: string, libraries: string[] = ['libpmem2', 'libpmemset']): number | undefined {
  if (name === '0') return 0;
  const m = name.match(/^-(E[A-Z0-9]+)$/);
  if (m) {
    const v = (os.constants.errno as Record<string, number>)[m[1]!];
    return v === undefined ? undefined : -v;
  }
  for (const lib of libraries) {
    const v = constant(lib, name);
    if (v !== undefined) return v;
  }
  return undefined;
}
