/**
 * What the SSM agent on the instance may do, in place of the managed policy
 * AmazonSSMManagedInstanceCore, which also grants ssm:GetParameter and
 * ssm:GetParameters on every parameter of the account. Kept from its documented
 * content (AWS managed policy reference, AmazonSSMManagedInstanceCore v2) are
 * the calls of the agent's core, Session Manager, Run Command and State
 * Manager; left out are parameters, inventory, patching and Distributor
 * (GetParameter(s), PutInventory, GetDeployablePatchSnapshotForInstance,
 * GetManifest, PutConfigurePackageResult), which nothing here uses.
 */
export const AGENT_STATEMENTS = Object.freeze([
  {
    // Registration and heartbeat, Session Manager's channels, Run Command's messages.
    // These actions have no resource-level permissions (IAM service authorization reference).
    Sid: "SystemsManagerAgent",
    Effect: "Allow",
    Action: [
      "ssm:UpdateInstanceInformation",
      "ssmmessages:CreateControlChannel",
      "ssmmessages:CreateDataChannel",
      "ssmmessages:OpenControlChannel",
      "ssmmessages:OpenDataChannel",
      "ec2messages:AcknowledgeMessage",
      "ec2messages:DeleteMessage",
      "ec2messages:FailMessage",
      "ec2messages:GetEndpoint",
      "ec2messages:GetMessages",
      "ec2messages:SendReply",
    ],
    Resource: "*",
  },
  {
    // State Manager: the agent lists this instance's associations, reads each, and reports
    // its status and compliance (the config association has complianceSeverity HIGH).
    Sid: "StateManagerAssociations",
    Effect: "Allow",
    Action: [
      "ssm:ListAssociations",
      "ssm:ListInstanceAssociations",
      "ssm:DescribeAssociation",
      "ssm:UpdateAssociationStatus",
      "ssm:UpdateInstanceAssociationStatus",
      "ssm:PutComplianceItems",
    ],
    Resource: "*",
  },
]);

/** The agent reads the documents of its associations: only the load balancer's own. */
export function readDocumentsStatement(documentArns: readonly string[]) {
  return {
    Sid: "ReadTheConfigDocument",
    Effect: "Allow",
    Action: ["ssm:GetDocument", "ssm:DescribeDocument"],
    Resource: [...documentArns],
  };
}
