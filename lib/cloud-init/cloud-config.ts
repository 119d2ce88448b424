/**
 * Renders the cloud-config that turns a fresh Debian 12 instance into the load
 * balancer: install HAProxy, write its config, tune the kernel for a full
 * proxy, put the VIPs on the interface, check the config with `haproxy -c`,
 * then enable and start. Pure and deterministic.
 */

export interface LoadBalancerBoot {
  /** The complete haproxy.cfg text. */
  readonly haproxyConfig: string;
  /** Addresses HAProxy binds, assigned to the instance as secondary private IPs. */
  readonly vipAddresses: readonly string[];
  /** HAProxy's global maxconn; sizes the file descriptor limit. */
  readonly maxconn: number;
  /** Install the SSM agent for Session Manager (Debian's AMI does not ship it). */
  readonly installSsmAgent: boolean;
}

interface File {
  readonly path: string;
  readonly permissions: string;
  readonly content: string;
}

export const HAPROXY_CONFIG_PATH = "/etc/haproxy/haproxy.cfg";
const VIP_SCRIPT = "/usr/local/sbin/exchange-vip-addresses";
const VIP_UNIT = "exchange-vip-addresses.service";
const SSM_SCRIPT = "/usr/local/sbin/install-ssm-agent";

export function renderCloudConfig(boot: LoadBalancerBoot): string {
  const files = bootFiles(boot);
  const runcmd = [
    ["sysctl", "--system"],
    ["systemctl", "daemon-reload"],
    ["systemctl", "enable", "--now", VIP_UNIT],
    // Start HAProxy only with a config it accepts; a failed check fails the boot script.
    `haproxy -c -f ${HAPROXY_CONFIG_PATH} && systemctl enable haproxy && systemctl restart haproxy`,
    ...(boot.installSsmAgent ? [[SSM_SCRIPT]] : []),
  ];
  const lines = [
    "#cloud-config",
    "# Exchange load balancer: HAProxy on Debian 12. Generated; edit the construct, not this.",
    "package_update: true",
    "packages:",
    "  - haproxy",
    "  - curl",
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
  // Two descriptors per proxied connection (client side, server side), plus headroom.
  const fileLimit = boot.maxconn * 2 + 1024;
  const files: File[] = [
    { path: HAPROXY_CONFIG_PATH, permissions: "0644", content: boot.haproxyConfig },
    {
      path: "/etc/sysctl.d/60-exchange-load-balancer.conf",
      permissions: "0644",
      content: [
        "# Every client connection becomes a new connection from this host (SNAT):",
        "# widen the source ports available towards each real server.",
        "net.ipv4.ip_local_port_range = 1024 65023",
        "# Let HAProxy bind a VIP before or while it moves between instances.",
        "net.ipv4.ip_nonlocal_bind = 1",
        "# Room for bursts of new connections, e.g. every Outlook client reconnecting.",
        "net.core.somaxconn = 4096",
        "net.ipv4.tcp_max_syn_backlog = 4096",
        "",
      ].join("\n"),
    },
    {
      path: VIP_SCRIPT,
      permissions: "0755",
      content: [
        "#!/bin/sh",
        "# EC2 assigns the VIPs as secondary private IPs, but Debian only configures",
        "# the primary address: add the VIPs to the interface of the default route.",
        "set -eu",
        "dev=$(ip -4 route show default | awk '{ print $5; exit }')",
        `for vip in ${boot.vipAddresses.join(" ")}; do`,
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
    {
      path: "/etc/systemd/system/haproxy.service.d/exchange-load-balancer.conf",
      permissions: "0644",
      content: [
        "[Unit]",
        `Wants=${VIP_UNIT}`,
        `After=${VIP_UNIT}`,
        "",
        "[Service]",
        `LimitNOFILE=${fileLimit}`,
        "",
      ].join("\n"),
    },
  ];
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

function renderFile(file: File): string[] {
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
