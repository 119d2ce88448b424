/**
 * The instance's operating system: the official Debian AMIs the library boots,
 * each with the HAProxy it ships and its support dates, as cited data. Both
 * releases install the same package names and run the same haproxy.cfg,
 * keepalived.conf and user-data (whose header names the release): the tests
 * check each with both releases' own HAProxy, keepalived and cloud-init.
 */

/** A Debian release the library boots. */
export enum OperatingSystem {
  /** Debian 12 "bookworm": HAProxy 2.6, keepalived 2.2, cloud-init 22.4. */
  DEBIAN_12 = "debian-12",
  /** Debian 13 "trixie": HAProxy 3.0, keepalived 2.3, cloud-init 25.1. */
  DEBIAN_13 = "debian-13",
}

export interface OperatingSystemRelease {
  readonly os: OperatingSystem;
  /** e.g. "Debian 13 (trixie)". */
  readonly name: string;
  /** The release number, as in the official AMIs' names. */
  readonly number: number;
  /** Name filter of the official amd64 AMIs (owner 136693071363). */
  readonly amiNamePattern: string;
  /** HAProxy branch of the release's `haproxy` package, and when that branch's fixes end. */
  readonly haproxy: { readonly version: string; readonly fixesUntil: string };
  /** Branch of the release's `keepalived` package, which a pair runs. */
  readonly keepalived: string;
  /** Debian's security support: the security team, then Debian LTS. */
  readonly support: { readonly security: string; readonly lts: string };
  readonly source: string;
}

/** New stacks boot the current Debian stable. */
export const DEFAULT_OPERATING_SYSTEM = OperatingSystem.DEBIAN_13;

/** Owner of the official Debian AMIs (https://wiki.debian.org/Cloud/AmazonEC2Image). */
export const DEBIAN_AMI_OWNER = "136693071363";

const RELEASES: Record<OperatingSystem, OperatingSystemRelease> = {
  [OperatingSystem.DEBIAN_12]: {
    os: OperatingSystem.DEBIAN_12,
    name: "Debian 12 (bookworm)",
    number: 12,
    amiNamePattern: "debian-12-amd64-*",
    haproxy: { version: "2.6", fixesUntil: "Q2 2027" },
    keepalived: "2.2",
    support: { security: "2026-06", lts: "2028-06-30" },
    source:
      "https://wiki.debian.org/DebianReleases (bookworm: security team to June 2026, LTS to 2028-06-30); " +
      "https://www.haproxy.org/ (2.6 LTS: fixes until Q2 2027)",
  },
  [OperatingSystem.DEBIAN_13]: {
    os: OperatingSystem.DEBIAN_13,
    name: "Debian 13 (trixie)",
    number: 13,
    amiNamePattern: "debian-13-amd64-*",
    haproxy: { version: "3.0", fixesUntil: "Q2 2029" },
    keepalived: "2.3",
    support: { security: "2028-08 (planned)", lts: "2030-06-30 (planned)" },
    source:
      "https://wiki.debian.org/DebianReleases (trixie, released 2025-08-09: security team about three years, LTS to 2030-06-30); " +
      "`haproxy -v` of trixie's 3.0.11 (LTS branch: fixes until Q2 2029)",
  },
};

export function operatingSystemRelease(os: OperatingSystem): OperatingSystemRelease | undefined {
  return RELEASES[os];
}

export const OPERATING_SYSTEMS: readonly OperatingSystemRelease[] = Object.values(RELEASES);
