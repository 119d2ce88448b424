/**
 * The lab's inputs come from the synthesized stack: the haproxy.cfg inside the
 * synthesized user-data, and iptables rules from the synthesized security-group
 * rules. Pure; the lab scenarios run them (npm run lab:test).
 */
import { App } from "cdktf";
import { firewallRules } from "../lab/firewall";
import {
  LAB_ROUTE_TABLES,
  ROUTED_VIP,
  lab2010,
  lab2010Pair,
  lab2013,
  labPlacementPair,
  synthesize,
} from "../lab/stacks";
import { placementOf, vipsOf } from "../lab/vm/boot-lab";
import { withTempDir } from "./support/tools";

describe("lab stacks", () => {
  const lb2010 = synthesize(lab2010);

  test("the haproxy.cfg read back from cdk.tf.json is the one the construct renders", () => {
    const rendered = withTempDir((outdir) => lab2010(new App({ outdir })).lb.renderHaproxyConfig());
    expect(lb2010.haproxyConfig).toBe(rendered);
    expect(synthesize(lab2013()).haproxyConfig).toContain("frontend CasHttps-redirect");
  });

  test("iptables: default drop, then exactly the synthesized rules", () => {
    const rules = firewallRules(lb2010.ingress, lb2010.egress).split("\n");
    expect(rules.slice(0, 4)).toEqual([
      "*filter",
      ":INPUT DROP [0:0]",
      ":FORWARD DROP [0:0]",
      ":OUTPUT DROP [0:0]",
    ]);
    const smtp = rules.filter((r) => r.includes("--dport 25 ") && r.startsWith("-A INPUT"));
    expect(smtp).toEqual([
      "-A INPUT -p tcp -s 192.168.30.50/31 --dport 25 -j ACCEPT",
      "-A INPUT -p tcp -s 192.168.30.52/30 --dport 25 -j ACCEPT",
      "-A INPUT -p tcp -s 192.168.30.56/30 --dport 25 -j ACCEPT",
      "-A INPUT -p tcp -s 192.168.30.60/32 --dport 25 -j ACCEPT",
    ]);
    expect(rules.filter((r) => r.startsWith("-A INPUT -p tcp"))).toHaveLength(
      lb2010.ingress.length,
    );
    expect(rules.filter((r) => r.startsWith("-A OUTPUT -p tcp"))).toHaveLength(
      lb2010.egress.length,
    );
    expect(rules).toContain("-A OUTPUT -p tcp -d 192.168.30.22/32 --dport 25 -j ACCEPT");
  });

  test("a pair: two nodes with their own files; VRRP and peers only with the other node", () => {
    const pair = synthesize(lab2010Pair);
    expect(pair.nodes.map((n) => n.address)).toEqual(["192.168.30.5", "192.168.30.6"]);
    for (const node of pair.nodes) {
      expect(node.files["/etc/haproxy/haproxy.cfg"].content).toBe(pair.haproxyConfig);
      expect(node.files["/etc/keepalived/keepalived.conf"].content).toContain(
        `unicast_src_ip ${node.address}`,
      );
    }
    expect(pair.pairRules).toEqual([{ protocol: "tcp", port: 10000 }, { protocol: "112" }]);
    const rules = firewallRules(pair.ingress, pair.egress, {
      address: "192.168.30.6",
      rules: pair.pairRules,
    }).split("\n");
    expect(rules.filter((r) => r.includes("10000") || r.includes("-p 112"))).toEqual([
      "-A INPUT -p tcp --dport 10000 -s 192.168.30.6 -j ACCEPT",
      "-A INPUT -p 112 -s 192.168.30.6 -j ACCEPT",
      "-A OUTPUT -p tcp --dport 10000 -d 192.168.30.6 -j ACCEPT",
      "-A OUTPUT -p 112 -d 192.168.30.6 -j ACCEPT",
    ]);
    expect(JSON.parse(pair.configDocument).mainSteps[0].action).toBe("aws:runShellScript");
  });

  test("scenario 7's pairs: a routed VIP outside the subnet, and an Elastic IP bound on the wildcard", () => {
    const routed = synthesize(labPlacementPair("route-table"));
    expect([placementOf(routed), vipsOf(routed)]).toEqual(["route-table", [ROUTED_VIP]]);
    const routes = Object.values(JSON.parse(routed.cdkTfJson).resource.aws_route) as {
      route_table_id: string;
    }[];
    expect(routes.map((r) => r.route_table_id)).toEqual(LAB_ROUTE_TABLES);
    const eip = synthesize(labPlacementPair("elastic-ip"));
    expect([placementOf(eip), vipsOf(eip)]).toEqual(["elastic-ip", []]);
    expect(eip.haproxyConfig).toContain("bind 0.0.0.0:143");
    expect(placementOf(synthesize(lab2010Pair))).toBe("secondary-ip");
  });
});
