import { freePorts } from './ports.js';

/** Keeps the configured ports and fills the rest with free ones. */
export async function pickPorts(wanted: readonly (number | undefined)[]): Promise<number[]> {
  const free = await freePorts(wanted.filter((port) => port === undefined).length);
  return wanted.map((port) => port ?? (free.shift() as number));
}
