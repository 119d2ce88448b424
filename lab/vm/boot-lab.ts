/**
 * The boot lab: the namespace lab's real servers and clients, with each load-balancer
 * node a QEMU VM booting the synthesized user-data, and the AWS side (DHCP and DNS,
 * IMDSv2, the package mirror, the API endpoints) as stand-ins in the VPC namespace.
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { parse } from "yaml";
import { PATHS } from "../../lib/instance/paths";
import type { NetworkSetup } from "../aws/network";
import { labDown } from "../lab";
import { LAB_DIR, startServers } from "../servers";
import { SynthesizedLoadBalancer } from "../stacks";
import { createNetwork } from "../topology";
import { guestRun, waitForAgent } from "./guest";
import { roleForImds, startEndpoints } from "./endpoints";
import { startFabric } from "./fabric";
import { startImds } from "./imds";
import { LabInstance, dhcpReservations, labInstances } from "./instances";
import { ensureMirror, startMirror } from "./mirror";
import { Vm, startVm } from "./qemu";
import { createVpc, startDnsAndDhcp } from "./vpc";

/** Bounds every stand-in's life: none outlives a crashed test by more than this. */
export const STAND_IN_MAX_MS = 2 * 3600 * 1000;
/** Packages a scenario reinstalls as unattended-upgrades would (the network-stack scenario). */
export const REINSTALLED = ["systemd"];

export interface BootLab {
  readonly lb: SynthesizedLoadBalancer;
  readonly release: number;
  readonly dir: string;
  readonly instances: readonly LabInstance[];
  readonly vms: Map<string, Vm>;
}

/** The packages a user-data installs (cloud-config `packages:`), gzip or not. */
export function userDataPackages(userDataBase64: string): string[] {
  let bytes = Buffer.from(userDataBase64, "base64");
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) bytes = gunzipSync(bytes);
  return (parse(bytes.toString("utf8")) as { packages?: string[] }).packages ?? [];
}

/** The VIP addresses the stack's user-data lists (its VIP file). */
export function vipsOf(lb: SynthesizedLoadBalancer): string[] {
  return (lb.nodes[0].files[PATHS.VIPS_FILE]?.content ?? "").split("\n").filter(Boolean);
}

/** The pair's VIP placement, from its settings file ("" for one instance). */
export function placementOf(lb: SynthesizedLoadBalancer): string {
  const settings = lb.nodes[0].files[PATHS.SETTINGS]?.content ?? "";
  return /^PLACEMENT="([\w-]*)"/m.exec(settings)?.[1] ?? "";
}

/** What the AWS stand-in holds besides the stack's role and instances. */
export interface BootLabOptions {
  /** SecureString parameters (AWS managed key) holding the lab's certificate and key PEM. */
  readonly certificateParameters?: readonly string[];
  /** The route tables and Elastic IPs EC2 holds before the instances launch. */
  readonly seed?: Pick<NetworkSetup, "routeTables" | "elasticIps">;
}

/** The lab's certificate bundle (mail.lab.test, what the real servers present): cert, then key. */
export function labCertificateBundle(): string {
  const tls = join(LAB_DIR, "tls");
  return readFileSync(join(tls, "cert.pem"), "utf8") + readFileSync(join(tls, "key.pem"), "utf8");
}

/** Everything but the VMs: network, servers, stand-ins. Cleans up first, and on failure. */
export async function bootLabUp(
  lb: SynthesizedLoadBalancer,
  release: number,
  options: BootLabOptions = {},
): Promise<BootLab> {
  bootLabDown();
  const dir = join(LAB_DIR, "vpc");
  try {
    const instances = labInstances(lb);
    const packages = instances.flatMap((i) => userDataPackages(i.userDataBase64));
    const mirror = await ensureMirror(release, packages, REINSTALLED);
    createNetwork(["lb", "lb2"]);
    startServers();
    createVpc();
    mkdirSync(dir, { recursive: true });
    startDnsAndDhcp(dir, dhcpReservations(instances));
    const bundle = options.certificateParameters?.length ? labCertificateBundle() : "";
    const parameters = (options.certificateParameters ?? []).map((name) => ({
      name,
      value: bundle,
    }));
    startEndpoints(dir, release, lb.cdkTfJson, instances, STAND_IN_MAX_MS, {
      parameters,
      seed: options.seed,
    });
    startImds(dir, instances, STAND_IN_MAX_MS, roleForImds);
    // Only private IPs are the fabric's: a routed VIP or an Elastic IP is never on the subnet.
    const privateVips = ["", "secondary-ip"].includes(placementOf(lb)) ? vipsOf(lb) : [];
    startFabric(dir, instances, privateVips, STAND_IN_MAX_MS);
    startMirror(mirror, dir);
    return { lb, release, dir, instances, vms: new Map() };
  } catch (error) {
    bootLabDown();
    throw error;
  }
}

/** Launches an instance: power on with a fresh disk (`keepDisk`: the same instance started again). */
export function launch(
  lab: Pick<BootLab, "instances" | "release" | "vms">,
  name: string,
  keepDisk = false,
): Vm {
  const instance = lab.instances.find((i) => i.name === name);
  if (!instance) throw new Error(`no instance ${name} in the lab`);
  const vm = startVm(
    {
      name,
      instanceId: instance.instanceId,
      mac: instance.mac,
      instanceType: instance.instanceType,
      release: lab.release,
    },
    LAB_DIR,
    keepDisk,
  );
  lab.vms.set(name, vm);
  return vm;
}

export interface CloudInitResult {
  readonly status: string;
  readonly errors: readonly string[];
  readonly recoverableErrors: Record<string, readonly string[]>;
  /** Seconds after power-on (the kernel's uptime) cloud-init finished. */
  readonly finishedAfterS: number;
}

/**
 * What cloud-init 23.4+ reports as `recoverable_errors` (its log's WARNING and DEPRECATED
 * records), read from the log where cloud-init predates them (Debian 12's 22.4).
 */
async function loggedWarnings(vm: Vm): Promise<Record<string, string[]>> {
  const log = (await guestRun(vm, ["cat", "/var/log/cloud-init.log"])).stdout;
  const found: Record<string, string[]> = {};
  for (const [, level, message] of log.matchAll(
    /^\S+ \S+ - \S+\[(WARNING|DEPRECATED)\]: (.*)$/gm,
  )) {
    (found[level] ??= []).push(message);
  }
  return found;
}

/** Waits for cloud-init to finish (`cloud-init status --wait`), then reads its result. */
export async function cloudInitResult(vm: Vm, timeoutMs: number): Promise<CloudInitResult> {
  await waitForAgent(vm, timeoutMs);
  await guestRun(vm, ["cloud-init", "status", "--wait"], timeoutMs);
  const json = JSON.parse(
    (await guestRun(vm, ["cloud-init", "status", "--format", "json"])).stdout,
  ) as {
    status: string;
    errors: string[];
    recoverable_errors?: Record<string, string[]>;
  };
  const log = (await guestRun(vm, ["cat", "/var/log/cloud-init-output.log"])).stdout;
  const recoverableErrors = json.recoverable_errors ?? (await loggedWarnings(vm));
  const finished = /^Cloud-init v\. \S+ finished at .* Up ([\d.]+) seconds/m.exec(log);
  return {
    status: json.status,
    errors: json.errors,
    recoverableErrors,
    finishedAfterS: finished ? Number(finished[1]) : NaN,
  };
}

/** VMs run in the switch namespace: the namespace lab's teardown stops them with everything else. */
export function bootLabDown(): void {
  labDown();
}
