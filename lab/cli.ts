/**
 * npm run lab            bring the lab up with the 2010 lab stack and print its status
 * npm run lab -- 2013    the same with the 2013 lab stack
 * npm run lab -- pair    the 2010 stack on a clustered pair (lb preferred master, lb2 backup)
 * npm run lab -- vm      the boot lab: the 2010 stack's instance as a QEMU VM booting its
 *                        synthesized user-data, with the AWS stand-ins (lab/vm/); `vm pair`
 *                        the pair on two VMs. Needs scripts/vm-image.sh's image.
 * npm run lab:down       remove everything: processes, VMs, namespaces, files
 * --debian 12            any of these on Debian 12's HAProxy 2.6 and keepalived 2.2 (the
 *                        host's) instead of Debian 13's 3.0 and 2.3 (EXCHANGE_LB_LAB_DEBIAN)
 */
import { applyStack, labDown, labUp, statusTable, teardownOnSignals } from "./lab";
import { labRelease, takeReleaseOption, toolVersions } from "./release";
import { lab2010, lab2010Pair, lab2013, synthesize } from "./stacks";
import { bootLabUp, cloudInitResult, launch } from "./vm/boot-lab";
import { bootLabStatus } from "./vm/status";

async function bootLab(pair: boolean): Promise<void> {
  const { debian } = labRelease();
  const lab = await bootLabUp(synthesize(pair ? lab2010Pair : lab2010), debian);
  const vms = lab.instances.map((i) => launch(lab, i.name));
  console.log(
    `Booting ${vms.map((vm) => vm.spec.name).join(", ")} (Debian ${debian}; under TCG a boot takes 2-3 minutes)...`,
  );
  for (const vm of vms) await cloudInitResult(vm, 600_000);
  process.stdout.write(await bootLabStatus(lab));
}

async function main(): Promise<void> {
  const [command, version = "2010", variant] = takeReleaseOption(process.argv.slice(2));
  if (command === "down") {
    labDown();
    console.log("Exchange lab removed.");
    return;
  }
  if (command !== "up" || !["2010", "2013", "pair", "vm"].includes(version)) {
    console.error("usage: cli.ts up [2010|2013|pair|vm [pair]] [--debian 12|13] | down");
    process.exit(2);
  }
  teardownOnSignals();
  if (version === "vm") {
    await bootLab(variant === "pair");
    console.log("\nRemove it with: npm run lab:down");
    return;
  }
  console.log(`Debian ${labRelease().debian}: ${toolVersions().join("; ")}`);
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
