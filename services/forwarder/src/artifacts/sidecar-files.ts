import { readFile, stat } from 'node:fs/promises';

/** Where a Sigstore bundle for `<file>` is looked for, in this order. */
export const BUNDLE_SUFFIXES = ['.sigstore.json', '.sigstore', '.bundle'] as const;
/** A detached signature (cosign sign-blob --key, openssl dgst -sign). */
export const SIGNATURE_SUFFIX = '.sig';

const ALL_SUFFIXES = [...BUNDLE_SUFFIXES, SIGNATURE_SUFFIX];

/** Signature files are bounded: a bundle of a few KiB is usual, a huge one is not a bundle. */
export const MAX_SIDECAR_BYTES = 4 * 1024 * 1024;

export interface Sidecars {
  bundle?: { path: string; content: Buffer };
  signature?: { path: string; content: Buffer };
  /** A sidecar that exists but could not be read. */
  errors: { path: string; error: string }[];
}

/** The signature material beside an artifact: the first bundle found, and a `.sig`. */
export async function findSidecars(file: string): Promise<Sidecars> {
  const sidecars: Sidecars = { errors: [] };
  for (const suffix of BUNDLE_SUFFIXES) {
    const found = await readSidecar(`${file}${suffix}`, sidecars.errors);
    if (found) {
      sidecars.bundle = found;
      break;
    }
  }
  const signature = await readSidecar(`${file}${SIGNATURE_SUFFIX}`, sidecars.errors);
  if (signature) sidecars.signature = signature;
  return sidecars;
}

/** The artifact a sidecar belongs to, when the name ends like one; it is signature material, not an artifact. */
export function sidecarOwner(file: string): string | undefined {
  const suffix = ALL_SUFFIXES.find((candidate) => file.endsWith(candidate) && file.length > candidate.length);
  return suffix ? file.slice(0, -suffix.length) : undefined;
}

async function readSidecar(path: string, errors: Sidecars['errors']): Promise<{ path: string; content: Buffer } | undefined> {
  try {
    const info = await stat(path);
    if (!info.isFile()) return undefined;
    if (info.size > MAX_SIDECAR_BYTES) {
      errors.push({ path, error: `signature file larger than ${MAX_SIDECAR_BYTES} bytes` });
      return { path, content: Buffer.alloc(0) };
    }
    return { path, content: await readFile(path) };
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    errors.push({ path, error: (error as Error).message });
    return undefined;
  }
}
