/** What a pair scenario reads from the boot lab: who holds the VIP, and the AWS stand-in's call log. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { VIP } from "../topology";
import { BootLab } from "./boot-lab";
import { control } from "./endpoints";
import { guestRun } from "./guest";
import { Vm } from "./qemu";

export interface AwsCall {
  readonly time: string;
  readonly service: string;
  readonly action: string;
  readonly caller?: { readonly instanceId: string; readonly roleName: string };
  readonly decision: string;
  readonly status: number;
  readonly error?: string;
}

/** Whether the VIP is on the VM's interface (the failover program put it there). */
export async function holdsVip(vm: Vm, vip = VIP): Promise<boolean> {
  const r = await guestRun(vm, ["ip", "-4", "-o", "address", "show", "to", `${vip}/32`]);
  return r.stdout.trim() !== "";
}

/** Every call the AWS stand-in answered, in order. */
export function awsCalls(lab: BootLab): AwsCall[] {
  return readFileSync(join(lab.dir, "aws-calls.jsonl"), "utf8")
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as AwsCall);
}

export async function waitUntil(
  what: string,
  check: () => Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const start = Date.now();
  while (!(await check())) {
    if (Date.now() - start > timeoutMs)
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

/** Who holds the VIP on its interface, by name ("lb", "lb2", "lb lb2" in a split, "-" nobody). */
export async function vipHolders(lab: BootLab): Promise<string> {
  const names: string[] = [];
  for (const [name, vm] of lab.vms) if (await holdsVip(vm).catch(() => false)) names.push(name);
  return names.join(" ") || "-";
}

/** The node whose interface EC2 (the stand-in) gives the VIP, by name ("-" none). */
export function ec2Holder(lab: BootLab, vip = VIP): string {
  const network = control("GET", "/network") as {
    interfaces: { instanceId: string; privateIps: string[] }[];
  };
  const held = network.interfaces.find((i) => i.privateIps.includes(vip));
  return lab.instances.find((i) => i.instanceId === held?.instanceId)?.name ?? "-";
}

/**
 * Waits until one node has held the VIP on its interface for `stableMs`, with EC2 giving
 * the VIP to that node's interface all along; returns its name.
 */
export async function settledHolder(
  lab: BootLab,
  stableMs: number,
  timeoutMs: number,
): Promise<string> {
  const start = Date.now();
  let holder = "";
  let since = Date.now();
  while (Date.now() - start < timeoutMs) {
    const local = await vipHolders(lab);
    const now = local === ec2Holder(lab) ? local : `${local} (EC2: ${ec2Holder(lab)})`;
    if (now !== holder) [holder, since] = [now, Date.now()];
    if (/^lb\d*$/.test(holder) && Date.now() - since >= stableMs) return holder;
    await new Promise((r) => setTimeout(r, 1000));
  }
  throw new Error(
    `no single VIP holder for ${stableMs} ms within ${timeoutMs} ms (last: ${holder})`,
  );
}

/** What both nodes and the AWS side were doing, for a failed scenario's message (CI keeps only the log). */
export async function pairVmDiagnostics(lab: BootLab): Promise<string> {
  const parts: string[] = [];
  for (const [name, vm] of lab.vms) {
    const r = await guestRun(vm, [
      "/bin/sh",
      "-c",
      "ip -4 -o address show | cut -c1-80; journalctl -b --no-pager -o short-monotonic -t exchange-lb-failover | tail -20; journalctl -b --no-pager -o short-monotonic -u keepalived | tail -12",
    ]).catch((e: Error) => ({ stdout: `(no answer: ${e.message})`, stderr: "" }));
    parts.push(`== ${name}\n${r.stdout}${r.stderr}`);
  }
  const read = (file: string) => {
    try {
      return readFileSync(join(lab.dir, file), "utf8").trimEnd().split("\n").slice(-12).join("\n");
    } catch {
      return "(none)";
    }
  };
  parts.push(`== fabric\n${read("fabric.log")}`, `== AWS calls\n${read("aws-calls.jsonl")}`);
  return parts.join("\n");
}
