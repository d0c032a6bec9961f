#!/usr/bin/env node
// Writes build/constants.json: every numeric #define and enum member of the
// installed headers that the suites name (PMEM2_*, PMEMSET_*), so that a
// symbolic name in a result comes from the header, never from a hand-typed
// table. Usage: gen-constants.cjs [out.json]
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const root = path.resolve(__dirname, '..');
const sources = [
  { library: 'libpmem2', file: '/usr/include/libpmem2/base.h' },
  { library: 'libpmemset', file: path.join(root, 'native/libpmemset/include/libpmemset.h') },
];

// #define NAME (value) | #define NAME value, value an integer expression of
// literals and shifts; enum members counted from 0 or an explicit value.
function parseHeader(text) {
  const out = {};
  const stripped = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  for (const m of stripped.matchAll(/^\s*#\s*define\s+([A-Z][A-Z0-9_]*)\s+(.+)$/gm)) {
    const v = evalInt(m[2].trim(), out);
    if (v !== undefined) out[m[1]] = v;
  }
  for (const m of stripped.matchAll(/enum\s+\w*\s*\{([^}]*)\}/g)) {
    let next = 0;
    for (const part of m[1].split(',')) {
      const mm = part.trim().match(/^([A-Z][A-Z0-9_]*)\s*(?:=\s*(.+))?$/);
      if (!mm) continue;
      const v = mm[2] !== undefined ? evalInt(mm[2].trim(), out) : next;
      if (v === undefined) continue;
      out[mm[1]] = v;
      next = v + 1;
    }
  }
  return out;
}

function evalInt(expr, known) {
  const e = expr.replace(/\b([A-Z][A-Z0-9_]*)\b/g, (n) => (n in known ? `(${known[n]})` : n));
  if (!/^[\s\d()xXa-fA-FuUlL<>|&~+-]+$/.test(e)) return undefined;
  const js = e.replace(/(0[xX][0-9a-fA-F]+|\d+)[uUlL]+/g, '$1');
  try {
    // eslint-disable-next-line no-new-func
    const v = Function(`"use strict"; return (${js});`)();
    if (typeof v !== 'number' || !Number.isFinite(v)) return undefined;
    // (1U << 31) is unsigned in C; JS shifts are signed 32-bit
    return /(?:\b0[xX][0-9a-fA-F]+|\b\d+)[lL]*[uU]/.test(expr) && v < 0 ? v >>> 0 : v;
  } catch {
    return undefined;
  }
}

if (require.main === module) {
  const outFile = process.argv[2] || path.join(root, 'build/constants.json');
  const result = {};
  for (const s of sources) {
    if (!fs.existsSync(s.file)) continue;
    result[s.library] = { header: s.file, constants: parseHeader(fs.readFileSync(s.file, 'utf8')) };
  }
  if (!result.libpmem2) {
    console.error(`pmem-conform: ${sources[0].file} not found; install libpmem2-dev`);
    process.exit(1);
  }
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  fs.writeFileSync(outFile, `${JSON.stringify(result, null, 2)}\n`);
}

module.exports = { parseHeader };
