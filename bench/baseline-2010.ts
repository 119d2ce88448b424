/**
 * Baseline for `npm run bench`: guide 001's example written by hand with plain
 * cdktf, the same AWS resources the library declares for examples/exchange-2010,
 * and the same user-data (as EC2 gets it) and SSM documents (read from the
 * files named by BENCH_USER_DATA and BENCH_DOCUMENTS, as a hand-written stack
 * would read checked-in files).
 */
import { App, TerraformOutput, TerraformStack } from "cdktf";
import { readFileSync } from "node:fs";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { DataAwsAmi } from "@cdktf/provider-aws/lib/data-aws-ami";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { IamInstanceProfile } from "@cdktf/provider-aws/lib/iam-instance-profile";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { SecurityGroup } from "@cdktf/provider-aws/lib/security-group";
import { SsmAssociation } from "@cdktf/provider-aws/lib/ssm-association";
import { SsmDocument } from "@cdktf/provider-aws/lib/ssm-document";
import { VpcSecurityGroupEgressRule } from "@cdktf/provider-aws/lib/vpc-security-group-egress-rule";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";

const app = new App();
const stack = new TerraformStack(app, "exchange-2010");
new AwsProvider(stack, "aws", { region: "eu-west-2" });

const sg = new SecurityGroup(stack, "SecurityGroup", {
  namePrefix: "exchange-lb-",
  description: "Exchange load balancer",
  vpcId: "vpc-0a1b2c3d",
});
const clients = "192.168.0.0/16";
const smartHosts = ["192.168.30.50/31", "192.168.30.52/30", "192.168.30.56/30", "192.168.30.60/32"];
const ingress: [number, string][] = [
  ...[80, 443, 135, 60200, 60201, 143, 993].map((port): [number, string] => [port, clients]),
  ...smartHosts.map((cidr): [number, string] => [25, cidr]),
];
for (const [port, cidr] of ingress) {
  new VpcSecurityGroupIngressRule(stack, `In-${port}-${cidr}`, {
    securityGroupId: sg.id,
    ipProtocol: "tcp",
    fromPort: port,
    toPort: port,
    cidrIpv4: cidr,
  });
}
const serverPorts = [80, 443, 135, 60200, 60201, 143, 993, 25];
for (const server of ["192.168.30.20", "192.168.30.21"]) {
  for (const port of serverPorts) {
    new VpcSecurityGroupEgressRule(stack, `Out-${port}-${server}`, {
      securityGroupId: sg.id,
      ipProtocol: "tcp",
      fromPort: port,
      toPort: port,
      cidrIpv4: `${server}/32`,
    });
  }
}
for (const port of [80, 443]) {
  new VpcSecurityGroupEgressRule(stack, `Out-${port}-any`, {
    securityGroupId: sg.id,
    ipProtocol: "tcp",
    fromPort: port,
    toPort: port,
    cidrIpv4: "0.0.0.0/0",
  });
}
for (const port of serverPorts) {
  new VpcSecurityGroupIngressRule(stack, `FromLb-${port}`, {
    securityGroupId: "sg-0e1f2a3b",
    ipProtocol: "tcp",
    fromPort: port,
    toPort: port,
    referencedSecurityGroupId: sg.id,
  });
}

const partition = new DataAwsPartition(stack, "Partition");
const role = new IamRole(stack, "Role", {
  namePrefix: "exchange-lb-",
  assumeRolePolicy: JSON.stringify({
    Version: "2012-10-17",
    Statement: [
      { Effect: "Allow", Principal: { Service: "ec2.amazonaws.com" }, Action: "sts:AssumeRole" },
    ],
  }),
});
new IamRolePolicyAttachment(stack, "SessionManager", {
  role: role.name,
  policyArn: `arn:${partition.partition}:iam::aws:policy/AmazonSSMManagedInstanceCore`,
});
const profile = new IamInstanceProfile(stack, "Profile", {
  namePrefix: "exchange-lb-",
  role: role.name,
});
const ami = new DataAwsAmi(stack, "Debian12", {
  mostRecent: true,
  owners: ["136693071363"],
  filter: [{ name: "name", values: ["debian-12-amd64-*"] }],
});
const instance = new Instance(stack, "Instance", {
  ami: ami.id,
  instanceType: "t3.small",
  subnetId: "subnet-0a1b2c3d",
  vpcSecurityGroupIds: [sg.id],
  iamInstanceProfile: profile.name,
  secondaryPrivateIps: ["192.168.30.10"],
  metadataOptions: { httpTokens: "required", httpEndpoint: "enabled", httpPutResponseHopLimit: 1 },
  rootBlockDevice: { encrypted: true, volumeType: "gp3", volumeSize: 8 },
  ...JSON.parse(readFileSync(process.env.BENCH_USER_DATA ?? "/dev/null", "utf8")),
  lifecycle: { ignoreChanges: ["user_data", "user_data_base64", "ami"] },
});
interface DocumentJson {
  name: string;
  content: string;
  target_type?: string;
}
const documents = (
  JSON.parse(
    readFileSync(process.env.BENCH_DOCUMENTS ?? "/dev/null", "utf8") || "[]",
  ) as DocumentJson[]
).map(
  (d) =>
    new SsmDocument(stack, d.name, {
      name: d.name,
      documentType: "Command",
      documentFormat: "JSON",
      targetType: d.target_type,
      content: d.content,
    }),
);
const document = documents.find((d) => d.node.id.endsWith("-config")) ?? documents[0];
new SsmAssociation(stack, "ConfigAssociation", {
  name: document.name,
  associationName: "ExchangeLb-exchange-2010-Lb-config",
  documentVersion: document.latestVersion,
  targets: [{ key: "InstanceIds", values: [instance.id] }],
  maxConcurrency: "1",
  maxErrors: "0",
  complianceSeverity: "HIGH",
  waitForSuccessTimeoutSeconds: 600,
});
new TerraformOutput(stack, "VipAddresses", { value: ["192.168.30.10"] });
new TerraformOutput(stack, "InstanceId", { value: instance.id });
new TerraformOutput(stack, "SecurityGroupId", { value: sg.id });
app.synth();
