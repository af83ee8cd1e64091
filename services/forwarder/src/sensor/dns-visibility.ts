import { readFile } from 'node:fs/promises';

/**
 * Whether name lookups on this machine travel as DNS packets the sensor can decode.
 * glibc asks the sources of nsswitch's `hosts:` line in order; `resolve` (systemd's
 * varlink socket) or nscd answer without a DNS packet from the job, so a connection
 * no decoded answer named could still have been looked up: then `resolved` is left
 * unset ("could not tell") rather than false.
 */
export async function dnsLookupsVisible(nsswitchPath = '/etc/nsswitch.conf'): Promise<boolean> {
  const text = await readFile(nsswitchPath, 'utf8').catch(() => undefined);
  if (text === undefined) return false;
  return hostsLineUsesDnsFirst(text);
}

export function hostsLineUsesDnsFirst(nsswitch: string): boolean {
  const line = nsswitch.split('\n').find((candidate) => /^\s*hosts\s*:/.test(candidate));
  if (!line) return false;
  const sources = line.replace(/^\s*hosts\s*:/, '').replace(/\[[^\]]*\]/g, ' ').trim().split(/\s+/);
  const dns = sources.indexOf('dns');
  if (dns < 0) return false;
  return !sources.slice(0, dns).some((source) => source === 'resolve' || source === 'nscd');
}
