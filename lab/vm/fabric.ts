/** Starts the VPC fabric (lab/tools/fabric.js) in the switch: each VIP reaches only the interface EC2 gave it to. */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { startDetached } from "../servers";
import { inNs, sh } from "../shell";
import { SWITCH } from "../topology";
import { LabInstance } from "./instances";
import { tapOf } from "./qemu";
import { awsChangesFile } from "./vpc";

const FABRIC_TOOL = join(__dirname, "..", "tools", "fabric.js");

/** `vips`: the stack's VIP addresses; a VIP launched as a secondary IP starts with its instance. */
export function startFabric(
  dir: string,
  instances: readonly LabInstance[],
  vips: readonly string[],
  maxMs: number,
): void {
  const owners = Object.fromEntries(
    vips.map((vip) => [
      vip,
      instances.find((i) => i.localIpv4s.slice(1).includes(vip))?.eniId ?? null,
    ]),
  );
  const config = join(dir, "fabric.json");
  const taps = Object.fromEntries(instances.map((i) => [i.eniId, tapOf(i.name)]));
  writeFileSync(config, JSON.stringify({ changes: awsChangesFile(dir), taps, owners, maxMs }));
  startDetached(SWITCH, [process.execPath, FABRIC_TOOL, config], join(dir, "fabric.log"));
  for (let attempt = 0; attempt < 50; attempt++) {
    if (inNs(SWITCH, ["ebtables", "-L", "VPC"], { allowFailure: true }).status === 0) return;
    sh(["sleep", "0.1"]);
  }
  throw new Error(`the VPC fabric did not start: see ${join(dir, "fabric.log")}`);
}
