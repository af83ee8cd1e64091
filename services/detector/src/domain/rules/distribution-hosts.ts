/**
 * Public download hosts of package registries and toolchains: they serve files and
 * take no anonymous uploads, so a pipeline first reaching one (a setup action
 * fetching a runtime it had not cached, a build adding an official mirror) cannot
 * carry data out through it. Exact host names only: a broad site (googleapis.com,
 * githubusercontent.com) also hosts buckets and gists anyone can write to, and
 * GitHub Packages or hosted feeds accept publishes with the job's own token.
 */
export const DISTRIBUTION_HOSTS: ReadonlySet<string> = new Set([
  // JavaScript
  'registry.npmjs.org', 'registry.yarnpkg.com', 'nodejs.org', 'cdn.jsdelivr.net', 'unpkg.com',
  // Python
  'pypi.org', 'files.pythonhosted.org', 'download.pytorch.org', 'pypi.nvidia.com', 'conda.anaconda.org', 'repo.anaconda.com',
  // JVM
  'repo1.maven.org', 'repo.maven.apache.org', 'maven.google.com', 'dl.google.com', 'services.gradle.org', 'plugins.gradle.org', 'downloads.gradle.org',
  // Go
  'proxy.golang.org', 'sum.golang.org', 'go.dev', 'golang.org', 'gopkg.in', 'goproxy.io',
  // Rust
  'index.crates.io', 'static.crates.io', 'crates.io', 'static.rust-lang.org', 'sh.rustup.rs',
  // .NET
  'api.nuget.org', 'dotnetcli.azureedge.net', 'builds.dotnet.microsoft.com',
  // Ruby, PHP, OS packages
  'rubygems.org', 'index.rubygems.org', 'repo.packagist.org', 'deb.debian.org', 'archive.ubuntu.com', 'security.ubuntu.com', 'dl-cdn.alpinelinux.org',
  // GitHub release assets and source archives (read-only; uploads go to uploads.github.com)
  'objects.githubusercontent.com', 'release-assets.githubusercontent.com', 'codeload.github.com',
]);

/** Bytes sent to a host above which even a download host's first contact stays an alert. */
export const DISTRIBUTION_UPLOAD_LIMIT = 1024 * 1024;
