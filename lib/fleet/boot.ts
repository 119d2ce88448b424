/**
 * A fleet node's part of the boot: the program that completes its launch once the config
 * document is applied, and the names it completes it with; the program that picks a count's
 * source addresses from those EC2 assigned. Pure.
 */
import { BootPart } from "../instance/boot";
import { FleetSettings, LIFECYCLE_HOOK } from "./fleet-settings";

export function fleetNodePart(fleet: FleetSettings): BootPart {
  return {
    // The AWS CLI completes the launch (the certificates' part installs it too).
    packages: ["awscli"],
    programs: ["fleetReady", "assignedAddresses"],
    settings: {
      comment: "A fleet node: the Auto Scaling group and its launch lifecycle hook.",
      values: { FLEET_GROUP: fleet.groupName, FLEET_HOOK: LIFECYCLE_HOOK.name },
    },
  };
}
