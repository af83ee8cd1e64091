import ipaddr from 'ipaddr.js';

/**
 * Which destination addresses outbound notifications may reach:
 * `public` only ordinary unicast addresses, `loopback` those plus 127.0.0.0/8 and ::1
 * (local receivers, tests), `any` everything (a deliberately internal deployment).
 */
export type AddressPolicy = 'public' | 'loopback' | 'any';

/** PIPEWATCH_ALLOW_PRIVATE_DESTINATIONS (`false` | `loopback` | `true`) as a policy. */
export function addressPolicyFromSetting(setting: 'true' | 'false' | 'loopback'): AddressPolicy {
  if (setting === 'true') return 'any';
  if (setting === 'loopback') return 'loopback';
  return 'public';
}

/**
 * ipaddr.js' name for the range an address is in: `unicast` for ordinary public
 * addresses; `private`, `loopback`, `linkLocal`, `uniqueLocal`, `unspecified`,
 * `carrierGradeNat`, `reserved`, `multicast`... for the rest. IPv4-mapped IPv6
 * addresses are judged as the IPv4 address they carry.
 */
export function addressRange(address: string): string {
  return ipaddr.process(address).range();
}

/**
 * Only `unicast` is public. Everything else (including the IPv6 transition ranges
 * that can embed a private IPv4 address, like 6to4 or NAT64) counts as private.
 */
export function isAddressAllowed(address: string, policy: AddressPolicy): boolean {
  if (policy === 'any') return true;
  if (!ipaddr.isValid(address)) return false;
  const range = addressRange(address);
  if (range === 'unicast') return true;
  return policy === 'loopback' && range === 'loopback';
}
