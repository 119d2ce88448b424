/**
 * Renders keepalived.conf for one node of the clustered pair (001 appendix 6,
 * 004 appendix 5). Pure and deterministic. keepalived only elects the master:
 * AWS has no shared layer 2, so it holds no VIP itself and hands every state
 * change to the failover program, which moves the VIPs through the AWS API.
 */
import { PATHS } from "../instance/paths";
import { PairNode } from "./pair-node";
import { PairSettings } from "./pair-settings";

export interface KeepalivedNode {
  /** This node's primary private address: the unicast source. */
  readonly address: string;
  /** The other node's primary private address: the only unicast peer. */
  readonly peerAddress: string;
  /** Higher wins an election; the first node of the pair is preferred. */
  readonly priority: number;
  /** VRRP virtual router id, 1-255, unique among pairs that can hear each other. */
  readonly virtualRouterId: number;
}

export const VRRP_INSTANCE = "exchange";
/** Seconds a starting keepalived waits before its VRRP instance runs. */
export const STARTUP_DELAY_SECONDS = 5;
/** keepalived's check of this node (its own block: the render stays under 50 lines). */
const TRACK_SCRIPT: readonly string[] = [
  "# HAProxy tracked: a node whose HAProxy is gone, or that gave up claiming the VIPs, enters",
  "# FAULT and the peer takes over (weight 0: a failing script means FAULT, keepalived.conf(5)).",
  "# fall 1: a dead HAProxy fails at once; a slow check is not one, hence timeout 5.",
  "vrrp_script haproxy_alive {",
  `    script "${PATHS.FAILOVER_PROGRAM} check"`,
  "    interval 1",
  "    timeout 5",
  "    weight 0",
  "    fall 1",
  "    rise 2",
  "}",
  "",
];

/** keepalived.conf of one node, from its addresses and priority. */
export function renderKeepalivedConfig(node: KeepalivedNode): string {
  return [
    "# Exchange load balancer pair: VRRP elects the master; the failover script moves the VIPs.",
    "# Generated; edit the construct, not this file.",
    "global_defs {",
    "    enable_script_security",
    "    script_user root",
    "    # One FIFO delivers state changes in order; separate notify scripts may run out of order.",
    `    vrrp_notify_fifo ${PATHS.VRRP_FIFO}`,
    `    vrrp_notify_fifo_script "${PATHS.FAILOVER_PROGRAM} fifo"`,
    "    # A node that (re)boots first listens to the current master: with its network just up it",
    "    # could otherwise miss the adverts, elect itself and take the VIPs back (a second failover).",
    `    vrrp_startup_delay ${STARTUP_DELAY_SECONDS}`,
    "}",
    "",
    ...TRACK_SCRIPT,
    "# The interface holding the unicast source, found at start-up (ens5 on Nitro, eth0 on Xen).",
    `include ${PATHS.KEEPALIVED_INTERFACE}`,
    "",
    `vrrp_instance ${VRRP_INSTANCE} {`,
    "    state BACKUP",
    "    interface $INTERFACE",
    `    virtual_router_id ${node.virtualRouterId}`,
    "    # High: a backup waits (256 - priority) / 256 s to take over. VRRP v2's shortest advert.",
    `    priority ${node.priority}`,
    "    advert_int 1",
    "    # A recovered node does not take the VIPs back: one failover per failure, not two.",
    "    nopreempt",
    "    # After a split the lower master announces itself once more before yielding, so the",
    "    # proper master sees MASTER_RX_LOWER_PRI and takes the VIPs back from it.",
    "    higher_prio_send_advert true",
    "    # Unicast: AWS VPCs carry no multicast. Security groups allow VRRP between the pair only.",
    `    unicast_src_ip ${node.address}`,
    "    unicast_peer {",
    `        ${node.peerAddress}`,
    "    }",
    "    track_script {",
    "        haproxy_alive",
    "    }",
    "}",
    "",
  ].join("\n");
}

/** keepalived.conf of one node of the pair. */
export function keepalivedConfigFor(pair: PairSettings, node: PairNode): string {
  return renderKeepalivedConfig({
    address: node.address,
    peerAddress: node.peerAddress,
    priority: node.priority,
    virtualRouterId: pair.virtualRouterId,
  });
}
