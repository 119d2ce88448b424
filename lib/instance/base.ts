/**
 * The base of every node: HAProxy from Debian, the kernel tuned for a full
 * proxy, HAProxy's file limit, the shared functions and the node's own values;
 * and two smaller parts: the VIP addresses of one instance, the SSM agent.
 */
import type { CloudConfigFile } from "../cloud-init/cloud-config";
import { BootPart } from "./boot";
import { PATHS, unitName } from "./paths";
import { SOURCE_ADDRESS_ENV, SOURCE_LINE_SUFFIX } from "./source-addresses";

/** Linux's default fs.nr_open: the largest file limit systemd can set without a sysctl. */
export const FILE_LIMIT_FLOOR = 1_048_576;
/** Descriptors beyond two per connection: listeners, the admin socket, logs, checks. */
export const FILE_HEADROOM = 1024;
/** The ephemeral range (`ip_local_port_range`): source ports towards the real servers. */
export const EPHEMERAL_PORTS = { first: 1024, last: 65023 } as const;
/** HAProxy's log lines journald keeps per 30 s (LogRateLimitBurst): 20,000 a second. */
export const LOG_BURST = 600_000;
/** The server-state file a node starts with: the format's version line, no server. */
export const SERVER_STATE_AT_BOOT = "1\n";
/** The instance metadata service. */
export const IMDS_ENDPOINT = "http://169.254.169.254";

export interface BaseInstance {
  /** HAProxy's global maxconn; sizes the file descriptor limit. */
  readonly maxconn: number;
  /** This node's name in HAProxy's peers section (a pair node). */
  readonly localPeer?: string;
}

export function baseInstancePart(instance: BaseInstance): BootPart {
  // Two descriptors per proxied connection (client side, server side), plus headroom; and at
  // least Linux's default nr_open, so a higher maxconn delivered later needs no restart.
  const fileLimit = Math.max(instance.maxconn * 2 + FILE_HEADROOM, FILE_LIMIT_FLOOR);
  return {
    // socat: the programs' way to HAProxy's admin socket (HAProxy 2.6 management guide, 9.3).
    packages: ["haproxy", "curl", "socat"],
    // The server-state program comes with the config document (lib/delivery/bundle.ts).
    programs: ["functions", "networkdKeepVips", "sourceAddress"],
    files: [
      {
        path: PATHS.SYSCTL,
        permissions: "0644",
        content: [
          "# Every client connection becomes a new connection from this host (SNAT):",
          "# widen the source ports towards each real server (listener ports reserved in 61-*).",
          `net.ipv4.ip_local_port_range = ${EPHEMERAL_PORTS.first} ${EPHEMERAL_PORTS.last}`,
          "# Reuse a source port HAProxy's close left in TIME-WAIT once safe (1 s), not 60 s on.",
          "net.ipv4.tcp_tw_reuse = 1",
          "# Let HAProxy bind a VIP before or while it moves between instances.",
          "net.ipv4.ip_nonlocal_bind = 1",
          "# Room for bursts of new connections, e.g. every Outlook client reconnecting.",
          "net.core.somaxconn = 4096",
          "net.ipv4.tcp_max_syn_backlog = 4096",
          "",
        ].join("\n"),
      },
      ...haproxyFiles(fileLimit),
      ...sourceAddressFiles(),
    ],
    commands: [
      { phase: "prepare", argv: ["sysctl", "--system"] },
      { phase: "prepare", argv: ["systemctl", "daemon-reload"] },
    ],
    settings: {
      comment: "This node.",
      values: {
        LOCAL_PEER: instance.localPeer ?? "",
        IMDS: IMDS_ENDPOINT,
        SOURCE_ADDRESS_ENV,
        SOURCE_LINE_SUFFIX,
      },
    },
  };
}

/** HAProxy's unit drop-in (file limit; states saved at stop) and the state file it starts from. */
function haproxyFiles(fileLimit: number): CloudConfigFile[] {
  return [
    {
      path: PATHS.HAPROXY_DROP_IN,
      permissions: "0644",
      // ExecStop: the servers' states outlive a stop and a reboot (before the main process ends).
      // journald drops over 10,000 messages per 30 s of a unit by default (journald.conf(5)):
      // one line a connection passes that at 334 connections/s. 20,000 a second keeps a limit.
      content: [
        "[Service]",
        `LimitNOFILE=${fileLimit}`,
        "LogRateLimitIntervalSec=30s",
        `LogRateLimitBurst=${LOG_BURST}`,
        `ExecStop=-${PATHS.SERVER_STATE_PROGRAM} save`,
        "",
      ].join("\n"),
    },
    // No servers yet: HAProxy 2.6 warns of a state file that is missing or empty, not of this.
    { path: PATHS.SERVER_STATE, permissions: "0644", content: SERVER_STATE_AT_BOOT },
  ];
}

/** HAProxy's connections leave from the primary address: its unit's drop-in, cloud-init's config. */
function sourceAddressFiles(): CloudConfigFile[] {
  return [
    {
      // The primary address from IMDS before each start. No "-": without an address (IMDS
      // down and none learnt before) HAProxy does not start rather than check from a VIP, and
      // the boot's start fails visibly. systemd reads the file for ExecStart after ExecStartPre
      // wrote it (systemd.exec(5); systemd.service(5): a failing ExecStartPre fails the unit).
      path: PATHS.HAPROXY_SOURCE_DROP_IN,
      permissions: "0644",
      content: [
        "[Service]",
        `ExecStartPre=${PATHS.SOURCE_ADDRESS_PROGRAM}`,
        `EnvironmentFile=-${PATHS.HAPROXY_ENVIRONMENT}`,
        "",
      ].join("\n"),
    },
    {
      // cloud-init writes every secondary IP in IMDS into netplan as <ip>/24 at each boot
      // (cloud-init 22.4 and 25.1, DataSourceEc2): the VIPs are the failover's and the VIP unit's.
      path: PATHS.CLOUD_INIT_NETWORK,
      permissions: "0644",
      content: "datasource:\n  Ec2:\n    apply_full_imds_network_config: false\n",
    },
  ];
}

/**
 * One instance: EC2 assigns the VIPs as secondary IPs, a unit puts them on the
 * interface. HAProxy wants the unit through a drop-in written before the
 * package is installed, so even the package's own first start binds the VIPs.
 */
export function vipAddressesPart(): BootPart {
  const unit = unitName(PATHS.VIP_ADDRESSES_UNIT);
  return {
    files: [
      {
        path: PATHS.HAPROXY_VIPS_DROP_IN,
        permissions: "0644",
        content: ["[Unit]", `Wants=${unit}`, `After=${unit}`, ""].join("\n"),
      },
    ],
    programs: ["vipAddresses", "vipAddressesUnit"],
    commands: [
      {
        phase: "before-start",
        argv: ["systemctl", "enable", "--now", unit],
      },
    ],
  };
}

/**
 * Session Manager instead of SSH: Debian's AMI has no SSM agent.
 * @param proxy the proxy its download goes through; none: straight to S3
 */
export function ssmAgentPart(proxy?: string): BootPart {
  return {
    programs: ["ssmAgentInstaller"],
    commands: [{ phase: "last", argv: [PATHS.SSM_AGENT_INSTALLER] }],
    settings: {
      comment: "The SSM agent's download.",
      values: { SSM_AGENT_PROXY: proxy ?? "" },
    },
  };
}
