/**
 * The AWS lab's Exchange stand-ins (examples/aws-lab) in the boot lab: the stack
 * synthesized as a user deploys it, each server's user-data read back from
 * cdk.tf.json as Terraform hands it to EC2, booted on a VM at a lab server's
 * address with the VPC's DHCP and DNS, IMDS and the package mirror. The servers
 * have no instance profile and make no AWS call, so no API endpoint runs.
 */
import { App } from "cdktf";
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildAwsLabStack } from "../../examples/aws-lab/stack";
import { synthesizedStandInUserData } from "../../examples/aws-lab/synthesized";
import { LAB_DIR } from "../servers";
import { HOSTS, createNetwork } from "../topology";
import { BootLab, STAND_IN_MAX_MS, bootLabDown, userDataPackages } from "./boot-lab";
import { startImds } from "./imds";
import { LabInstance, dhcpReservations, labInstance } from "./instances";
import { ensureMirror, startMirror } from "./mirror";
import { createVpc, startDnsAndDhcp } from "./vpc";

/** The stand-ins by the load balancer's names, at the lab's Exchange servers' addresses. */
export const AWS_LAB_SERVERS = [
  { name: "EX1", address: HOSTS.cas1.addresses[0] },
  { name: "EX2", address: HOSTS.cas2.addresses[0] },
] as const;

interface SynthesizedInstance {
  readonly instance_type: string;
  readonly tags?: Readonly<Record<string, string>>;
  readonly metadata_options?: { readonly http_put_response_hop_limit?: number };
}

export type ServersLab = Pick<BootLab, "instances" | "release" | "vms" | "dir">;

/** The synthesized examples/aws-lab stack's cdk.tf.json, parsed. */
export function synthesizeAwsLab(): unknown {
  const outdir = mkdtempSync(join(tmpdir(), "exchange-lab-aws-lab-"));
  try {
    const app = new App({ outdir });
    const { stack } = buildAwsLabStack(app);
    app.synth();
    return JSON.parse(readFileSync(join(outdir, "stacks", stack.node.id, "cdk.tf.json"), "utf8"));
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

/** The stand-ins as the lab launches them (VM names ex1, ex2). */
export function awsLabServerInstances(json: unknown): LabInstance[] {
  const all = Object.values(
    (json as { resource: { aws_instance: Record<string, SynthesizedInstance> } }).resource
      .aws_instance,
  );
  return AWS_LAB_SERVERS.map(({ name, address }) => {
    const [synthesized] = all.filter((i) => i.tags?.Name?.endsWith(`-${name}`));
    const userData = synthesizedStandInUserData(json, name);
    return labInstance("aws-lab", name.toLowerCase(), {
      address,
      instanceType: synthesized.instance_type,
      // EC2's default when the launch names none (the stand-ins' metadata_options do not).
      hopLimit: synthesized.metadata_options?.http_put_response_hop_limit ?? 1,
      userDataBase64: Buffer.from(userData).toString("base64"),
    });
  });
}

/** The network, a client to probe from, and the VPC's stand-ins; no VM yet. Cleans up first, and on failure. */
export async function awsLabServersUp(release: number): Promise<ServersLab> {
  bootLabDown();
  const dir = join(LAB_DIR, "vpc");
  try {
    const instances = awsLabServerInstances(synthesizeAwsLab());
    const mirror = await ensureMirror(
      release,
      instances.flatMap((i) => userDataPackages(i.userDataBase64)),
    );
    createNetwork(["lb", "lb2", "cas1", "cas2"]);
    createVpc();
    mkdirSync(dir, { recursive: true });
    startDnsAndDhcp(dir, dhcpReservations(instances));
    startImds(dir, instances, STAND_IN_MAX_MS);
    startMirror(mirror, dir);
    return { release, dir, instances, vms: new Map() };
  } catch (error) {
    bootLabDown();
    throw error;
  }
}
