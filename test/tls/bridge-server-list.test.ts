/**
 * What the same-certificate program is given: each server of a bridge-mode VIP,
 * with the VIP's bundle, its host name as SNI and whether a different
 * certificate fails a rollout, in the bundle the user-data writes and the
 * config document carries; nothing for pass-through and offload, which refuse
 * `requireSameCertificate` at synth.
 */
import { parse } from "yaml";
import { CasHttpsVip, CasHttpsVipProps, ExchangeLoadBalancer, TlsCertificate } from "../../lib";
import { PATHS } from "../../lib/instance/paths";
import { fixture } from "../support/synth";

const CERT = TlsCertificate.fromSsmParameter("/exchange/tls/mail");

function web(props: CasHttpsVipProps): ExchangeLoadBalancer {
  const { lb } = fixture({ namespace: "mail.example.com" });
  new CasHttpsVip(lb, "Web", props);
  return lb;
}

/** The bridge-servers list the instance boots with. */
function bridgeServers(lb: ExchangeLoadBalancer): string {
  const files = parse(lb.renderUserData()).write_files as { path: string; content: string }[];
  const list = files.find((file) => file.path === PATHS.BRIDGE_SERVERS);
  if (!list) throw new Error(`no ${PATHS.BRIDGE_SERVERS} in the user-data`);
  return list.content;
}

test("bridge: each server with the VIP's bundle, SNI and HTTPS port; reported unless the VIP requires the same certificate", () => {
  expect(bridgeServers(web({ tls: "bridge", certificate: CERT }))).toBe(
    [
      "Web reported /etc/haproxy/certs/Web.pem mail.example.com CAS1 192.168.30.20:443",
      "Web reported /etc/haproxy/certs/Web.pem mail.example.com CAS2 192.168.30.21:443",
      "",
    ].join("\n"),
  );
  const required = web({ tls: "bridge", certificate: CERT, requireSameCertificate: true });
  expect(bridgeServers(required)).toBe(
    [
      "Web required /etc/haproxy/certs/Web.pem mail.example.com CAS1 192.168.30.20:443",
      "Web required /etc/haproxy/certs/Web.pem mail.example.com CAS2 192.168.30.21:443",
      "",
    ].join("\n"),
  );
});

test("offload and pass-through: nothing to compare", () => {
  expect(bridgeServers(web({ tls: "offload", certificate: CERT }))).toBe("");
  expect(bridgeServers(web({}))).toBe("");
});

test.each([
  ["offload", { tls: "offload", certificate: CERT, requireSameCertificate: true }],
  ["passthrough", { requireSameCertificate: false }],
] as const)("%s refuses requireSameCertificate with the fix", (tls, props) => {
  expect(() => web(props)).toThrow(
    `test/Lb/Web: requireSameCertificate compares a bridge's certificate with Exchange's, but tls is "${tls}"`,
  );
  expect(() => web(props)).toThrow('set tls: "bridge"');
});
