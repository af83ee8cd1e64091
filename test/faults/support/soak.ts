/** `npm run test:soak` sets SOAK=1: the same fault tests, with more kills, longer outages and more load. */
export const SOAK = process.env.SOAK === '1' || process.env.SOAK === 'true';

/** The CI figure, or the soak figure under SOAK. */
export function scale<T>(ci: T, soak: T): T {
  return SOAK ? soak : ci;
}
