/** What a pair scenario reads from the boot lab: who holds the VIP, and the AWS stand-in's call log. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { VIP } from "../topology";
import { BootLab } from "./boot-lab";
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
