/**
 * Commands inside a lab VM through the QEMU guest agent (virtio-serial), the lab's
 * stand-in for Session Manager: no network path, no SSH key, nothing in the user-data.
 */
import { Socket, createConnection } from "node:net";
import { Vm } from "./qemu";

export interface GuestResult {
  readonly exitcode: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** One request on a fresh connection; guest-sync first, as the protocol asks after a (re)connect. */
async function request(vm: Vm, command: string, args: object, timeoutMs: number): Promise<unknown> {
  const socket: Socket = createConnection(vm.agentSocket);
  try {
    return await new Promise((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`${vm.spec.name}: guest agent: ${command} timed out`)),
        timeoutMs,
      );
      const id = Math.floor(Math.random() * 1e9);
      let buffer = "";
      let synced = false;
      socket.on("error", (e) => {
        clearTimeout(timer);
        reject(e);
      });
      socket.on("data", (chunk) => {
        buffer += chunk.toString("utf8");
        let newline;
        while ((newline = buffer.indexOf("\n")) >= 0) {
          // The agent marks its answer to guest-sync-delimited with a 0xFF byte.
          const line = buffer
            .slice(0, newline)
            .replace(/^[^{]*/, "")
            .trim();
          buffer = buffer.slice(newline + 1);
          if (!line) continue;
          const message = JSON.parse(line) as { return?: unknown; error?: { desc: string } };
          if (!synced) {
            if (message.return !== id) continue;
            synced = true;
            socket.write(JSON.stringify({ execute: command, arguments: args }) + "\n");
            continue;
          }
          clearTimeout(timer);
          if (message.error)
            reject(new Error(`${vm.spec.name}: guest agent: ${message.error.desc}`));
          else resolve(message.return);
          return;
        }
      });
      // 0xFF first: the agent drops whatever a previous client left half-written.
      socket.write(Buffer.from([0xff]));
      socket.write(JSON.stringify({ execute: "guest-sync-delimited", arguments: { id } }) + "\n");
    });
  } finally {
    socket.destroy();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Waits until the agent answers (the guest has booted far enough to start it). */
export async function waitForAgent(vm: Vm, timeoutMs: number): Promise<number> {
  const start = Date.now();
  for (;;) {
    try {
      await request(vm, "guest-ping", {}, 3000);
      return Date.now() - start;
    } catch (error) {
      if (Date.now() - start > timeoutMs)
        throw new Error(`${vm.spec.name}: no guest agent after ${timeoutMs} ms: ${error}`);
      await sleep(1000);
    }
  }
}

/** Runs a program in the guest as root and waits for it. */
export async function guestRun(
  vm: Vm,
  argv: readonly string[],
  timeoutMs = 60_000,
): Promise<GuestResult> {
  const { pid } = (await request(
    vm,
    "guest-exec",
    { path: argv[0], arg: argv.slice(1), "capture-output": true },
    10_000,
  )) as { pid: number };
  const start = Date.now();
  for (;;) {
    const status = (await request(vm, "guest-exec-status", { pid }, 10_000)) as {
      exited: boolean;
      exitcode?: number;
      "out-data"?: string;
      "err-data"?: string;
    };
    if (status.exited) {
      const text = (b64?: string) => Buffer.from(b64 ?? "", "base64").toString("utf8");
      return {
        exitcode: status.exitcode ?? -1,
        stdout: text(status["out-data"]),
        stderr: text(status["err-data"]),
      };
    }
    if (Date.now() - start > timeoutMs)
      throw new Error(`${vm.spec.name}: ${argv.join(" ")} ran past ${timeoutMs} ms`);
    await sleep(250);
  }
}

/** A shell command in the guest; throws with its output unless it exits 0. */
export async function guestSh(vm: Vm, script: string, timeoutMs?: number): Promise<string> {
  const r = await guestRun(vm, ["/bin/sh", "-c", script], timeoutMs);
  if (r.exitcode !== 0)
    throw new Error(`${vm.spec.name}: ${script} exited ${r.exitcode}\n${r.stdout}${r.stderr}`);
  return r.stdout;
}
