/**
 * The certificates list file: one line per terminating VIP's bundle,
 * `<path> <ssm|secretsmanager> <name or ARN>`, which the certificates program
 * fetches at boot, on rollout and daily. Pure.
 */
import type { TlsCertificate } from "./tls-certificate";

export interface ListedCertificate {
  /** Where HAProxy reads the bundle. */
  readonly path: string;
  readonly certificate: TlsCertificate;
}

export function renderCertificateList(entries: readonly ListedCertificate[]): string {
  return entries
    .map(({ path, certificate }) => `${path} ${certificate.store} ${certificate.id}\n`)
    .join("");
}
