/**
 * Shards: `--shard i/n` runs a deterministic slice of the plan. A case
 * belongs to shard 1 + (FNV-1a of its case id mod n): the id names the
 * clause, the fixture and the implementation, never the host, the time or
 * the order of the plan, so every host cuts the same selection into the
 * same slices, and the slices together are the whole plan, each case once.
 */

export interface Shard {
  /** 1-based */
  index: number;
  total: number;
}

/** parseShard -- "i/n" with 1 <= i <= n; undefined and a reason when it is not */
export function parseShard(spec: string): Shard | string {
  const m = /^(\d+)\/(\d+)$/.exec(spec);
  if (!m) return `--shard takes i/n (e.g. 1/4), not '${spec}'`;
  const index = Number(m[1]);
  const total = Number(m[2]);
  if (total < 1 || total > 1000) return `--shard i/n: n must be between 1 and 1000, not ${total}`;
  if (index < 1 || index > total) return `--shard i/n: i must be between 1 and ${total}, not ${index}`;
  return { index, total };
}

/** fnv1a -- 32-bit FNV-1a of the UTF-8 bytes: stable across hosts, Node versions and runs */
export function fnv1a(s: string): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(s, 'utf8')) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** shardOf -- the 1-based shard a case id belongs to among `total` */
export function shardOf(caseId: string, total: number): number {
  return 1 + (fnv1a(caseId) % total);
}

/** inShard -- whether the case `caseId` runs in `shard` (every case runs without one) */
export function inShard(caseId: string, shard: Shard | undefined): boolean {
  return !shard || shard.total === 1 || shardOf(caseId, shard.total) === shard.index;
}

/** propertyUnitId -- the id a property's run has before it finds anything; all its cases go to this id's shard */
export function propertyUnitId(property: string, fixture: string, implementation: string): string {
  return `property:${property}@${fixture}/${implementation}`;
}
