import type { Rng } from '../random/prng.js';

/**
 * What real CI jobs of each ecosystem touch: registries, toolchains, packages,
 * the GitHub actions they use. Host and path names are the real public ones so
 * that the traffic looks like what a runner monitor records.
 */
export type EcosystemId = 'node' | 'python' | 'java' | 'go' | 'rust' | 'dotnet';

export interface Ecosystem {
  id: EcosystemId;
  /** Contacted by every job of the ecosystem. */
  hosts: string[];
  /** Contacted by some runs only (a setup action downloading a runtime it had not cached). */
  occasionalHosts: [host: string, probability: number][];
  /** Hosts a repository may start using later, on purpose (a new mirror or registry). */
  mirrors: string[];
  /** Executables a toolchain upgrade replaces, all at once for a repository. */
  toolchain: string[];
  tools: string[];
  packages: string[];
  setupAction: string;
  publishHost: string;
  publishSecret: string;
  install: string;
  testRunner: string;
  lintTool: string;
  /** Installers fetched without a version, whose content changes upstream now and then. */
  installer?: { name: string; url: string; line: string };
}

export const COMMON_HOSTS = ['github.com', 'api.github.com', 'codeload.github.com'];
export const COMMON_PROCESSES = ['/usr/bin/bash', '/usr/bin/git', '/usr/bin/tar', '/usr/bin/gzip', '/home/runner/externals/node20/bin/node'];

export const ECOSYSTEMS: Record<EcosystemId, Ecosystem> = {
  node: {
    id: 'node',
    hosts: ['registry.npmjs.org'],
    occasionalHosts: [['nodejs.org', 0.08], ['objects.githubusercontent.com', 0.3]],
    mirrors: ['registry.yarnpkg.com', 'npm.pkg.github.com', 'cdn.jsdelivr.net'],
    toolchain: ['/opt/hostedtoolcache/node/x64/bin/node', '/opt/hostedtoolcache/node/x64/bin/npm'],
    tools: ['/usr/bin/sh'],
    packages: ['typescript', 'esbuild', 'jest', 'webpack', 'react', 'lodash', 'eslint', 'vite', 'zod', '@types/node', 'axios', 'express'],
    setupAction: 'actions/setup-node@v4',
    publishHost: 'registry.npmjs.org',
    publishSecret: 'NPM_TOKEN',
    install: 'npm ci',
    testRunner: 'npx jest --ci',
    lintTool: 'npx eslint .',
  },
  python: {
    id: 'python',
    hosts: ['pypi.org', 'files.pythonhosted.org'],
    occasionalHosts: [['objects.githubusercontent.com', 0.2]],
    mirrors: ['download.pytorch.org', 'pypi.nvidia.com', 'conda.anaconda.org'],
    toolchain: ['/opt/hostedtoolcache/Python/x64/bin/python3', '/opt/hostedtoolcache/Python/x64/bin/pip'],
    tools: ['/usr/bin/sh'],
    packages: ['numpy', 'requests', 'pytest', 'pydantic', 'torch', 'pandas', 'ruff', 'urllib3', 'setuptools', 'wheel', 'httpx', 'click'],
    setupAction: 'actions/setup-python@v5',
    publishHost: 'upload.pypi.org',
    publishSecret: 'PYPI_API_TOKEN',
    install: 'pip install -e .[dev]',
    testRunner: 'pytest -q',
    lintTool: 'ruff check .',
  },
  java: {
    id: 'java',
    hosts: ['repo.maven.apache.org', 'repo1.maven.org'],
    occasionalHosts: [['services.gradle.org', 0.1], ['plugins.gradle.org', 0.2]],
    mirrors: ['maven.google.com', 'repository.apache.org', 'packages.confluent.io'],
    toolchain: ['/usr/lib/jvm/temurin-17-jdk-amd64/bin/java', '/usr/share/apache-maven/bin/mvn'],
    tools: ['/usr/bin/sh'],
    packages: ['com.google.guava:guava', 'org.junit.jupiter:junit-jupiter', 'com.fasterxml.jackson.core:jackson-databind', 'org.slf4j:slf4j-api', 'org.mockito:mockito-core', 'org.apache.commons:commons-lang3', 'io.netty:netty-all'],
    setupAction: 'actions/setup-java@v4',
    publishHost: 'oss.sonatype.org',
    publishSecret: 'OSSRH_TOKEN',
    install: 'mvn -B -ntp dependency:go-offline',
    testRunner: 'mvn -B -ntp verify',
    lintTool: 'mvn -B -ntp checkstyle:check',
  },
  go: {
    id: 'go',
    hosts: ['proxy.golang.org', 'sum.golang.org'],
    occasionalHosts: [['storage.googleapis.com', 0.15], ['go.dev', 0.05]],
    mirrors: ['goproxy.io', 'gopkg.in', 'golang.org'],
    toolchain: ['/opt/hostedtoolcache/go/x64/bin/go'],
    tools: ['/usr/bin/sh', '/home/runner/go/bin/golangci-lint'],
    packages: ['golang.org/x/net', 'golang.org/x/sys', 'github.com/stretchr/testify', 'google.golang.org/grpc', 'github.com/spf13/cobra', 'go.uber.org/zap'],
    setupAction: 'actions/setup-go@v5',
    publishHost: 'ghcr.io',
    publishSecret: 'GHCR_TOKEN',
    install: 'go mod download',
    testRunner: 'go test ./...',
    lintTool: 'golangci-lint run',
  },
  rust: {
    id: 'rust',
    hosts: ['index.crates.io', 'static.crates.io', 'static.rust-lang.org'],
    occasionalHosts: [['objects.githubusercontent.com', 0.2]],
    mirrors: ['crates.io', 'rsproxy.cn', 'dl.cloudsmith.io'],
    toolchain: ['/home/runner/.cargo/bin/cargo', '/home/runner/.cargo/bin/rustc'],
    tools: ['/usr/bin/sh', '/usr/bin/cc'],
    packages: ['serde', 'tokio', 'clap', 'anyhow', 'reqwest', 'rand', 'thiserror', 'tracing'],
    setupAction: 'dtolnay/rust-toolchain@stable',
    publishHost: 'crates.io',
    publishSecret: 'CARGO_REGISTRY_TOKEN',
    install: 'cargo fetch',
    testRunner: 'cargo test --locked',
    lintTool: 'cargo clippy -- -D warnings',
    installer: { name: 'rustup-init.sh', url: 'https://sh.rustup.rs', line: "curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal" },
  },
  dotnet: {
    id: 'dotnet',
    hosts: ['api.nuget.org'],
    occasionalHosts: [['dotnetcli.azureedge.net', 0.1], ['builds.dotnet.microsoft.com', 0.1]],
    mirrors: ['pkgs.dev.azure.com', 'nuget.pkg.github.com', 'www.myget.org'],
    toolchain: ['C:\\Program Files\\dotnet\\dotnet.exe', 'C:\\Program Files\\Microsoft Visual Studio\\2019\\BuildTools\\MSBuild\\Current\\Bin\\MSBuild.exe'],
    tools: ['C:\\Windows\\System32\\cmd.exe', 'C:\\Program Files\\Git\\cmd\\git.exe'],
    packages: ['Newtonsoft.Json', 'Serilog', 'xunit', 'Moq', 'Microsoft.Extensions.Logging', 'Dapper', 'NUnit'],
    setupAction: 'actions/setup-dotnet@v4',
    publishHost: 'api.nuget.org',
    publishSecret: 'NUGET_API_KEY',
    install: 'dotnet restore',
    testRunner: 'dotnet test --no-restore',
    lintTool: 'dotnet format --verify-no-changes',
  },
};

/** Helm's installer: fetched unversioned from a branch, by deployment jobs of any ecosystem. */
export const HELM_INSTALLER = {
  name: 'get-helm-3',
  url: 'https://raw.githubusercontent.com/helm/helm/main/scripts/get-helm-3',
  line: 'curl -fsSL https://raw.githubusercontent.com/helm/helm/main/scripts/get-helm-3 | bash',
  host: 'raw.githubusercontent.com',
};

/**
 * Actions referenced by a moving ref (a major tag or a branch). Their owners move
 * the ref on every release: that is how `@v4` keeps pointing at the newest v4.x.y.
 * `weeks` is the typical time between releases.
 */
export const MOVING_ACTIONS: Record<string, { weeks: number }> = {
  'actions/checkout@v4': { weeks: 8 },
  'actions/setup-node@v4': { weeks: 10 },
  'actions/setup-python@v5': { weeks: 9 },
  'actions/setup-java@v4': { weeks: 10 },
  'actions/setup-go@v5': { weeks: 12 },
  'actions/setup-dotnet@v4': { weeks: 12 },
  'dtolnay/rust-toolchain@stable': { weeks: 3 },
  'actions/cache@v4': { weeks: 8 },
  'actions/upload-artifact@v4': { weeks: 7 },
  'codecov/codecov-action@v5': { weeks: 5 },
  'docker/build-push-action@v6': { weeks: 6 },
  'docker/login-action@v3': { weeks: 10 },
  'sigstore/cosign-installer@v3': { weeks: 8 },
  'pypa/gh-action-pypi-publish@release/v1': { weeks: 8 },
  'softprops/action-gh-release@v2': { weeks: 9 },
  'tj-actions/changed-files@v45': { weeks: 3 },
};

export const DOCKER_HOSTS = ['registry-1.docker.io', 'auth.docker.io', 'production.cloudflare.docker.com'];
export const CODECOV_HOSTS = ['codecov.io', 'storage.googleapis.com', 'cli.codecov.io'];
export const SIGSTORE_HOSTS = ['fulcio.sigstore.dev', 'rekor.sigstore.dev', 'tuf-repo-cdn.sigstore.dev'];

const FIRST = ['alice', 'bob', 'carol', 'dmitri', 'erin', 'farah', 'goran', 'hana', 'ivan', 'jun', 'kofi', 'lena', 'mateo', 'nadia', 'oskar', 'priya', 'quinn', 'rosa', 'sven', 'tariq', 'uma', 'vik', 'wen', 'xenia', 'yusuf', 'zoe'];
const SUFFIX = ['', '-dev', '42', '-oss', 'codes', '-h', '7', 'x'];

export function personName(rng: Rng, index: number): string {
  return `${rng.pick(FIRST)}${rng.pick(SUFFIX)}${index}`;
}
