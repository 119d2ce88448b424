/**
 * The review document of each example: a snapshot a pull request shows as readable lines,
 * byte-identical across synths, every encoding of user-data decoded to the same text.
 */
import { App, TerraformStack, Testing } from "cdktf";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Vpc } from "@cdktf/provider-aws/lib/vpc";
import { VpcSecurityGroupIngressRule } from "@cdktf/provider-aws/lib/vpc-security-group-ingress-rule";
import { Construct } from "constructs";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import { exampleLoadBalancers } from "../../bin/render";
import { ExchangeLoadBalancer, ImapVip, reviewDocument } from "../../lib";
import { buildAwsLabStack } from "../../examples/aws-lab/stack";
import { escapeTerraformTemplate } from "../../lib/terraform/escape";
import { TerraformJson } from "../../lib/review/terraform-json";
import { buildExchange2013Stack } from "../../examples/exchange-2013/stack";
import {
  EXCHANGE_SE_PAIR_PROPS,
  buildExchangeSePairStack,
} from "../../examples/exchange-se-pair/stack";

const reviews = () => {
  const lbs = exampleLoadBalancers(Testing.app());
  return new Map([...lbs].map(([name, lb]) => [name, lb.renderReview()]));
};
const first = reviews();

describe.each([...first.keys()])("the review document of %s", (name) => {
  const text = first.get(name) as string;

  test("matches its snapshot", () => {
    expect(text).toMatchSnapshot();
  });

  test("has every section in order, no unresolved token and no escaped sigil", () => {
    expect(text.match(/^== .*$/gm)).toEqual([
      "== Summary",
      "== haproxy.cfg",
      "== keepalived.conf",
      "== SSM documents",
      "== User-data",
      "== IAM",
      "== Security groups",
      "== Resources",
      "== Alarms and dashboards",
      "== Outputs",
    ]);
    expect(text).not.toMatch(/TfToken|\$\{aws_|\$\{data\.|\$\$\{|%%\{|\[object Object\]|undefined/);
    // Every line is a heading, empty, or indented: the diff knows where each line is.
    expect(text.split("\n").filter((line) => !/^(# |== |-- | {2}|$)/.test(line))).toEqual([]);
  });
});

test("the same stack gives a byte-identical document on a second synth", () => {
  const second = reviews();
  expect([...second.keys()]).toEqual([...first.keys()]);
  for (const [name, text] of first) expect(second.get(name)).toBe(text);
});

/** A stack's cdk.tf.json as `cdktf synth` writes it, metadata included. */
function synthesized(build: (app: App) => unknown, stack: string): TerraformJson {
  const app = Testing.app();
  build(app);
  app.synth();
  const file = join(app.outdir, "stacks", stack, "cdk.tf.json");
  expect(readdirSync(join(app.outdir, "stacks"))).toContain(stack);
  return JSON.parse(readFileSync(file, "utf8")) as TerraformJson;
}

test("gzip + base64 user-data decodes to the same text as plain user-data", () => {
  const json = synthesized(buildExchange2013Stack, "exchange-2013");
  const instances = json.resource?.aws_instance as Record<string, Record<string, unknown>>;
  const [[name, instance]] = Object.entries(instances);
  const gzipped = Buffer.from(instance.user_data_base64 as string, "base64");
  expect([...gzipped.subarray(0, 2)]).toEqual([0x1f, 0x8b]);
  const text = gunzipSync(gzipped).toString("utf8");
  expect(text).toContain("${EXCHANGE_LB_SOURCE"); // the escaping is exercised
  const variant = (userData: Record<string, string>): string => {
    const rest = Object.fromEntries(
      Object.entries(instance).filter(([key]) => key !== "user_data_base64"),
    );
    const changed = {
      ...json,
      resource: { ...json.resource, aws_instance: { [name]: { ...rest, ...userData } } },
    };
    const review = reviewDocument(changed as TerraformJson, "exchange-2013/Lb");
    // The size line says how it is carried; everything else is the same.
    return review
      .replace(/^ {2}Instance: \d+ bytes .*$/m, "  Instance: (carried)")
      .replace(/^ {2}user_data(_base64)?: see == User-data$/m, "  (carried)");
  };
  const plain = variant({ user_data: escapeTerraformTemplate(text) });
  const base64 = variant({ user_data_base64: gzipped.toString("base64") });
  const recompressed = variant({
    user_data_base64: gzipSync(text, { level: 1 }).toString("base64"),
  });
  expect(plain).toBe(base64);
  expect(recompressed).toBe(base64);
  expect(plain).toContain('      source "${EXCHANGE_LB_SOURCE-0.0.0.0}"');
});

test("a JSON without the load balancer's comment is refused with the fix", () => {
  expect(() => reviewDocument({ resource: {} }, "s/Lb")).toThrow(
    /s\/Lb: no Exchange load balancer at this path in the synthesized JSON \(found: none\)\. Fix: pass cdktf synth's cdk\.tf\.json/,
  );
});

test("a reference to another stack prints as cdktf synth makes it, before and after app.synth", () => {
  const app = Testing.app();
  const network = new TerraformStack(app, "network");
  new AwsProvider(network, "aws", { region: "eu-west-2" });
  const vpc = new Vpc(network, "Vpc", { cidrBlock: "10.0.0.0/16" });
  const { loadBalancer } = buildExchangeSePairStack(app, "exchange", {
    ...EXCHANGE_SE_PAIR_PROPS,
    vpcId: vpc.id,
  });
  const first = loadBalancer.renderReview();
  expect(first).toMatch(/^ {2}vpc_id: <data\.terraform_remote_state\.[^>]*>$/m);
  expect(loadBalancer.renderReview()).toBe(first);
  app.synth();
  expect(loadBalancer.renderReview()).toBe(first);
});

test("the AWS lab's review: the summary's subnet and route-table references as placeholders", () => {
  const { loadBalancer } = buildAwsLabStack(Testing.app());
  const text = loadBalancer.renderReview();
  expect(text).not.toMatch(/\$\{(aws_|data\.)|TfToken|undefined/);
  expect(text).toMatch(/^ {4}node 10\.0\.1\.5 in <[A-Za-z0-9_/.-]+\.id>, preferred master$/m);
});

test("rules and policies added elsewhere in the stack to the load balancer's group show, marked", () => {
  const app = Testing.app();
  const { stack, loadBalancer } = buildExchangeSePairStack(app);
  new VpcSecurityGroupIngressRule(stack, "Ssh", {
    securityGroupId: loadBalancer.securityGroup.id,
    cidrIpv4: "0.0.0.0/0",
    ipProtocol: "tcp",
    fromPort: 22,
    toPort: 22,
    description: "ssh from anywhere",
  });
  expect(loadBalancer.renderReview()).toContain(
    "  SecurityGroup in tcp 22 0.0.0.0/0: ssh from anywhere [exchange-se-pair/Ssh (outside the load balancer)]\n",
  );
});

test("outputs are the load balancer's by cdktf's metadata, whatever its id and depth", () => {
  const app = Testing.app();
  const stack = new TerraformStack(app, "s");
  new AwsProvider(stack, "aws", { region: "eu-west-2" });
  const props = { ...EXCHANGE_SE_PAIR_PROPS, serverSecurityGroupId: undefined };
  const lbs = [
    new ExchangeLoadBalancer(new Construct(stack, "MyLb"), "Lb", props),
    new ExchangeLoadBalancer(stack, "Exchange.Lb", props),
  ];
  const sibling = new ExchangeLoadBalancer(stack, "Lb_Backup", props);
  [...lbs, sibling].forEach((lb) => new ImapVip(lb, "CasImap"));
  for (const lb of [...lbs, sibling]) {
    const outputs = lb.renderReview().split("== Outputs\n")[1];
    expect(outputs.match(/VipAddresses/g)).toHaveLength(1);
  }
});
