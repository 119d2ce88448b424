/**
 * TLS certificates' part of the boot: the certificates program fetches every
 * terminating VIP's bundle before HAProxy reads it, and a daily timer fetches
 * again so a certificate rotated in the store reaches HAProxy by a seamless
 * reload. Installed on every node: a later config may add a terminating VIP.
 */
import { BootPart } from "../instance/boot";
import { PATHS, unitName } from "../instance/paths";

export function certificatesPart(): BootPart {
  return {
    // The AWS CLI reads the bundles with the instance role.
    packages: ["awscli"],
    programs: ["certificates", "certificatesService", "certificatesTimer"],
    commands: [
      { phase: "before-start", argv: [PATHS.CERTIFICATES_PROGRAM] },
      {
        phase: "before-start",
        argv: ["systemctl", "enable", "--now", unitName(PATHS.CERTIFICATES_TIMER)],
      },
    ],
  };
}
