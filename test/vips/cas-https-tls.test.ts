/**
 * CasHttpsVip's terminating modes: one backend per virtual directory with its
 * own health check, TLS bridged or offloaded, the options the guides give, the
 * certificate read by the instance role alone, and `haproxy -c` on every mode
 * with a real certificate bundle at the path the config names.
 */
import { parse } from "yaml";
import {
  CasHttpsVip,
  CasHttpsVipProps,
  ExchangeLoadBalancer,
  ExchangeVersion,
  TlsCertificate,
} from "../../lib";
import { PATHS } from "../../lib/instance/paths";
import { Json, fixture, resourcesOf, rolePolicy, sectionOf, synthJson } from "../support/synth";
import {
  certificateBundle,
  expectValidCloudConfig,
  expectValidHaproxy,
  withTempDir,
} from "../support/tools";

const CERT = TlsCertificate.fromSsmParameter("/exchange/tls/mail");

/** The certificate list the instance boots with: `<bundle path> <store> <name or ARN>` a line. */
function certificateList(lb: ExchangeLoadBalancer): string {
  const files = parse(lb.renderUserData()).write_files as { path: string; content: string }[];
  const list = files.find((file) => file.path === PATHS.CERTIFICATE_LIST);
  if (!list) throw new Error(`no ${PATHS.CERTIFICATE_LIST} in the user-data`);
  return list.content;
}

function vip(props: CasHttpsVipProps, version = ExchangeVersion.EXCHANGE_2016) {
  const f = fixture({ exchangeVersion: version, namespace: "mail.example.com" });
  const v = new CasHttpsVip(f.lb, "CasHttps", { certificate: CERT, ...props });
  return { ...f, vip: v, config: f.lb.renderHaproxyConfig() };
}

/** `haproxy -c` of every release with a real bundle at the path the config names. */
function expectAcceptedByHaproxy(config: string): void {
  withTempDir((dir) => {
    const pem = certificateBundle(dir);
    expectValidHaproxy(config.replace(/\/etc\/haproxy\/certs\/[\w.-]+\.pem/g, pem));
  });
}

describe("bridge (2016)", () => {
  const { config, vip: v, stack, lb } = vip({ tls: "bridge" });

  test("one TLS frontend: / to /owa/, unpublished paths (PowerShell by default) 404, each directory to its backend", () => {
    expect(sectionOf(config, "frontend CasHttps")).toBe(
      [
        "frontend CasHttps",
        "    mode http",
        "    option httplog",
        "    bind 192.168.30.10:443 ssl crt /etc/haproxy/certs/CasHttps.pem alpn http/1.1",
        "    timeout client 1h",
        "    timeout http-keep-alive 110s",
        "    http-request redirect location /owa/ code 302 if { path / }",
        "    http-request deny deny_status 404 unless { path -i /Microsoft-Server-ActiveSync /Autodiscover /ecp /EWS /mapi /OAB /owa /rpc } || { path_beg -i /Microsoft-Server-ActiveSync/ /Autodiscover/ /ecp/ /EWS/ /mapi/ /OAB/ /owa/ /rpc/ }",
        ...[
          ["ActiveSync", "/Microsoft-Server-ActiveSync"],
          ["Autodiscover", "/Autodiscover"],
          ["ECP", "/ecp"],
          ["EWS", "/EWS"],
          ["MAPI", "/mapi"],
          ["OAB", "/OAB"],
          ["OWA", "/owa"],
          ["RPC", "/rpc"],
        ].map(
          ([service, path]) =>
            `    use_backend CasHttps-${service} if { path -i ${path} } || { path_beg -i ${path}/ }`,
        ),
      ].join("\n"),
    );
  });

  test("each backend: HTTP, no connection reuse across clients, its own healthcheck.htm, TLS to the servers", () => {
    expect(sectionOf(config, "backend CasHttps-OWA")).toBe(
      [
        "backend CasHttps-OWA",
        "    mode http",
        "    balance roundrobin",
        "    http-reuse never",
        "    timeout server 1h",
        "    option httpchk",
        "    http-check send meth GET uri /owa/healthcheck.htm ver HTTP/1.1 hdr Host mail.example.com",
        "    http-check expect status 200",
        "    server CAS1 192.168.30.20:443 weight 100 ssl verify none sni str(mail.example.com) check port 443 check-ssl check-sni mail.example.com verify none",
        "    server CAS2 192.168.30.21:443 weight 100 ssl verify none sni str(mail.example.com) check port 443 check-ssl check-sni mail.example.com verify none",
      ].join("\n"),
    );
    expect(config).toContain("http-check send meth GET uri /mapi/healthcheck.htm");
    expect(v.services).toHaveLength(8);
    expect(config).not.toContain("PowerShell");
  });

  test("TLS 1.2+ with Mozilla's intermediate ciphers; a 72 KiB buffer for 64,000-byte Kerberos tokens; no extra client header by default", () => {
    expect(sectionOf(config, "global")).toContain(
      "    ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets",
    );
    expect(config).not.toContain("option forwardfor");
    expect(sectionOf(config, "global")).toContain("    tune.bufsize 73728\n");
  });

  test("every supported HAProxy accepts it", () => {
    expectAcceptedByHaproxy(config);
  });

  test("the certificate: fetched at boot from its list, read by the role from that parameter only", () => {
    const json = synthJson(stack);
    const userData = parse(lb.renderUserData());
    expect(userData.write_files).toContainEqual({
      path: "/etc/exchange-lb/certificates",
      permissions: "0644",
      content: "/etc/haproxy/certs/CasHttps.pem ssm /exchange/tls/mail\n",
    });
    expectValidCloudConfig(lb.renderUserData());
    expect([rolePolicy(json, "certificates")]).toEqual([
      {
        Version: "2012-10-17",
        Statement: [
          {
            Sid: "ReadCertificateParameters",
            Effect: "Allow",
            Action: ["ssm:GetParameter"],
            Resource: [
              expect.stringMatching(
                /:ssm:\$\{data\.aws_region\.\w+\.region\}:\$\{data\.aws_caller_identity\.\w+\.account_id\}:parameter\/exchange\/tls\/mail$/,
              ),
            ],
          },
        ],
      },
    ]);
    // The key never appears: only the parameter's name is in Terraform.
    expect(JSON.stringify(json)).not.toMatch(/PRIVATE KEY/);
  });

  test("security groups: HTTPS to the servers only", () => {
    const egress = resourcesOf(synthJson(stack), "aws_vpc_security_group_egress_rule")
      .filter((r: Json) => r.cidr_ipv4?.startsWith("192.168.30.2"))
      .map((r: Json) => r.from_port);
    expect([...new Set(egress)]).toEqual([443]);
  });
});

describe("offload (2013)", () => {
  const { config, stack, vip: v } = vip({ tls: "offload" }, ExchangeVersion.EXCHANGE_2013);

  test("plain HTTP to the servers on 80, checked there", () => {
    expect(sectionOf(config, "backend CasHttps-EWS")).toContain(
      "    server CAS1 192.168.30.20:80 weight 100 check port 80\n",
    );
    expectAcceptedByHaproxy(config);
  });

  test("a warning says it breaks Extended Protection", () => {
    const messages = v.node.metadata.map((m) => String(m.data));
    expect(messages.join("\n")).toContain("TLS offload breaks Extended Protection");
  });

  test("security groups: HTTP to the servers only", () => {
    const egress = resourcesOf(synthJson(stack), "aws_vpc_security_group_egress_rule")
      .filter((r: Json) => r.cidr_ipv4?.startsWith("192.168.30.2"))
      .map((r: Json) => r.from_port);
    expect([...new Set(egress)]).toEqual([80]);
  });
});

test("options: services, OWA cookie (secure, httponly), ActiveSync on DeviceId, HAProxy's own buffer, X-Forwarded-For", () => {
  const { config } = vip({
    tls: "bridge",
    services: ["OWA", "ECP", "ActiveSync", "EWS"],
    owaCookiePersistence: true,
    activeSyncPersistence: true,
    largeRequestBuffer: false,
    forwardedFor: true,
  });
  expect(config).not.toContain("PowerShell");
  expect(config).toContain(
    "deny deny_status 404 unless { path -i /owa /ecp /Microsoft-Server-ActiveSync /EWS }",
  );
  for (const backend of ["CasHttps-OWA", "CasHttps-ECP"]) {
    expect(sectionOf(config, `backend ${backend}`)).toContain(
      "    cookie EXCHANGELB insert indirect nocache secure httponly\n",
    );
  }
  expect(config).toContain("ssl verify none sni str(mail.example.com) cookie CAS1");
  expect(sectionOf(config, "backend CasHttps-EWS")).not.toContain("cookie");
  expect(sectionOf(config, "backend CasHttps-ActiveSync")).toContain(
    "    stick-table type string len 64 size 100k expire 1h\n    stick on url_param(DeviceId)\n",
  );
  expect(config).not.toMatch(/Authorization/i);
  expect(config).not.toContain("tune.bufsize");
  expect(sectionOf(config, "frontend CasHttps")).toContain("    option forwardfor\n");
  expectAcceptedByHaproxy(config);
});

test("2010 bridge: no MAPI; directories answer 2xx, 3xx or 401; source-IP persistence kept", () => {
  const { config, vip: v } = vip({ tls: "bridge" }, ExchangeVersion.EXCHANGE_2010);
  expect(v.services).not.toContain("MAPI");
  expect(sectionOf(config, "backend CasHttps-OWA")).toContain(
    "    http-check send meth GET uri /owa/ ver HTTP/1.1 hdr Host mail.example.com\n    http-check expect rstatus (2..|3..|401)\n",
  );
  expect(sectionOf(config, "backend CasHttps-OWA")).toContain("    stick on src\n");
  // HTTP is redirected, not forwarded, once TLS is terminated.
  expect(config).toContain("frontend CasHttps-redirect");
  expectAcceptedByHaproxy(config);
});

test("Secrets Manager and a customer managed key", () => {
  const secret = "arn:aws:secretsmanager:eu-west-2:123456789012:secret:exchange/tls-AbCdEf";
  const key = "arn:aws:kms:eu-west-2:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
  const { stack, lb } = vip({
    tls: "bridge",
    certificate: TlsCertificate.fromSecretsManager(secret, { kmsKeyArn: key }),
  });
  expect(certificateList(lb)).toBe(`/etc/haproxy/certs/CasHttps.pem secretsmanager ${secret}\n`);
  const policy = rolePolicy(synthJson(stack), "certificates");
  expect(policy.Statement).toEqual([
    {
      Sid: "ReadCertificateSecrets",
      Effect: "Allow",
      Action: ["secretsmanager:GetSecretValue"],
      Resource: [secret],
    },
    {
      Sid: "DecryptCertificateSecrets",
      Effect: "Allow",
      Action: ["kms:Decrypt"],
      Resource: [key],
      // Through Secrets Manager only (this store's service), never a direct Decrypt.
      Condition: {
        StringEquals: {
          "kms:ViaService": expect.stringMatching(
            /^secretsmanager\.\$\{data\.aws_region\.\w+\.region\}\.\$\{data\.aws_partition\.\w+\.dns_suffix\}$/,
          ),
        },
      },
    },
  ]);
});

test("passthrough stays as it was: no certificate policy, no TLS settings", () => {
  const f = fixture({ exchangeVersion: ExchangeVersion.EXCHANGE_2016 });
  new CasHttpsVip(f.lb, "CasHttps");
  expect(rolePolicy(synthJson(f.stack), "certificates")).toBeUndefined();
  expect(f.lb.renderHaproxyConfig()).not.toContain("ssl-default");
  expect(certificateList(f.lb)).toBe("");
});

describe("bad input names the VIP and the fix", () => {
  const cases: [string, CasHttpsVipProps, ExchangeVersion, string][] = [
    [
      "bridge without a certificate",
      { tls: "bridge", certificate: undefined },
      ExchangeVersion.EXCHANGE_2016,
      'test/Lb/CasHttps: tls "bridge" terminates TLS on the load balancer but has no certificate. Fix: give certificate:',
    ],
    [
      "a certificate in passthrough",
      { tls: "passthrough" },
      ExchangeVersion.EXCHANGE_2016,
      "test/Lb/CasHttps: certificate needs the load balancer to read HTTP, but tls is passthrough",
    ],
    [
      "cookie persistence in passthrough",
      { certificate: undefined, owaCookiePersistence: true },
      ExchangeVersion.EXCHANGE_2016,
      "owaCookiePersistence needs the load balancer to read HTTP, but tls is passthrough",
    ],
    [
      "HTTP forwarded while TLS is terminated",
      { tls: "bridge", http: "forward" },
      ExchangeVersion.EXCHANGE_2010,
      'http "forward" sends plain HTTP to Exchange, but tls "bridge" terminates TLS',
    ],
    [
      "MAPI on 2010",
      { tls: "bridge", services: ["OWA", "MAPI"] },
      ExchangeVersion.EXCHANGE_2010,
      'service "MAPI" does not exist in Exchange 2010',
    ],
    [
      "no services",
      { tls: "bridge", services: [] },
      ExchangeVersion.EXCHANGE_2016,
      "services is empty",
    ],
    [
      "a service twice",
      { tls: "bridge", services: ["OWA", "OWA"] },
      ExchangeVersion.EXCHANGE_2016,
      "service OWA is listed twice",
    ],
    [
      "a bad parameter name",
      { tls: "bridge", certificate: TlsCertificate.fromSsmParameter("bad name!") },
      ExchangeVersion.EXCHANGE_2016,
      'certificate: SSM parameter name "bad name!" has characters SSM refuses',
    ],
    [
      "a parameter in a hierarchy without its leading slash",
      { tls: "bridge", certificate: TlsCertificate.fromSsmParameter("exchange/tls/mail") },
      ExchangeVersion.EXCHANGE_2016,
      'certificate: SSM parameter name "exchange/tls/mail" is in a hierarchy without a leading "/", which SSM refuses; give "/exchange/tls/mail"',
    ],
    [
      "a secret that is not an ARN",
      { tls: "offload", certificate: TlsCertificate.fromSecretsManager("exchange-tls") },
      ExchangeVersion.EXCHANGE_2016,
      'certificate: "exchange-tls" is not a Secrets Manager secret ARN',
    ],
    [
      "a health check path with terminating TLS",
      { tls: "bridge", healthCheckPath: "/owa/healthcheck.htm" },
      ExchangeVersion.EXCHANGE_2016,
      "healthCheckPath is for passthrough",
    ],
  ];
  test.each(cases)("%s", (_name, props, version, message) => {
    expect(() => vip(props, version)).toThrow(message);
  });
});

test.each([
  ["bridge", ExchangeVersion.EXCHANGE_2019],
  ["offload", ExchangeVersion.EXCHANGE_2013],
  ["bridge", ExchangeVersion.EXCHANGE_2010],
] as const)("haproxy.cfg snapshot: %s on %s", (tls, version) => {
  expect(vip({ tls, owaCookiePersistence: true }, version).config).toMatchSnapshot();
});

test("PowerShell is published only when listed", () => {
  const { config } = vip({ tls: "bridge", services: ["OWA", "PowerShell"] });
  expect(config).toContain("use_backend CasHttps-PowerShell if { path -i /PowerShell }");
});
