/** The boot lab's status table (npm run lab -- vm): each instance, and the AWS side. */
import { BootLab } from "./boot-lab";
import { guestRun } from "./guest";
import { holdsVip } from "./pair-vm";
import { DNS_ADDRESS, ENDPOINTS_ADDRESS, IMDS_ADDRESS, MIRROR_ADDRESS } from "./vpc";

function table(rows: string[][]): string {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i])).join("  ")).join("\n");
}

export async function bootLabStatus(lab: BootLab): Promise<string> {
  const rows = [["instance", "id", "address", "cloud-init", "haproxy", "keepalived", "VIP"]];
  for (const instance of lab.instances) {
    const vm = lab.vms.get(instance.name);
    if (!vm) continue;
    const out = async (argv: string[]) => (await guestRun(vm, argv)).stdout.trim();
    rows.push([
      instance.name,
      instance.instanceId,
      instance.localIpv4s.join(" "),
      (await out(["cloud-init", "status"])).replace(/^status: /, ""),
      await out(["systemctl", "is-active", "haproxy"]),
      await out(["systemctl", "is-active", "keepalived"]),
      (await holdsVip(vm)) ? "holds" : "-",
    ]);
  }
  const aws = [
    ["AWS stand-in", "address", "what"],
    [
      "VPC DNS and DHCP",
      DNS_ADDRESS,
      "dnsmasq: a reservation per MAC; deb.debian.org and *.amazonaws.com to the stand-ins",
    ],
    [
      "IMDSv2",
      IMDS_ADDRESS,
      "token required, hop limit, the synthesized user-data, the role's credentials",
    ],
    [
      "package mirror",
      MIRROR_ADDRESS,
      "Debian's signed indices and the packages the user-data installs, recorded",
    ],
    [
      "AWS APIs",
      ENDPOINTS_ADDRESS,
      "EC2, SSM, Secrets Manager, S3 over TLS (lab CA); SigV4 and the role's policies enforced",
    ],
  ];
  return `Boot lab: stack ${lab.lb.stackName}, Debian ${lab.release}, files in ${lab.dir}\n\n${table(rows)}\n\n${table(aws)}\n`;
}
