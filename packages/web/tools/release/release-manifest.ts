/**
 * The release manifest `npm run release:check` writes: what a release is
 * (version, commit) and the bundle hash people compare the served web client
 * against (packages/web/README.md, "How to check a hash against a published
 * release"). Pure: the checks and the rendering, no I/O.
 */

export const RELEASE_MANIFEST_FORMAT = 'tacet-release/1';

export interface ReleaseManifest {
  format: typeof RELEASE_MANIFEST_FORMAT;
  version: string;
  commit: string;
  /** SHA-256 of dist/asset-manifest.json, the value the app shows as "running"/"offered". */
  bundleHash: string;
  /** The asset manifest itself: URL path -> SHA-256 of each file. */
  files: Record<string, string>;
  packageLockSha256: string;
  builtWith: { node: string; npm: string };
  /** The commands that rebuild this bundle hash from the source, as the web README gives them. */
  verify: string;
}

export type ReleaseInput = Omit<ReleaseManifest, 'format' | 'verify'>;

/** Renders deterministically: fixed key order, two-space JSON, trailing newline. */
export function renderReleaseManifest(input: ReleaseInput): string {
  const manifest: ReleaseManifest = {
    format: RELEASE_MANIFEST_FORMAT,
    version: input.version,
    commit: input.commit,
    bundleHash: input.bundleHash,
    files: Object.fromEntries(Object.entries(input.files).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))),
    packageLockSha256: input.packageLockSha256,
    builtWith: input.builtWith,
    verify: `git checkout ${input.commit} && npm ci && npm run build -w packages/web && npm run bundle-hash -w packages/web`,
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

/** The hash both builds agree on; throws, naming both, when they differ (not reproducible). */
export function agreedBundleHash(first: string, second: string): string {
  if (!/^[0-9a-f]{64}$/.test(first) || !/^[0-9a-f]{64}$/.test(second))
    throw new Error(`release: a bundle hash is not a SHA-256: ${first} / ${second}`);
  if (first !== second)
    throw new Error(`release: the two clean builds differ (not reproducible): ${first} vs ${second}`);
  return first;
}

/** Files whose hashes differ between two asset manifests: what to look at when the builds differ. */
export function differingFiles(a: Record<string, string>, b: Record<string, string>): string[] {
  return [...new Set([...Object.keys(a), ...Object.keys(b)])].filter((f) => a[f] !== b[f]).sort();
}

/**
 * Problems with the version that is about to be released: every workspace
 * carries the root's version, and CHANGELOG.md has a section for it.
 */
export function versionProblems(
  rootVersion: string,
  workspaces: Record<string, string>,
  changelog: string,
): string[] {
  const problems: string[] = [];
  if (!/^\d+\.\d+\.\d+(-[0-9A-Za-z.-]+)?$/.test(rootVersion))
    problems.push(`package.json version ${rootVersion} is not semver`);
  for (const [name, version] of Object.entries(workspaces))
    if (version !== rootVersion) problems.push(`${name} is at ${version}, the release is ${rootVersion}`);
  const heading = new RegExp(`^## \\[?${rootVersion.replaceAll('.', '\\.')}\\]?(\\s|$)`, 'm');
  if (!heading.test(changelog)) problems.push(`CHANGELOG.md has no "## ${rootVersion}" section`);
  return problems;
}
