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
