import { HaproxyConfig } from "../../lib/haproxy/model";
import { quoteArg, renderHaproxyConfig } from "../../lib/haproxy/render";
import { sectionOf } from "../support/synth";
import { expectValidHaproxy, haproxyCheck } from "../support/tools";

const base: HaproxyConfig = {
  global: { maxconn: 5000 },
  defaults: {
    mode: "tcp",
    retries: 3,
    redispatch: true,
    timeouts: { connect: "4s", client: "1h", server: "1h" },
    serverDefaults: { inter: "1s", rise: 2, fall: 3, shutdownSessionsOnDown: true },
  },
  services: [],
};

/** One service group of every shape the library emits. */
const composite: HaproxyConfig = {
  ...base,
  header: ["composite"],
  services: [
    {
      comments: ["web"],
      frontends: [
        {
          name: "Web",
          mode: "tcp",
          binds: [{ address: "10.0.0.10", port: 443 }],
          defaultBackend: "Web",
        },
        {
          name: "Web-redirect",
          mode: "http",
          binds: [{ address: "10.0.0.10", port: 80 }],
          httpRequestRules: ["redirect scheme https code 301"],
          comments: ["redirect"],
        },
      ],
      backends: [
        {
          name: "Web",
          mode: "tcp",
          balance: "roundrobin",
          healthCheck: {
            kind: "http",
            method: "GET",
            uri: "/owa/healthcheck.htm",
            host: "mail.example.com",
            port: 443,
            tls: true,
            expectStatus: 200,
          },
          servers: [
            { name: "CAS1", address: "10.0.0.20", weight: 100 },
            { name: "CAS2", address: "10.0.0.21", port: 443, weight: 0 },
          ],
        },
      ],
    },
    {
      frontends: [
        {
          name: "Imap",
          mode: "tcp",
          binds: [
            { address: "10.0.0.10", port: 143 },
            { address: "10.0.0.10", port: 993 },
          ],
          timeouts: { client: "10m" },
          defaultBackend: "Imap",
        },
      ],
      backends: [
        {
          name: "Imap",
          mode: "tcp",
          balance: "leastconn",
          stickTable: { type: "ip", size: "100k", expire: "1h" },
          timeouts: { server: "10m", connect: "2s" },
          serverDefaults: { inter: "2s", rise: 1, fall: 1, shutdownSessionsOnDown: true },
          healthCheck: {
            kind: "tcp",
            steps: [
              { connect: { port: 143 } },
              { expectString: "* OK" },
              { send: "A1 LOGOUT\\r\\n" },
            ],
          },
          servers: [{ name: "CAS1", address: "10.0.0.20", weight: 256 }],
        },
      ],
    },
  ],
};

describe("renderHaproxyConfig", () => {
  const text = renderHaproxyConfig(composite);

  test("prints the global and defaults sections from the model", () => {
    expect(sectionOf(text, "global")).toContain("    maxconn 5000");
    expect(sectionOf(text, "defaults")).toBe(
      [
        "defaults",
        "    log global",
        "    mode tcp",
        "    option dontlognull",
        "    option redispatch",
        "    retries 3",
        "    timeout connect 4s",
        "    timeout client 1h",
        "    timeout server 1h",
        "    default-server inter 1s rise 2 fall 3 on-marked-down shutdown-sessions",
      ].join("\n"),
    );
  });

  test("an HTTPS GET check: httpchk lines and check-ssl on the check port", () => {
    expect(sectionOf(text, "backend Web")).toBe(
      [
        "backend Web",
        "    mode tcp",
        "    balance roundrobin",
        "    option httpchk",
        "    http-check send meth GET uri /owa/healthcheck.htm ver HTTP/1.1 hdr Host mail.example.com",
        "    http-check expect status 200",
        "    server CAS1 10.0.0.20 weight 100 check port 443 check-ssl verify none",
        "    server CAS2 10.0.0.21:443 weight 0 check port 443 check-ssl verify none",
      ].join("\n"),
    );
  });

  test("a TCP script check, a stick table and per-backend overrides", () => {
    expect(sectionOf(text, "backend Imap")).toBe(
      [
        "backend Imap",
        "    mode tcp",
        "    balance leastconn",
        "    stick-table type ip size 100k expire 1h",
        "    stick on src",
        "    timeout connect 2s",
        "    timeout server 10m",
        "    option tcp-check",
        "    tcp-check connect port 143",
        '    tcp-check expect string "* OK"',
        '    tcp-check send "A1 LOGOUT\\r\\n"',
        "    default-server inter 2s rise 1 fall 1 on-marked-down shutdown-sessions",
        "    server CAS1 10.0.0.20 weight 256 check",
      ].join("\n"),
    );
  });

  test("a redirect frontend answers itself", () => {
    expect(sectionOf(text, "frontend Web-redirect")).toBe(
      [
        "frontend Web-redirect",
        "    mode http",
        "    option httplog",
        "    bind 10.0.0.10:80",
        "    http-request redirect scheme https code 301",
      ].join("\n"),
    );
    expect(text).toContain("# redirect\nfrontend Web-redirect");
  });

  test("service comments precede their sections; output ends with one newline", () => {
    expect(text.startsWith("# composite\n\nglobal\n")).toBe(true);
    expect(text).toContain("# web\nfrontend Web\n");
    expect(text.endsWith("\n")).toBe(true);
    expect(text.endsWith("\n\n")).toBe(false);
  });

  test("is deterministic", () => {
    expect(renderHaproxyConfig(composite)).toBe(text);
  });

  test("HAProxy 2.6 accepts the composite config without warnings", () => {
    expectValidHaproxy(text);
  });

  test("HAProxy rejects a broken config, so the check can fail", () => {
    const broken = text.replace("balance leastconn", "balance sometimes");
    const result = haproxyCheck(broken);
    expect(result.status).not.toBe(0);
    expect(result.output).toContain("balance only supports");
  });
});

describe("quoteArg", () => {
  test.each([
    ["plain", "plain"],
    ["+OK", "+OK"],
    ["* OK", '"* OK"'],
    ["QUIT\\r\\n", '"QUIT\\r\\n"'],
    ['say "hi"', '"say \\"hi\\""'],
    ["$HOME", "$HOME"],
    ["a $HOME", '"a \\$HOME"'],
    ["a#b", '"a#b"'],
  ])("%j -> %j", (word, quoted) => {
    expect(quoteArg(word)).toBe(quoted);
  });
});
