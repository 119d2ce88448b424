/**
 * The SSM agent installer run by /bin/sh under a temporary root, with
 * stand-ins for systemctl, dpkg and the S3 download (IMDS requests reach the
 * lab's IMDSv2 stand-in through the real curl): the download goes through
 * SSM_AGENT_PROXY when one is set and straight to S3 otherwise, and an agent
 * baked into the AMI is started without a download.
 */
import { baseInstancePart, ssmAgentPart } from "../../lib/instance/base";
import { PATHS } from "../../lib/instance/paths";
import { InstanceRoot, NODE_METADATA } from "../support/instance-root";

const DEB =
  "https://s3.eu-west-2.amazonaws.com/amazon-ssm-eu-west-2/latest/debian_amd64/amazon-ssm-agent.deb";
let root: InstanceRoot;

function setUp(proxy: string | undefined, agentInstalled: boolean): void {
  root = new InstanceRoot();
  root.install([baseInstancePart({ maxconn: 100 }), ssmAgentPart(proxy)]);
  root.fake("systemctl", 'case "$1" in is-active) exit 3;; esac\n');
  root.fake("dpkg", `case "$1" in -s) exit ${agentInstalled ? 0 : 1};; esac\n`);
  // IMDS goes to the stand-in; only the package download is faked.
  root.fake("curl", 'case "$*" in *amazonaws.com*) exit 0;; esac\nexec /usr/bin/curl "$@"\n');
}
afterEach(() => root.remove());

const install = (metadata = NODE_METADATA) => root.run(PATHS.SSM_AGENT_INSTALLER, [], { metadata });
const downloads = () => root.calls("curl").filter((call) => call.includes("amazonaws.com"));

test("downloads the region's package through the proxy when one is set", async () => {
  setUp("http://10.0.0.5:3128", false);
  const result = await install();
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  expect(downloads()).toEqual([
    `curl -sSf --proxy http://10.0.0.5:3128 -o /var/tmp/amazon-ssm-agent.deb ${DEB}`,
  ]);
  expect(root.calls("dpkg")).toContain("dpkg -i /var/tmp/amazon-ssm-agent.deb");
  expect(root.calls("systemctl")).toContain("systemctl enable --now amazon-ssm-agent");
});

test("downloads straight from S3 without a proxy", async () => {
  setUp(undefined, false);
  expect((await install()).code).toBe(0);
  expect(downloads()).toEqual([`curl -sSf -o /var/tmp/amazon-ssm-agent.deb ${DEB}`]);
});

test("in China (aws-cn) the package comes from S3 under the partition's domain IMDS gives", async () => {
  setUp(undefined, false);
  const china = { ...NODE_METADATA, region: "cn-north-1", domain: "amazonaws.com.cn" };
  expect((await install(china)).code).toBe(0);
  expect(downloads()).toEqual([
    "curl -sSf -o /var/tmp/amazon-ssm-agent.deb https://s3.cn-north-1.amazonaws.com.cn/amazon-ssm-cn-north-1/latest/debian_amd64/amazon-ssm-agent.deb",
  ]);
});

test("an agent baked into the AMI is started, nothing is downloaded", async () => {
  setUp("http://10.0.0.5:3128", true);
  expect((await install()).code).toBe(0);
  expect(downloads()).toEqual([]);
  expect(root.calls("dpkg")).toEqual(["dpkg -s amazon-ssm-agent"]);
  expect(root.calls("systemctl")).toEqual([
    "systemctl is-active --quiet amazon-ssm-agent",
    "systemctl enable --now amazon-ssm-agent",
  ]);
});
