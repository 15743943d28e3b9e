// Sharded partition keys of the list indexes: a list that many writers feed (a big department's queue,
// a channel's cases, the anchor queue) is spread over N partitions `<base>#<shard>`, the shard a hash
// of something stable of each listed item (its case number, its applicant), so that no one partition
// takes more than DynamoDB's 1,000 write units/s and 3,000 read units/s. Readers query every shard and
// merge (case-listings.ts). The figures that chose each N: test/bench/key-load.ts.
import { createHash } from 'node:crypto';

/** The shard, 0 to `shards` − 1, of `text`: stable, and spread evenly by the hash. */
export function hashShard(text: string, shards: number): number {
  return createHash('sha256').update(text).digest().readUInt32BE(0) % shards;
}

/** `<base>#<shard>`. */
export const shardedKey = (base: string, shard: number) => `${base}#${shard}`;

/** The base and shard of a sharded key; undefined when it is not one. */
export function parseShardedKey(key: string): { base: string; shard: number } | undefined {
  const m = /^(.+)#(0|[1-9]\d{0,3})$/.exec(key);
  return m ? { base: m[1]!, shard: Number(m[2]) } : undefined;
}

/** Every shard's key of a list: `<base>#0` to `<base>#<shards − 1>`. */
export function allShards(base: string, shards: number): string[] {
  return Array.from({ length: shards }, (_, shard) => shardedKey(base, shard));
}
