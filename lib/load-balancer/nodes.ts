/**
 * The nodes of each topology: one instance or a pair's two (`instances.ts`), or a fleet's Auto
 * Scaling group behind its Network Load Balancer (`fleet.ts`); and where the config document
 * reaches them.
 */
import { Construct, IamRole, Instance } from "../framework";
import type { Arns } from "./arns";
import { PairNode } from "../pair/pair-node";
import type { ConfigDeliveryProps } from "./config-delivery";
import { Fleet } from "./fleet";
import { InstancesProps, createInstances } from "./instances";
import { NODES_TAG } from "./names";

export interface NodesSetup extends Omit<InstancesProps, "userData"> {
  /** A node's user-data, at synth. */
  readonly userData: (node?: PairNode) => string;
  /** Changes whenever the user-data may have. */
  readonly version: () => number;
  /** The nodes' `maxconn`, at synth. */
  readonly maxconn: () => number;
  /** The instance role: a fleet's completes its nodes' launch. */
  readonly role: IamRole;
  readonly arns: () => Arns;
}

export interface Nodes {
  /** One instance, or the pair's two; none for a fleet. */
  readonly instances: Instance[];
  readonly fleet?: Fleet;
}

export function createNodes(owner: Construct, setup: NodesSetup): Nodes {
  const fleet = setup.settings.fleet;
  if (fleet) return { instances: [], fleet: new Fleet(owner, { ...setup, fleet }) };
  const { userData, version } = setup;
  return {
    instances: createInstances(owner, { ...setup, userData: { render: userData, version } }),
  };
}

/** The instances by id; a fleet's nodes by their tag, once its group exists. */
export function deliveryTargets(owner: Construct, nodes: Nodes): ConfigDeliveryProps["targets"] {
  return nodes.fleet
    ? { tag: { key: NODES_TAG, value: owner.node.path }, after: nodes.fleet.autoScalingGroup }
    : { instanceIds: nodes.instances.map((instance) => instance.id) };
}
