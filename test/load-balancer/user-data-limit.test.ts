/**
 * EC2 refuses user-data over 16 KB (gzip): a load balancer whose config would
 * not fit is refused at synth, naming the construct and what to do, not by
 * EC2 at deploy.
 */
import { CasHttpsVip, ExchangeVersion, TlsCertificate } from "../../lib";
import { fixture, synthJson } from "../support/synth";

/** `count` real servers with distinct names and addresses (they compress the least). */
function servers(count: number) {
  return Array.from({ length: count }, (_, i) => ({
    name: `EXCH-${(i * 7919).toString(36).toUpperCase()}-${i}`,
    address: `10.${1 + (i >> 8)}.${i & 255}.${(i * 37) % 250}`,
  }));
}

function stack(serverCount: number) {
  const f = fixture({
    exchangeVersion: ExchangeVersion.EXCHANGE_2019,
    namespace: "mail.example.com",
    servers: servers(serverCount),
    securityGroupRuleQuota: 1000,
  });
  new CasHttpsVip(f.lb, "Web", {
    tls: "bridge",
    certificate: TlsCertificate.fromSsmParameter("/exchange/tls/mail"),
  });
  return f;
}

test("a config too large for EC2's user-data is refused at synth, naming the load balancer and the fix", () => {
  const { stack: s } = stack(400);
  expect(() => synthJson(s)).toThrow(
    /test\/Lb: the instance's user-data is \d+ bytes gzip-compressed, over EC2's 16384-byte limit\. Fix: split the VIPs over two ExchangeLoadBalancers/,
  );
});

test("the same VIP with a few servers synthesizes", () => {
  const { stack: s } = stack(2);
  expect(() => synthJson(s)).not.toThrow();
});
