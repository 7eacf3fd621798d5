/**
 * mq-version.ts: MQVersion.getVersionDesc, the name of a client's or broker's `version` number
 * (the ordinal of RocketMQ's MQVersion.Version enum), as mqadmin prints it ("V5_3_3"). The enum
 * is regular after 3.0: per minor a SNAPSHOT and a release of each patch (1..9 for 3.3-3.9,
 * 0..9 otherwise), up to V5_9_9; numbers past the end name the last one, as Java does.
 */

const V3_0_PATCHES = [
  'SNAPSHOT', 'ALPHA1', 'BETA1', 'BETA2', 'BETA3', 'BETA4', 'BETA5', 'BETA6_SNAPSHOT', 'BETA6', 'BETA7_SNAPSHOT', 'BETA7',
  'BETA8_SNAPSHOT', 'BETA8', 'BETA9_SNAPSHOT', 'BETA9', 'FINAL',
].map((suffix) => `V3_0_0_${suffix}`);

function buildVersions(): readonly string[] {
  const names = [...V3_0_PATCHES];
  for (let patch = 1; patch <= 15; patch++) names.push(`V3_0_${patch}_SNAPSHOT`, `V3_0_${patch}`);
  for (let major = 3; major <= 5; major++) {
    for (let minor = major === 3 ? 1 : 0; minor <= 9; minor++) {
      const first = major === 3 && minor >= 3 ? 1 : 0;
      for (let patch = first; patch <= 9; patch++) names.push(`V${major}_${minor}_${patch}_SNAPSHOT`, `V${major}_${minor}_${patch}`);
    }
  }
  return names;
}

const VERSIONS = buildVersions();

/** The version's name; the last one for numbers past the end (Java's rule), "UNKNOWN" below 0. */
export function versionDesc(version: number): string {
  if (!Number.isInteger(version) || version < 0) return 'UNKNOWN';
  return VERSIONS[Math.min(version, VERSIONS.length - 1)] ?? 'UNKNOWN';
}
