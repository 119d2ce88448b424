/**
 * npm run lab            bring the lab up with the 2010 lab stack and print its status
 * npm run lab -- 2013    the same with the 2013 lab stack
 * npm run lab -- pair    the 2010 stack on a clustered pair (lb preferred master, lb2 backup)
 * npm run lab:down       remove everything: processes, namespaces, files
 * --debian 12            any of these on Debian 12's HAProxy 2.6 and keepalived 2.2 (the
 *                        host's) instead of Debian 13's 3.0 and 2.3 (EXCHANGE_LB_LAB_DEBIAN)
 */
import { applyStack, labDown, labUp, statusTable, teardownOnSignals } from "./lab";
import { labRelease, takeReleaseOption, toolVersions } from "./release";
import { lab2010, lab2010Pair, lab2013, synthesize } from "./stacks";

async function main(): Promise<void> {
  const [command, version = "2010"] = takeReleaseOption(process.argv.slice(2));
  if (command === "down") {
    labDown();
    console.log("Exchange lab removed.");
    return;
  }
  if (command !== "up" || !["2010", "2013", "pair"].includes(version)) {
    console.error("usage: cli.ts up [2010|2013|pair] [--debian 12|13] | down");
    process.exit(2);
  }
  console.log(`Debian ${labRelease().debian}: ${toolVersions().join("; ")}`);
  teardownOnSignals();
  const lb = synthesize({ "2010": lab2010, "2013": lab2013(), pair: lab2010Pair }[version]!);
  labUp();
  try {
    await applyStack(lb);
  } catch (error) {
    labDown();
    throw error;
  }
  process.stdout.write(await statusTable(lb.stackName));
  console.log("\nRemove it with: npm run lab:down");
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
