import { labDown, labUp } from "../lab";
import { labRelease, toolVersions } from "../release";

/** One lab for all scenarios; torn down by global-teardown, or here on Ctrl-C. */
export default function setup(): void {
  // Refuses to start with another release's binaries than the one chosen.
  const versions = toolVersions();
  process.stdout.write(`\nLab: Debian ${labRelease().debian}, ${versions.join("; ")}\n`);
  for (const signal of ["SIGINT", "SIGTERM"] as const) {
    process.once(signal, () => {
      labDown();
      process.exit(130);
    });
  }
  labUp();
}
