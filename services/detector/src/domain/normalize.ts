import type { Egress } from '@pipewatch/shared';

export function egressKey(egress: Egress): string | undefined {
  return egress.host ?? egress.ip;
}

export function dependencyKey(name: string, version: string | undefined): string {
  return `${name}@${version ?? ''}`;
}

/**
 * Paths written outside the workspace, reduced to a stable shape: random-looking
 * segments (temp names, hashes, numbers) become `*`, so `/tmp/tmp.Xa3k9/out` and
 * `/tmp/tmp.Qw81z/out` are one place, while `/root/.ssh/authorized_keys` stays itself.
 */
export function pathShape(path: string): string {
  if (path.length > MEMO_PATH_LENGTH) return shapeOf(path);
  let shape = shapes.get(path);
  if (shape === undefined) {
    shape = shapeOf(path);
    if (shapes.size >= SHAPES_LIMIT) shapes.clear();
    shapes.set(path, shape);
  }
  return shape;
}

/**
 * Recent shapes: a pipeline writes the same paths run after run, and each path is
 * shaped twice (by the footprint rule and by learning). Bounded in entries and length.
 */
const shapes = new Map<string, string>();
const SHAPES_LIMIT = 20_000;
const MEMO_PATH_LENGTH = 256;

function shapeOf(path: string): string {
  const segments = path.split('/').filter((segment) => segment.length > 0).slice(0, 6);
  return `/${segments.map((segment) => (looksGenerated(segment) ? '*' : segment)).join('/')}`;
}

function looksGenerated(segment: string): boolean {
  if (/^\d+$/.test(segment)) return true;
  if (/^[0-9a-f]{8,}$/i.test(segment)) return true;
  // Python's tempfile names: `tmp` + 8 random lower-case letters, digits or `_` (often one digit or none).
  if (/^tmp[a-z0-9_]{8}$/.test(segment)) return true;
  const digits = (segment.match(/\d/g) ?? []).length;
  const mixedCase = /[a-z]/.test(segment) && /[A-Z]/.test(segment);
  return segment.length >= 6 && digits >= 2 && (mixedCase || /[._-]/.test(segment));
}

const PERMISSION_RANK: Record<string, number> = { none: 0, read: 1, write: 2, admin: 3 };

export function permissionRank(level: string): number {
  return PERMISSION_RANK[level.toLowerCase()] ?? 1;
}
