/**
 * What boot lab scenario 8 boots for the AWS lab's Exchange stand-ins: each server's
 * user-data exactly as the synthesized examples/aws-lab stack hands it to EC2, at a
 * lab server's address, with the synthesized instance type and EC2's default hop limit.
 */
import { standInUserData } from "../../examples/aws-lab/stand-in-user-data";
import {
  AWS_LAB_SERVERS,
  awsLabServerInstances,
  synthesizeAwsLab,
} from "../../lab/vm/aws-lab-servers";
import { userDataPackages } from "../../lab/vm/boot-lab";
import { HOSTS } from "../../lab/topology";

const json = synthesizeAwsLab() as {
  resource: { aws_instance: Record<string, { user_data_base64?: string }> };
};
const instances = awsLabServerInstances(json);

test("both stand-ins, each with its synthesized user-data byte for byte", () => {
  expect(instances.map((i) => i.name)).toEqual(["ex1", "ex2"]);
  const synthesized = Object.values(json.resource.aws_instance)
    .map((i) => i.user_data_base64)
    .filter((u): u is string => u !== undefined);
  for (const [index, instance] of instances.entries()) {
    expect(synthesized).toContain(instance.userDataBase64);
    const text = Buffer.from(instance.userDataBase64, "base64").toString("utf8");
    expect(text).toBe(
      standInUserData({ name: AWS_LAB_SERVERS[index].name, namespace: "mail.example.com" }),
    );
  }
});

test("at the lab's Exchange server addresses, as the synthesized instance type, hop limit 1", () => {
  expect(instances.map((i) => i.localIpv4s)).toEqual([HOSTS.cas1.addresses, HOSTS.cas2.addresses]);
  expect(new Set(instances.map((i) => i.instanceType))).toEqual(new Set(["t3.micro"]));
  expect(instances.map((i) => i.hopLimit)).toEqual([1, 1]);
  expect(new Set(instances.map((i) => i.mac)).size).toBe(2);
});

test("the packages the mirror records are the user-data's", () => {
  expect(userDataPackages(instances[0].userDataBase64)).toEqual([
    "nginx",
    "postfix",
    "dovecot-imapd",
    "dovecot-pop3d",
    "openssl",
  ]);
});
