/**
 * The byte-level oracle for the data path: what memcpy, memmove and memset
 * leave in memory by the C standard's definitions, which the pages say the
 * library's functions behave as (pmem2_get_memmove_fn(3): "the same as
 * memmove(3), memcpy(3) and memset(3)", with persistence added). Flags
 * change how bytes are made durable, never which bytes end up there.
 */

export type DataOp =
  | { op: 'memcpy'; dst: number; data: Uint8Array; flags: number }
  | { op: 'memmove'; dst: number; src: number; len: number; flags: number }
  | { op: 'memset'; dst: number; value: number; len: number; flags: number };

export function applyOp(mem: Uint8Array, o: DataOp): void {
  switch (o.op) {
    case 'memcpy':
      mem.set(o.data, o.dst);
      break;
    case 'memmove':
      // copyWithin has memmove's semantics for overlapping ranges
      mem.copyWithin(o.dst, o.src, o.src + o.len);
      break;
    case 'memset':
      mem.fill(o.value & 0xff, o.dst, o.dst + o.len);
      break;
  }
}

export function describeOp(o: DataOp): string {
  switch (o.op) {
    case 'memcpy':
      return `memcpy(+${o.dst}, ${o.data.length} bytes, flags 0x${o.flags.toString(16)})`;
    case 'memmove':
      return `memmove(+${o.dst}, +${o.src}, ${o.len}, flags 0x${o.flags.toString(16)})`;
    case 'memset':
      return `memset(+${o.dst}, 0x${(o.value & 0xff).toString(16)}, ${o.len}, flags 0x${o.flags.toString(16)})`;
  }
}

/** the first offset where two buffers differ, or -1 */
export function firstDifference(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return i;
  return a.length === b.length ? -1 : n;
}
