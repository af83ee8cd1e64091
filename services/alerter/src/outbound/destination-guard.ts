import { lookup as dnsLookup, type LookupAddress } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';
import { PermanentError, RetryableError } from '@pipewatch/shared';
import ipaddr from 'ipaddr.js';
import { addressRange, isAddressAllowed, type AddressPolicy } from './address-policy.js';

/** Resolves every address of a host name, as dns.lookup(host, {all: true}) does. */
export type ResolveAll = (hostname: string) => Promise<LookupAddress[]>;

export const systemResolveAll: ResolveAll = (hostname) =>
  new Promise((resolve, reject) => {
    dnsLookup(hostname, { all: true, verbatim: true }, (error, addresses) => (error ? reject(error) : resolve(addresses)));
  });

/** The host of a URL as a bare name or address (URL keeps IPv6 literals in brackets). */
export function bareHost(url: URL): string {
  return url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
}

function refused(host: string, address: string): PermanentError {
  const range = ipaddr.isValid(address) ? addressRange(address) : 'invalid';
  return new PermanentError(
    'destination_refused',
    `refused to send to ${host}: ${address} is a ${range} address (set PIPEWATCH_ALLOW_PRIVATE_DESTINATIONS to allow it)`,
  );
}

/**
 * Checks a destination before any connection is made: an address literal is
 * judged as it is, a name is resolved and refused if ANY of its addresses is not
 * allowed (a name that resolves to one public and one internal address is as
 * dangerous as the internal one).
 */
export async function assertDestinationAllowed(url: URL, policy: AddressPolicy, resolveAll: ResolveAll = systemResolveAll): Promise<void> {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new PermanentError('destination_refused', `refused to send to a ${url.protocol} URL; only http(s) is allowed`);
  }
  if (policy === 'any') return;
  const host = bareHost(url);
  if (isIP(host)) {
    if (!isAddressAllowed(host, policy)) throw refused(host, host);
    return;
  }
  let addresses: LookupAddress[];
  try {
    addresses = await resolveAll(host);
  } catch (error) {
    throw new RetryableError('destination_unresolved', `could not resolve ${host}: ${(error as Error).message}`, error);
  }
  if (addresses.length === 0) throw new RetryableError('destination_unresolved', `${host} resolved to no address`);
  for (const { address } of addresses) {
    if (!isAddressAllowed(address, policy)) throw refused(host, address);
  }
}

/**
 * A `lookup` for node:http that applies the same check to the addresses the socket
 * is about to use, so a name that changes its answer between the check and the
 * connect (DNS rebinding) is still refused.
 */
export function guardedLookup(policy: AddressPolicy, resolveAll: ResolveAll = systemResolveAll): LookupFunction {
  return (hostname, options, callback) => {
    resolveAll(hostname).then(
      (addresses) => {
        const bad = addresses.find(({ address }) => !isAddressAllowed(address, policy));
        if (bad) return callback(refused(hostname, bad.address), '', 4);
        const wanted = typeof options === 'object' && options.family ? addresses.filter((entry) => entry.family === options.family) : addresses;
        if (wanted.length === 0) return callback(new RetryableError('destination_unresolved', `${hostname} has no usable address`), '', 4);
        if (typeof options === 'object' && options.all) return (callback as unknown as (e: null, a: LookupAddress[]) => void)(null, wanted);
        callback(null, wanted[0]!.address, wanted[0]!.family);
      },
      (error: NodeJS.ErrnoException) => callback(error, '', 4),
    );
  };
}
