/**
 * Renders the cloud-config that turns a fresh Debian 12 instance into the load
 * balancer: install HAProxy, write its config, tune the kernel for a full
 * proxy, put the VIPs on the interface, check the config with `haproxy -c`,
 * then enable and start. Pure and deterministic.
 */
import {
  FAILOVER_CONFIG_PATH,
  FAILOVER_SCRIPT,
  FAILOVER_SCRIPT_TEXT,
  HAPROXY_PIDFILE,
} from "../pair/failover-script";
import { KEEPALIVED_CONFIG_PATH } from "../pair/keepalived-config";
import { APPLY_SCRIPT, APPLY_SCRIPT_TEXT } from "../delivery/apply-script";
import { EPHEMERAL_PORTS, RESERVED_PORTS_PATH } from "../delivery/reserved-ports";
import { VIP_LIST_PATH } from "../delivery/vip-list";
import {
  CERTIFICATE_LIST_PATH,
  CERTIFICATE_SCRIPT,
  CERTIFICATE_SCRIPT_TEXT,
  CERTIFICATE_UNIT,
  certificateUnits,
} from "../tls/certificate-script";

export interface LoadBalancerBoot {
  /** The complete haproxy.cfg text. */
  readonly haproxyConfig: string;
  /** The VIP list file: addresses put on the interface (secondary private IPs on EC2). */
  readonly vipList: string;
  /** The certificates list file: bundles of terminating VIPs to fetch (may be empty). */
  readonly certificateList: string;
  /** The reserved-ports sysctl file (`renderReservedPorts`): HAProxy's listener ports. */
  readonly reservedPorts: string;
  /** HAProxy's global maxconn; sizes the file descriptor limit. */
  readonly maxconn: number;
  /** Install the SSM agent for Session Manager (Debian's AMI does not ship it). */
  readonly installSsmAgent: boolean;
  /** One node of a clustered pair: keepalived elects the master, which claims the VIPs. */
  readonly pair?: PairNodeBoot;
}

export interface PairNodeBoot {
  readonly keepalivedConfig: string;
  readonly failoverConfig: string;
  /** HAProxy's local peer name (`haproxy -L`), so haproxy.cfg is the same on both nodes. */
  readonly localPeer: string;
}

interface File {
  readonly path: string;
  readonly permissions: string;
  readonly content: string;
}

export const HAPROXY_CONFIG_PATH = "/etc/haproxy/haproxy.cfg";
/** Linux's default fs.nr_open: the largest file limit systemd can set without a sysctl. */
export const FILE_LIMIT_FLOOR = 1_048_576;
const VIP_SCRIPT = "/usr/local/sbin/exchange-vip-addresses";
const VIP_UNIT = "exchange-vip-addresses.service";
const SSM_SCRIPT = "/usr/local/sbin/install-ssm-agent";

export function renderCloudConfig(boot: LoadBalancerBoot): string {
  const files = bootFiles(boot);
  const runcmd = [
    ["sysctl", "--system"],
    ["systemctl", "daemon-reload"],
    // A pair's VIPs are the master's, put on the interface by the failover script.
    ...(boot.pair ? [] : [["systemctl", "enable", "--now", VIP_UNIT]]),
    // Terminating VIPs' certificates before HAProxy reads them; the timer renews them daily.
    [CERTIFICATE_SCRIPT],
    ["systemctl", "enable", "--now", `${CERTIFICATE_UNIT}.timer`],
    // Start HAProxy only with a config it accepts; a failed check fails the boot script.
    boot.pair
      ? `haproxy -c -L ${boot.pair.localPeer} -f ${HAPROXY_CONFIG_PATH} && systemctl enable haproxy && systemctl restart haproxy`
      : `haproxy -c -f ${HAPROXY_CONFIG_PATH} && systemctl enable haproxy && systemctl restart haproxy`,
    ...(boot.pair
      ? [
          ["systemctl", "enable", "keepalived"],
          ["systemctl", "restart", "keepalived"],
        ]
      : []),
    ...(boot.installSsmAgent ? [[SSM_SCRIPT]] : []),
  ];
  // The AWS CLI fetches certificates (any VIP may terminate TLS later) and moves a pair's VIPs.
  const packages = boot.pair
    ? ["haproxy", "curl", "awscli", "keepalived", "iputils-arping"]
    : ["haproxy", "curl", "awscli"];
  const lines = [
    "#cloud-config",
    "# Exchange load balancer: HAProxy on Debian 12. Generated; edit the construct, not this.",
    "package_update: true",
    "packages:",
    ...packages.map((name) => `  - ${name}`),
    "write_files:",
    ...files.flatMap(renderFile),
    "runcmd:",
    ...runcmd.map(
      (cmd) =>
        `  - ${typeof cmd === "string" ? yamlString(cmd) : `[${cmd.map(yamlString).join(", ")}]`}`,
    ),
  ];
  return lines.join("\n") + "\n";
}

function bootFiles(boot: LoadBalancerBoot): File[] {
  // Two descriptors per proxied connection (client side, server side), plus headroom; and at
  // least Linux's default nr_open, so a higher maxconn delivered later needs no restart.
  const fileLimit = Math.max(boot.maxconn * 2 + 1024, FILE_LIMIT_FLOOR);
  const files: File[] = [
    { path: HAPROXY_CONFIG_PATH, permissions: "0644", content: boot.haproxyConfig },
    {
      path: "/etc/sysctl.d/60-exchange-load-balancer.conf",
      permissions: "0644",
      content: [
        "# Every client connection becomes a new connection from this host (SNAT):",
        "# widen the source ports towards each real server (listener ports reserved in 61-*).",
        `net.ipv4.ip_local_port_range = ${EPHEMERAL_PORTS.first} ${EPHEMERAL_PORTS.last}`,
        "# Let HAProxy bind a VIP before or while it moves between instances.",
        "net.ipv4.ip_nonlocal_bind = 1",
        "# Room for bursts of new connections, e.g. every Outlook client reconnecting.",
        "net.core.somaxconn = 4096",
        "net.ipv4.tcp_max_syn_backlog = 4096",
        "",
      ].join("\n"),
    },
    // A pair's VIPs belong to the master alone: the failover script adds them.
    ...(boot.pair ? [] : vipAddressFiles()),
    // These are replaced out of band by the apply script when the config changes.
    { path: RESERVED_PORTS_PATH, permissions: "0644", content: boot.reservedPorts },
    { path: VIP_LIST_PATH, permissions: "0644", content: boot.vipList },
    { path: APPLY_SCRIPT, permissions: "0755", content: APPLY_SCRIPT_TEXT },
    { path: CERTIFICATE_LIST_PATH, permissions: "0644", content: boot.certificateList },
    { path: CERTIFICATE_SCRIPT, permissions: "0755", content: CERTIFICATE_SCRIPT_TEXT },
    ...certificateUnits().map((unit) => ({ ...unit, permissions: "0644" })),
    {
      path: "/etc/systemd/system/haproxy.service.d/exchange-load-balancer.conf",
      permissions: "0644",
      content: [
        ...(boot.pair ? [] : ["[Unit]", `Wants=${VIP_UNIT}`, `After=${VIP_UNIT}`, ""]),
        "[Service]",
        `LimitNOFILE=${fileLimit}`,
        "",
      ].join("\n"),
    },
  ];
  if (boot.pair) files.push(...pairFiles(boot.pair));
  if (boot.installSsmAgent) {
    files.push({
      path: SSM_SCRIPT,
      permissions: "0755",
      content: [
        "#!/bin/sh",
        "# Session Manager instead of SSH. Debian's AMI has no SSM agent: fetch the",
        "# package for this region using an IMDSv2 token.",
        "set -eu",
        "if systemctl is-active --quiet amazon-ssm-agent; then exit 0; fi",
        'imds="http://169.254.169.254/latest"',
        'token=$(curl -sSf -X PUT -H "X-aws-ec2-metadata-token-ttl-seconds: 300" "${imds}/api/token")',
        'region=$(curl -sSf -H "X-aws-ec2-metadata-token: ${token}" "${imds}/meta-data/placement/region")',
        'deb="/var/tmp/amazon-ssm-agent.deb"',
        'curl -sSf -o "${deb}" "https://s3.${region}.amazonaws.com/amazon-ssm-${region}/latest/debian_amd64/amazon-ssm-agent.deb"',
        'dpkg -i "${deb}"',
        "systemctl enable --now amazon-ssm-agent",
        "",
      ].join("\n"),
    });
  }
  return files;
}

/** EC2 assigns the VIPs as secondary private IPs; a boot unit puts them on the interface. */
function vipAddressFiles(): File[] {
  return [
    {
      path: VIP_SCRIPT,
      permissions: "0755",
      content: [
        "#!/bin/sh",
        "# EC2 assigns the VIPs as secondary private IPs, but Debian only configures",
        "# the primary address: add the VIPs to the interface of the default route.",
        "set -eu",
        "dev=$(ip -4 route show default | awk '{ print $5; exit }')",
        `for vip in $(cat ${VIP_LIST_PATH}); do`,
        '  ip address replace "$vip/32" dev "$dev"',
        "done",
        "",
      ].join("\n"),
    },
    {
      path: `/etc/systemd/system/${VIP_UNIT}`,
      permissions: "0644",
      content: [
        "[Unit]",
        "Description=Exchange VIP addresses on the primary interface",
        "Wants=network-online.target",
        "After=network-online.target",
        "",
        "[Service]",
        "Type=oneshot",
        "RemainAfterExit=yes",
        `ExecStart=${VIP_SCRIPT}`,
        "",
        "[Install]",
        "WantedBy=multi-user.target",
        "",
      ].join("\n"),
    },
  ];
}

function pairFiles(pair: PairNodeBoot): File[] {
  return [
    { path: KEEPALIVED_CONFIG_PATH, permissions: "0644", content: pair.keepalivedConfig },
    { path: FAILOVER_CONFIG_PATH, permissions: "0644", content: pair.failoverConfig },
    { path: FAILOVER_SCRIPT, permissions: "0755", content: FAILOVER_SCRIPT_TEXT },
    {
      // Debian's haproxy.service reads EXTRAOPTS from here; -S keeps its master socket.
      path: "/etc/default/haproxy",
      permissions: "0644",
      content: [
        "# Exchange load balancer pair: this node's name in the peers section.",
        `EXTRAOPTS="-S /run/haproxy-master.sock -L ${pair.localPeer}"`,
        `PIDFILE=${HAPROXY_PIDFILE}`,
        "",
      ].join("\n"),
    },
    {
      path: "/etc/systemd/system/keepalived.service.d/exchange-load-balancer.conf",
      permissions: "0644",
      content: [
        "[Unit]",
        "Wants=network-online.target",
        "After=network-online.target haproxy.service",
        "",
        "[Service]",
        "# keepalived started before its unicast source address exists stays in FAULT for good",
        "# (keepalived 2.2.7): wait for the address, and retry if it never comes.",
        `ExecStartPre=${FAILOVER_SCRIPT} prestart`,
        "Restart=on-failure",
        "RestartSec=5",
        "",
      ].join("\n"),
    },
  ];
}

function renderFile(file: File): string[] {
  if (file.content === "") {
    return [
      `  - path: ${file.path}`,
      `    permissions: ${yamlString(file.permissions)}`,
      '    content: ""',
    ];
  }
  if (!file.content.endsWith("\n") || file.content.endsWith("\n\n") || /^\s/.test(file.content)) {
    throw new Error(`${file.path}: content must end with one newline and not start with a blank`);
  }
  return [
    `  - path: ${file.path}`,
    `    permissions: ${yamlString(file.permissions)}`,
    "    content: |",
    ...file.content
      .slice(0, -1)
      .split("\n")
      .map((line) => (line.length > 0 ? `      ${line}` : "")),
  ];
}

/** JSON strings are valid YAML double-quoted scalars. */
function yamlString(text: string): string {
  return JSON.stringify(text);
}
