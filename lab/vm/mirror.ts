/**
 * The package mirror stand-in (lab/tools/mirror.js): recorded once a day from Debian's
 * mirror by the image's own apt in a chroot of the image (the same sources, keys and
 * versions the instances have), then replayed in the VPC namespace while VMs boot.
 */
import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { startDetached } from "../servers";
import { inNs, sh } from "../shell";
import { imageDir } from "./qemu";
import { MIRROR_ADDRESS, VPC_NS } from "./vpc";

const MIRROR_TOOL = join(__dirname, "..", "tools", "mirror.js");
/** Debian re-signs the security suite's Release about daily; a day-old copy is still valid. */
const FRESH_MS = 20 * 3600 * 1000;
const RECORD_PORT = 39127;

/** One recording per package set, so scenarios that install different packages keep theirs. */
function recording(release: number, key: string): string {
  const digest = createHash("sha256").update(key).digest("hex").slice(0, 12);
  return join(imageDir(release), `mirror-${digest}`);
}

/**
 * Records what `apt-get update` and the install of `packages` (and the reinstall of
 * `reinstalled`) fetch, unless a recording of the same packages younger than a day
 * exists. Returns the recording's directory.
 */
export async function ensureMirror(
  release: number,
  packages: readonly string[],
  reinstalled: readonly string[] = [],
): Promise<string> {
  const key = [...[...new Set(packages)].sort(), "--reinstall", ...reinstalled].join(" ");
  const dir = recording(release, key);
  const stamp = join(dir, ".complete");
  if (
    existsSync(stamp) &&
    readFileSync(stamp, "utf8") === key &&
    Date.now() - statSync(stamp).mtimeMs < FRESH_MS
  ) {
    return dir;
  }
  rmSync(dir, { recursive: true, force: true });
  const root = join(imageDir(release), "root");
  const recorder = spawn(process.execPath, [MIRROR_TOOL, "record", dir, String(RECORD_PORT)], {
    stdio: "inherit",
  });
  try {
    await new Promise((r) => setTimeout(r, 500));
    const apt = [
      "chroot",
      root,
      "apt-get",
      "-qq",
      "-o",
      `Acquire::http::Proxy=http://127.0.0.1:${RECORD_PORT}`,
    ];
    sh([...apt, "update"], { timeoutMs: 300_000 });
    // As cloud-init installs them (recommends included), so the same files are fetched.
    sh([...apt, "--assume-yes", "--download-only", "install", ...new Set(packages)], {
      timeoutMs: 600_000,
    });
    if (reinstalled.length) {
      sh([...apt, "--assume-yes", "--download-only", "--reinstall", "install", ...reinstalled], {
        timeoutMs: 600_000,
      });
    }
  } finally {
    recorder.kill();
    // The image's tree stays as built: no lists, no downloaded packages.
    sh(["chroot", root, "apt-get", "clean"], { allowFailure: true });
    rmSync(join(root, "var/lib/apt/lists"), { recursive: true, force: true });
    sh(["mkdir", "-p", join(root, "var/lib/apt/lists/partial")]);
  }
  writeFileSync(stamp, key);
  return dir;
}

/** Serves a recording on the mirror's address in the VPC namespace. */
export function startMirror(dir: string, logDir: string): void {
  startDetached(
    VPC_NS,
    [process.execPath, MIRROR_TOOL, "replay", dir, MIRROR_ADDRESS],
    join(logDir, "mirror.log"),
  );
  for (let attempt = 0; attempt < 50; attempt++) {
    if (inNs(VPC_NS, ["ss", "-ltnH", "sport = :80"]).stdout.includes(MIRROR_ADDRESS)) return;
    sh(["sleep", "0.1"]);
  }
  throw new Error(`the mirror stand-in did not start: see ${join(logDir, "mirror.log")}`);
}
