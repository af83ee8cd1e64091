import { createHash } from 'node:crypto';

/** Stable key → partition mapping for the in-memory bus (Kafka uses its own murmur2). */
export function partitionForKey(key: string, partitions: number): number {
  const digest = createHash('sha1').update(key).digest();
  return digest.readUInt32BE(0) % partitions;
}
