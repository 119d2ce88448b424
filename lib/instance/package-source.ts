/**
 * Where a node's Debian packages and SSM agent come from: the internet (the
 * default), an HTTP proxy, or the AMI itself (private subnets without
 * internet). Applied to the assembled cloud-config, so no feature's part
 * needs to know.
 */
import type { CloudConfig } from "../cloud-init/cloud-config";

export interface PackageSource {
  /** apt's proxy, `http://host:port`, for http and https mirrors alike. */
  readonly aptProxy?: string;
  /** The AMI holds every package the parts name: no apt-get at boot. */
  readonly inAmi: boolean;
  /**
   * The proxy `install-ssm-agent` downloads through; none where S3 is reached
   * directly (an S3 gateway endpoint or a NAT).
   */
  readonly agentProxy?: string;
}

/** Packages from Debian's mirrors over the internet, the agent from S3. */
export const FROM_INTERNET: PackageSource = { inAmi: false };

export function withPackageSource(config: CloudConfig, source: PackageSource): CloudConfig {
  return {
    ...config,
    packages: source.inAmi ? [] : config.packages,
    aptProxy: source.aptProxy,
  };
}
