/** The run command's --shard option (runner/engine/shard.ts cuts the plan). */
import type { Shard } from '../engine/shard.js';
import { inShard, parseShard } from '../engine/shard.js';
import { UsageError } from './options.js';

/** shardOption -- the parsed --shard i/n, or a UsageError in one line */
export function shardOption(spec: string | undefined): Shard | undefined {
  if (spec === undefined) return undefined;
  const s = parseShard(spec);
  if (typeof s === 'string') throw new UsageError(s);
  return s;
}

/** the power-cut trials are one unit: they run in the shard the id "durability" falls in */
export function shardHasDurability(shard: Shard | undefined): boolean {
  return inShard('durability', shard);
}
