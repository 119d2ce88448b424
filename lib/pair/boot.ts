/**
 * A pair node's part of the boot: keepalived elects the master, whose failover
 * program claims the VIPs; HAProxy names itself in the peers section (-L) so
 * that haproxy.cfg is the same on both nodes.
 */
import { BootPart } from "../instance/boot";
import { PATHS } from "../instance/paths";
import { keepalivedConfigFor } from "./keepalived-config";
import { PairNode } from "./pair-node";
import { PairSettings } from "./pair-settings";

/** Seconds keepalived's start waits for the unicast source address. */
export const PRESTART_WAIT_SECONDS = 120;

/**
 * A failed claim is tried again while the node is master: after 2 s, doubling up to 60 s,
 * 30 attempts (about 26 minutes), enough for a new role policy to propagate (IAM is
 * eventually consistent: "Changes that I make are not always immediately visible", IAM
 * troubleshooting guide) and for EC2's request throttling to pass (EC2 API reference,
 * "Request throttling": retry with exponential backoff).
 */
export const CLAIM_RETRY = { firstSeconds: 2, maxSeconds: 60, attempts: 30 } as const;

/**
 * Seconds between the master's comparisons of what it should hold with what IMDS lists for its
 * interface (network/interfaces/macs/<mac>/local-ipv4s for secondary IPs, .../ipv4-associations/
 * for an Elastic IP; both follow the API's changes: EC2 User Guide, "Instance metadata
 * categories"); an address missing twice in a row is claimed again, so a master that lost it at
 * EC2 serves again within about two intervals.
 */
export const VERIFY_INTERVAL_SECONDS = 5;

export function pairNodePart(pair: PairSettings, node: PairNode): BootPart {
  const { placement } = pair;
  return {
    // The AWS CLI moves the VIPs; arping tells neighbours on a shared segment.
    packages: ["awscli", "keepalived", "iputils-arping"],
    files: [
      {
        path: PATHS.KEEPALIVED_CONFIG,
        permissions: "0644",
        content: keepalivedConfigFor(pair, node),
      },
      {
        // Debian's haproxy.service reads EXTRAOPTS from here; -S keeps its master socket.
        path: PATHS.HAPROXY_DEFAULTS,
        permissions: "0644",
        content: [
          "# Exchange load balancer pair: this node's name in the peers section.",
          `EXTRAOPTS="-S ${PATHS.HAPROXY_MASTER_SOCKET} -L ${node.peerName}"`,
          `PIDFILE=${PATHS.HAPROXY_PIDFILE}`,
          "",
        ].join("\n"),
      },
    ],
    programs: ["failover", "keepalivedDropIn"],
    commands: [
      { phase: "after-start", argv: ["systemctl", "enable", "keepalived"] },
      { phase: "after-start", argv: ["systemctl", "restart", "keepalived"] },
    ],
    settings: {
      comment: "How this node claims the VIPs when it is master (clustered pair).",
      values: {
        PLACEMENT: placement.kind,
        NODE_ADDRESS: node.address,
        ROUTE_TABLES: placement.routeTableIds.join(" "),
        ALLOCATION_ID: placement.allocationId ?? "",
        ELASTIC_IP: pair.elasticIpAddress ?? "",
        PRESTART_WAIT: String(PRESTART_WAIT_SECONDS),
        CLAIM_RETRY_FIRST: String(CLAIM_RETRY.firstSeconds),
        CLAIM_RETRY_MAX: String(CLAIM_RETRY.maxSeconds),
        CLAIM_ATTEMPTS: String(CLAIM_RETRY.attempts),
        VERIFY_INTERVAL: String(VERIFY_INTERVAL_SECONDS),
      },
    },
  };
}
