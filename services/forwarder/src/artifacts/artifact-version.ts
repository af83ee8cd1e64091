/** Endings that are one extension although they hold a dot. */
const DOUBLE_EXTENSIONS = /\.(tar\.(gz|xz|bz2|zst)|pkg\.tar\.zst)$/i;

/**
 * A release's version as packaging tools write it into file names: `app-1.2.3.tgz` (npm pack),
 * `pkg-1.2.3.tar.gz` and `pkg-1.2.3-py3-none-any.whl` (Python), `lib-2.0.0-SNAPSHOT.jar`
 * (Maven), `tool_1.4.0_amd64.deb`. Digits with at least one dot after `-` or `_`, then
 * pre-release and build labels.
 */
const VERSION = /[-_]v?(\d+(?:\.\d+)+(?:[-.+~]?(?:rc|alpha|beta|dev|post|pre|snapshot|final|a|b)\.?\d*)*)(?=$|[-_.+])/i;

export interface NamedVersion {
  /** The path with the version taken out: the same for every release of the artifact. */
  name: string;
  version?: string;
}

/**
 * Splits an artifact path into the name every release shares and the version of this one,
 * so the detector can tell "a new release" from "the same release rebuilt with other bytes"
 * (integrity.artifact.digest_changed needs the version). Paths without one stay as they are.
 */
export function splitArtifactVersion(path: string): NamedVersion {
  const slash = path.lastIndexOf('/');
  const dir = path.slice(0, slash + 1);
  const file = path.slice(slash + 1);
  const double = DOUBLE_EXTENSIONS.exec(file);
  const dot = file.lastIndexOf('.');
  const extension = double ? double[0] : dot > 0 ? file.slice(dot) : '';
  const stem = file.slice(0, file.length - extension.length);
  const found = VERSION.exec(stem);
  if (!found || found.index === 0) return { name: path };
  const rest = stem.slice(found.index + found[0].length);
  return { name: `${dir}${stem.slice(0, found.index)}${rest}${extension}`, version: found[1]! };
}
