/**
 * The instance's Debian release: Debian 13 unless a stack names Debian 12; the
 * default AMI follows it; everything rendered is the same for both, and every
 * package the user-data installs exists in both releases.
 */
import { spawnSync } from "node:child_process";
import { parse } from "yaml";
import {
  CasHttpsVip,
  ExchangeLoadBalancer,
  ExchangeLoadBalancerProps,
  ExchangeVersion,
  ImapVip,
  OperatingSystem,
  TlsCertificate,
} from "../../lib";
import { Json, PAIR_PROPS, fixture, resourcesOf, synthJson } from "../support/synth";
import { debianRoot } from "../support/debian-releases";

function build(overrides: Partial<ExchangeLoadBalancerProps>) {
  const f = fixture({ exchangeVersion: ExchangeVersion.EXCHANGE_SE, ...overrides });
  new CasHttpsVip(f.lb, "CasWeb", {
    tls: "offload",
    certificate: TlsCertificate.fromSsmParameter("/exchange/tls/mail"),
  });
  new ImapVip(f.lb, "CasImap");
  return { ...f, json: synthJson(f.stack) };
}

function amis(json: Json): Record<string, Json> {
  return json.data?.aws_ami ?? {};
}

describe.each([
  [undefined, "debian-13-amd64-*", "Debian13"],
  [OperatingSystem.DEBIAN_13, "debian-13-amd64-*", "Debian13"],
  [OperatingSystem.DEBIAN_12, "debian-12-amd64-*", "Debian12"],
])("operatingSystem %s", (operatingSystem, pattern, id) => {
  const { json } = build({ operatingSystem });

  test(`boots the latest official ${pattern} AMI, kept when Debian publishes a newer one`, () => {
    const [name] = Object.keys(amis(json));
    expect(name).toMatch(new RegExp(`_${id}_`));
    const ami = amis(json)[name];
    expect(ami.owners).toEqual(["136693071363"]);
    expect(ami.filter).toContainEqual({ name: "name", values: [pattern] });
    const [instance] = resourcesOf(json, "aws_instance");
    expect(instance.ami).toBe(`\${data.aws_ami.${name}.id}`);
    expect(instance.lifecycle.ignore_changes).toContain("ami");
  });
});

test("with amiId, no AMI lookup: the given AMI, which Terraform follows", () => {
  const { json } = build({ operatingSystem: OperatingSystem.DEBIAN_12, amiId: "ami-0123abcd" });
  expect(amis(json)).toEqual({});
  const [instance] = resourcesOf(json, "aws_instance");
  expect(instance.ami).toBe("ami-0123abcd");
  expect(instance.lifecycle.ignore_changes).not.toContain("ami");
});

test("both releases get the same haproxy.cfg, and the same user-data but the release it names", () => {
  for (const extra of [{}, PAIR_PROPS]) {
    const [twelve, thirteen] = [OperatingSystem.DEBIAN_12, OperatingSystem.DEBIAN_13].map(
      (operatingSystem) => build({ ...extra, operatingSystem }).lb,
    );
    expect(thirteen.renderHaproxyConfig()).toBe(twelve.renderHaproxyConfig());
    expect(userData(twelve)).toContain(
      "# Exchange load balancer: HAProxy 2.6 on Debian 12 (bookworm).",
    );
    expect(userData(thirteen)).toContain(
      "# Exchange load balancer: HAProxy 3.0 on Debian 13 (trixie).",
    );
    const header = /^# Exchange load balancer: .*$/m;
    expect(userData(thirteen).replace(header, "")).toBe(userData(twelve).replace(header, ""));
  }
});

test("an unknown release is refused at synth, naming the construct and the releases", () => {
  expect(() => build({ operatingSystem: "debian-11" as OperatingSystem })).toThrow(
    'test/Lb: operatingSystem "debian-11" is not a release this library boots. Fix: use OperatingSystem.DEBIAN_13 (the default) or OperatingSystem.DEBIAN_12',
  );
});

test("packagesInAmi without amiId names the release the AMI must be built from", () => {
  expect(() => build({ operatingSystem: OperatingSystem.DEBIAN_12, packagesInAmi: true })).toThrow(
    /give amiId, an AMI built from Debian 12 \(bookworm\) with the packages/,
  );
  expect(() => build({ packagesInAmi: true })).toThrow(/built from Debian 13 \(trixie\)/);
});

describe("every package the user-data installs exists in each release (apt-get install --simulate)", () => {
  const packages = [...new Set([{}, PAIR_PROPS].flatMap(packagesOf))].sort();
  const install = ["apt-get", "install", "--simulate", "-qq", ...packages];

  test("the user-data installs HAProxy, keepalived and the AWS CLI by their package names", () => {
    expect(packages).toEqual(expect.arrayContaining(["haproxy", "keepalived", "awscli"]));
  });

  test("Debian 12: this host's apt", () => {
    const result = spawnSync(install[0], install.slice(1), { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  test("Debian 13: its root's apt", () => {
    const result = spawnSync("chroot", [debianRoot(13), ...install], { encoding: "utf8" });
    expect(result.stderr).toBe("");
    expect(result.status).toBe(0);
  });

  test("the check can fail: a package Debian 13 does not have", () => {
    const result = spawnSync("chroot", [debianRoot(13), ...install, "no-such-package"], {
      encoding: "utf8",
    });
    expect(result.stderr).toContain("Unable to locate package no-such-package");
    expect(result.status).not.toBe(0);
  });
});

function packagesOf(extra: Partial<ExchangeLoadBalancerProps>): string[] {
  const { lb } = build(extra);
  return parse(userData(lb)).packages as string[];
}

/** The user-data of the instance, or of a pair's first node. */
function userData(lb: ExchangeLoadBalancer): string {
  return lb.renderUserData(lb.instances.length > 1 ? "192.168.30.5" : undefined);
}
