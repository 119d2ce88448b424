/**
 * What every node of a fleet boots from: the Debian AMI, the instance type, the role, IMDSv2
 * only, an encrypted gp3 root, the source addresses EC2 assigns at launch, and the one
 * user-data. Config changes never make a new version: they arrive by the config document.
 */
import { encodeLaunchTemplateUserData } from "../cloud-init/user-data";
import { Construct, LaunchTemplate, Lazy } from "../framework";
import { DEFAULT_INSTANCE_TYPE } from "./aws-limits";
import { encodeOrRefuse, latestDebian } from "./instances";
import { NAME_PREFIX } from "./names";
import { ExchangeLoadBalancerProps } from "./props";
import { LoadBalancerSettings } from "./resolve-props";

export interface LaunchTemplateSetup {
  readonly props: ExchangeLoadBalancerProps;
  readonly settings: LoadBalancerSettings;
  readonly securityGroupId: string;
  readonly instanceProfileName: string;
  /** The user-data every node boots with, rendered at synth. */
  readonly userData: () => string;
}

/** What every node boots from: image, type, role, IMDSv2, disk, the user-data. */
export function launchTemplateOf(owner: Construct, setup: LaunchTemplateSetup): LaunchTemplate {
  const { props, settings } = setup;
  return new LaunchTemplate(owner, "LaunchTemplate", {
    namePrefix: NAME_PREFIX,
    description: `Exchange load balancer ${owner.node.path}: a fleet node`,
    imageId: props.amiId ?? latestDebian(owner, settings.operatingSystem),
    instanceType: props.instanceType ?? DEFAULT_INSTANCE_TYPE,
    iamInstanceProfile: { name: setup.instanceProfileName },
    ...interfaceOf(setup),
    metadataOptions: {
      httpTokens: "required",
      httpEndpoint: "enabled",
      httpPutResponseHopLimit: 1,
    },
    blockDeviceMappings: [
      {
        // The root device of Debian's AMIs.
        deviceName: "/dev/xvda",
        ebs: {
          encrypted: "true",
          volumeType: "gp3",
          volumeSize: settings.rootVolumeSizeGib,
          deleteOnTermination: "true",
        },
      },
    ],
    userData: Lazy.stringValue({
      produce: () => encodeOrRefuse(owner, () => encodeLaunchTemplateUserData(setup.userData())),
    }),
    updateDefaultVersion: true,
    // Config arrives by the config document: a changed config is no new template version,
    // so no instance refresh. A newer default AMI must not replace the fleet either.
    lifecycle: { ignoreChanges: ["user_data", ...(props.amiId ? [] : ["image_id"])] },
    tags: { Name: owner.node.path },
  });
}

/**
 * The nodes' security group; with source addresses, on the interface EC2 gives that many
 * secondary addresses at launch (EC2 takes the groups there once an interface is described).
 */
function interfaceOf(setup: LaunchTemplateSetup) {
  const count = setup.settings.sourceAddresses.count;
  if (count === 0) return { vpcSecurityGroupIds: [setup.securityGroupId] };
  return {
    networkInterfaces: [
      {
        deviceIndex: 0,
        securityGroups: [setup.securityGroupId],
        ipv4AddressCount: count,
        deleteOnTermination: "true",
      },
    ],
  };
}
