/**
 * The lab's own lifecycle: bringing it up over a crashed lab works, Ctrl-C
 * during `npm run lab` tears it down, and teardown leaves no namespace, no
 * process and no file behind.
 */
import { spawn } from "node:child_process";
import { existsSync, readFileSync, readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { labDown, labUp } from "../lab";
import { LAB_DIR } from "../servers";
import { labNamespaces } from "../topology";
import { runStack, sleep } from "./support";
import { lab2010 } from "../stacks";
import { serverStats } from "../haproxy";

/**
 * Processes in a network namespace other than this one's: every lab process
 * runs in a lab namespace, so after teardown there must be none.
 */
function processesInOtherNamespaces(): string[] {
  const own = readlinkSync("/proc/self/ns/net");
  const left: string[] = [];
  for (const pid of readdirSync("/proc").filter((entry) => /^\d+$/.test(entry))) {
    try {
      if (readlinkSync(`/proc/${pid}/ns/net`) !== own) {
        left.push(`${pid} ${readFileSync(`/proc/${pid}/cmdline`, "utf8").replace(/\0/g, " ")}`);
      }
    } catch {
      // The process ended while we looked.
    }
  }
  return left;
}

function expectNothingLeft(): void {
  expect(labNamespaces()).toEqual([]);
  expect(processesInOtherNamespaces()).toEqual([]);
  expect(existsSync(LAB_DIR)).toBe(false);
}

afterAll(() => labUp()); // global teardown expects a lab to remove

test("a lab brought up over a running (crashed) one works, and teardown leaves nothing", async () => {
  // The lab from global setup is still running: as if its runner had crashed.
  expect(labNamespaces().length).toBeGreaterThan(0);
  expect(processesInOtherNamespaces().length).toBeGreaterThan(10);
  labUp();
  await runStack(lab2010);
  const stats = await serverStats();
  expect(stats.length).toBeGreaterThan(0);
  expect(stats.every((s) => s.status === "UP")).toBe(true);
  labDown();
  expectNothingLeft();
});

test("Ctrl-C during npm run lab tears the lab down", async () => {
  const tsNode = join(__dirname, "..", "..", "node_modules", ".bin", "ts-node");
  const child = spawn(tsNode, [join(__dirname, "..", "cli.ts"), "up"], { stdio: "ignore" });
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
  // Wait until bring-up is under way, then interrupt it.
  for (let i = 0; i < 100 && labNamespaces().length === 0; i++) await sleep(100);
  expect(labNamespaces().length).toBeGreaterThan(0);
  child.kill("SIGINT");
  expect(await exited).toBe(130);
  expectNothingLeft();
});
