/**
 * TLS certificates' part of the boot: the certificates program fetches every
 * terminating VIP's bundle before HAProxy reads it, and a daily timer fetches
 * again so a certificate rotated in the store reaches HAProxy by a seamless
 * reload. After each fetch, the same-certificate program compares each
 * bridge-mode VIP's certificate with the one its servers present (Extended
 * Protection needs them equal). Installed on every node: a later config may
 * add a terminating VIP.
 */
import { BootPart } from "../instance/boot";
import { PATHS, unitName } from "../instance/paths";

/**
 * How long the comparison waits for one server's TLS handshake: a server that
 * does not answer is reported unreachable, and a rollout (120 s in the config
 * document) is not held by a few silent servers.
 */
export const SAME_CERTIFICATE_TIMEOUT_SECONDS = 5;

/**
 * Retries of one fetch: at first boot the role's policies may not be visible
 * yet (IAM is eventually consistent: AWS IAM User Guide, "Troubleshoot IAM",
 * changes "may take time to become visible"), and the API throttles. 2 s
 * doubling to 32 s, 6 attempts: 62 s of waiting at most, so a config
 * rollout that fetches (its step times out at 120 s) still ends in a clear
 * failure, not a timeout.
 */
export const CERTIFICATE_RETRY = {
  firstSeconds: 2,
  maxSeconds: 32,
  attempts: 6,
  /**
   * A boot whose fetch still fails leaves HAProxy stopped (it cannot load a missing bundle):
   * the certificates service tries again every 60 s (its unit's RestartSec) for this long,
   * and starts HAProxy once the fetch succeeds, so a policy fixed by a deploy within the
   * hour needs no reboot; after that, the daily timer. The same IAM propagation as above.
   */
  retryForSeconds: 3600,
} as const;

export function certificatesPart(): BootPart {
  return {
    // The AWS CLI reads the bundles with the instance role.
    packages: ["awscli"],
    programs: ["certificates", "certificatesService", "certificatesTimer", "sameCertificate"],
    commands: [
      { phase: "before-start", argv: [PATHS.CERTIFICATES_PROGRAM, "--boot"] },
      { phase: "before-start", argv: [PATHS.SAME_CERTIFICATE_PROGRAM] },
      {
        phase: "before-start",
        argv: ["systemctl", "enable", "--now", unitName(PATHS.CERTIFICATES_TIMER)],
      },
    ],
    settings: {
      comment:
        "Certificate fetches: first retry delay and its cap in seconds, attempts, how long the service retries after a failed boot fetch. Bridge mode: how long to wait for a server's certificate, in seconds.",
      values: {
        CERTIFICATE_RETRY_FIRST: String(CERTIFICATE_RETRY.firstSeconds),
        CERTIFICATE_RETRY_MAX: String(CERTIFICATE_RETRY.maxSeconds),
        CERTIFICATE_ATTEMPTS: String(CERTIFICATE_RETRY.attempts),
        CERTIFICATE_RETRY_FOR: String(CERTIFICATE_RETRY.retryForSeconds),
        SAME_CERTIFICATE_TIMEOUT: String(SAME_CERTIFICATE_TIMEOUT_SECONDS),
      },
    },
  };
}
