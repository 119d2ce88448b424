/**
 * What `cdktf deploy` prints for the AWS lab: the VIP, the instances, and the
 * commands that reach the VIP through Session Manager on the preferred master
 * (no client instance, no public address: port forwarding costs nothing).
 */
import { TerraformOutput, TerraformStack } from "cdktf";
import { Instance } from "@cdktf/provider-aws/lib/instance";
import { ExchangeLoadBalancer } from "../../lib";

/** Local port of the forwarded HTTPS VIP (443 needs root on the user's machine). */
export const LOCAL_HTTPS_PORT = 8443;

export function labOutputs(
  stack: TerraformStack,
  lab: {
    readonly region: string;
    readonly loadBalancer: ExchangeLoadBalancer;
    readonly servers: Readonly<Record<string, Instance>>;
    readonly namespace: string;
  },
): void {
  const { region, loadBalancer, namespace } = lab;
  const vip = loadBalancer.vipAddress;
  const master = loadBalancer.instances[0].id;
  new TerraformOutput(stack, "Vip", { description: "The VIP clients connect to", value: vip });
  new TerraformOutput(stack, "LoadBalancerInstanceIds", {
    description: "The pair's nodes, preferred master first",
    value: loadBalancer.instances.map((instance) => instance.id),
  });
  new TerraformOutput(stack, "ServerInstanceIds", {
    description: "The Exchange stand-ins",
    value: Object.fromEntries(Object.entries(lab.servers).map(([name, i]) => [name, i.id])),
  });
  new TerraformOutput(stack, "ForwardHttps", {
    description: `Forwards localhost:${LOCAL_HTTPS_PORT} to the VIP's 443 (needs the Session Manager plugin)`,
    value:
      `aws ssm start-session --region ${region} --target ${master} ` +
      "--document-name AWS-StartPortForwardingSessionToRemoteHost " +
      `--parameters host=${vip},portNumber=443,localPortNumber=${LOCAL_HTTPS_PORT}`,
  });
  new TerraformOutput(stack, "TryHttps", {
    description: "While ForwardHttps runs: OWA through the load balancer",
    value: `curl -k --resolve ${namespace}:${LOCAL_HTTPS_PORT}:127.0.0.1 https://${namespace}:${LOCAL_HTTPS_PORT}/owa/`,
  });
  new TerraformOutput(stack, "Shell", {
    description: "A shell on the preferred master, for IMAP, POP3 and SMTP to the VIP",
    value: `aws ssm start-session --region ${region} --target ${master}`,
  });
}
