export { dependency, pythonDigest, LockfileSyntaxError, type Dependency } from './dependency.js';
export { parseNpmLock } from './npm-lock.js';
export { parseYarnLock } from './yarn-lock.js';
export { parseYarnV1Lock } from './yarn-v1.js';
export { parseYarnBerryLock } from './yarn-berry.js';
export { parsePnpmLock } from './pnpm-lock.js';
export { parsePoetryLock } from './poetry-lock.js';
export { parseUvLock } from './uv-lock.js';
export { parsePipRequirements } from './pip-requirements.js';
export { parseGoSum } from './go-sum.js';
export { parseCargoLock } from './cargo-lock.js';
export {
  readWorkspaceDependencies,
  lockfileParser,
  type LockfileParser,
  type ReadWorkspaceOptions,
  type WorkspaceDependencies,
} from './read-workspace-dependencies.js';
