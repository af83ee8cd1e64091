/** `/proc/<pid>/io`: `name: value` lines; `write_bytes` is what the process sent towards storage. */
export function parseProcIo(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split('\n')) {
    const match = /^(\w+):\s*(\d+)$/.exec(line.trim());
    if (match) out[match[1]!] = Number(match[2]);
  }
  return out;
}

/** The first `KernelPageSize:` in /proc/<pid>/smaps, in bytes; stat's rss is counted in these pages. */
export function parsePageSize(smaps: string): number | undefined {
  const match = /KernelPageSize:\s+(\d+) kB/.exec(smaps);
  return match ? Number(match[1]) * 1024 : undefined;
}

/**
 * `/proc/net/dev`: bytes received and sent summed over every interface but loopback. On a VM
 * that runs one job (a GitHub-hosted runner) its delta over the job is the job's traffic; on a
 * shared host it is everyone's, so the caller decides whether to use it.
 */
export function parseNetDev(text: string): { rx: number; tx: number } {
  let rx = 0;
  let tx = 0;
  for (const line of text.split('\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    if (name === 'lo' || name === '' || name.includes('|')) continue;
    const fields = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    // Receive: bytes packets errs drop fifo frame compressed multicast; then transmit: bytes ...
    if (fields.length < 9 || !Number.isFinite(fields[0]) || !Number.isFinite(fields[8])) continue;
    rx += fields[0]!;
    tx += fields[8]!;
  }
  return { rx, tx };
}
