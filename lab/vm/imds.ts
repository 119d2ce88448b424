/** Starts the IMDSv2 stand-in (lab/tools/imds.js) in the VPC namespace for the lab's instances. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { inNs, sh } from "../shell";
import { startDetached } from "../servers";
import { LabInstance, imdsNode } from "./instances";
import { IMDS_ADDRESS, VPC_NS, awsChangesFile } from "./vpc";

const IMDS_TOOL = join(__dirname, "..", "tools", "imds.js");

/** `roleOf`: the instance profile's role and credentials IMDS serves (lab/vm/endpoints.ts). */
export function startImds(
  dir: string,
  instances: readonly LabInstance[],
  maxMs: number,
  roleOf: (instance: LabInstance) => object | undefined = () => undefined,
): void {
  const config = join(dir, "imds.json");
  const nodes = instances.map((i) => imdsNode(i, roleOf(i)));
  const changes = awsChangesFile(dir);
  writeFileSync(config, JSON.stringify({ listen: IMDS_ADDRESS, port: 80, maxMs, nodes, changes }));
  // The hop limit: EC2 sends the token's answer with this TTL, so a container behind the
  // instance (one hop more) cannot read it.
  for (const instance of instances) {
    inNs(VPC_NS, [
      ...[
        "iptables",
        "-t",
        "mangle",
        "-A",
        "OUTPUT",
        "-s",
        IMDS_ADDRESS,
        "-d",
        instance.localIpv4s[0],
      ],
      ...["-p", "tcp", "--sport", "80", "-j", "TTL", "--ttl-set", String(instance.hopLimit)],
    ]);
  }
  startDetached(VPC_NS, [process.execPath, IMDS_TOOL, config], join(dir, "imds.log"));
  for (let attempt = 0; attempt < 50; attempt++) {
    if (inNs(VPC_NS, ["ss", "-ltnH", `sport = :80`]).stdout.includes(IMDS_ADDRESS)) return;
    sh(["sleep", "0.1"]);
  }
  throw new Error(`the IMDS stand-in did not start: see ${join(dir, "imds.log")}`);
}
