/**
 * npm run lab            bring the lab up with the 2010 lab stack and print its status
 * npm run lab -- 2013    the same with the 2013 lab stack
 * npm run lab -- pair    the 2010 stack on a clustered pair (lb preferred master, lb2 backup)
 * npm run lab:down       remove everything: processes, namespaces, files
 */
import { applyStack, labDown, labUp, statusTable, teardownOnSignals } from "./lab";
import { lab2010, lab2010Pair, lab2013, synthesize } from "./stacks";

async function main(): Promise<void> {
  const [command, version = "2010"] = process.argv.slice(2);
  if (command === "down") {
    labDown();
    console.log("Exchange lab removed.");
    return;
  }
  if (command !== "up" || !["2010", "2013", "pair"].includes(version)) {
    console.error("usage: cli.ts up [2010|2013|pair] | down");
    process.exit(2);
  }
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
