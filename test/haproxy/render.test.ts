import { Duration } from "../../lib/core/duration";
import { HaproxyConfig } from "../../lib/haproxy/model";
import { renderHaproxyConfig } from "../../lib/haproxy/render";
import { conditionText, quoteArg } from "../../lib/haproxy/words";
import { sectionOf } from "../support/synth";
import { DEBIAN_RELEASES } from "../support/debian-releases";
import { expectValidHaproxy, haproxyCheck } from "../support/tools";

const base: HaproxyConfig = {
  global: {
    maxconn: 5000,
    adminSocket: "/run/haproxy/admin.sock",
    hardStopAfter: Duration.hours(1),
  },
  defaults: {
    mode: "tcp",
    retries: 3,
    redispatch: true,
    timeouts: {
      connect: Duration.seconds(4),
      client: Duration.hours(1),
      server: Duration.hours(1),
      check: Duration.seconds(4),
    },
    serverDefaults: {
      inter: Duration.seconds(1),
      fastinter: Duration.millis(250),
      rise: 2,
      fall: 3,
    },
    serverKeepalive: { idle: Duration.seconds(60), interval: Duration.seconds(10), count: 3 },
  },
  groups: [],
};

/** One proxy group of every shape the library emits. */
const composite: HaproxyConfig = {
  ...base,
  header: ["composite"],
  groups: [
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
          httpRequestRules: [{ kind: "redirect-scheme", scheme: "https", code: 301 }],
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
            sni: "mail.example.com",
            expect: { status: 200 },
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
          timeouts: { client: Duration.minutes(10) },
          defaultBackend: "Imap",
        },
      ],
      backends: [
        {
          name: "Imap",
          mode: "tcp",
          balance: "leastconn",
          stickTable: {
            type: "ip",
            size: "100k",
            expire: Duration.hours(1),
            key: { kind: "source" },
          },
          timeouts: { server: Duration.minutes(10), connect: Duration.seconds(2) },
          serverDefaults: {
            inter: Duration.seconds(2),
            rise: 1,
            fall: 1,
            shutdownSessionsOnDown: true,
          },
          healthCheck: {
            kind: "tcp",
            steps: [
              { connect: { port: 143 } },
              { expectString: "* OK" },
              { send: "A1 LOGOUT\r\n" },
            ],
          },
          servers: [{ name: "CAS1", address: "10.0.0.20", weight: 256 }],
        },
        {
          name: "Pops",
          mode: "tcp",
          balance: "roundrobin",
          healthCheck: {
            kind: "tcp",
            steps: [{ connect: { port: 995, tls: true } }, { expectString: "+OK" }],
          },
          servers: [{ name: "CAS1", address: "10.0.0.20", weight: 100 }],
        },
      ],
    },
  ],
};

describe("renderHaproxyConfig", () => {
  const text = renderHaproxyConfig(composite);

  test("prints the global and defaults sections from the model", () => {
    expect(sectionOf(text, "global")).toContain("    maxconn 5000\n    hard-stop-after 1h");
    expect(sectionOf(text, "global")).toContain(
      "    stats socket /run/haproxy/admin.sock mode 660 level admin expose-fd listeners\n",
    );
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
        "    timeout check 4s",
        "    option srvtcpka",
        "    srvtcpka-idle 1m",
        "    srvtcpka-intvl 10s",
        "    srvtcpka-cnt 3",
        "    default-server inter 1s fastinter 250ms rise 2 fall 3",
      ].join("\n"),
    );
  });

  test("a source address in the defaults section: where connections to the servers leave from", () => {
    const withSource = renderHaproxyConfig({
      ...base,
      defaults: { ...base.defaults, source: '"${EXCHANGE_LB_SOURCE-0.0.0.0}"' },
    });
    expect(sectionOf(withSource, "defaults")).toContain(
      '\n    retries 3\n    source "${EXCHANGE_LB_SOURCE-0.0.0.0}"\n',
    );
    expectValidHaproxy(withSource);
  });

  test("an HTTPS GET check: httpchk lines, check-ssl and check-sni on the check port", () => {
    expect(sectionOf(text, "backend Web")).toBe(
      [
        "backend Web",
        "    mode tcp",
        "    balance roundrobin",
        "    option httpchk",
        "    http-check send meth GET uri /owa/healthcheck.htm ver HTTP/1.1 hdr Host mail.example.com",
        "    http-check expect status 200",
        "    server CAS1 10.0.0.20 weight 100 check port 443 check-ssl check-sni mail.example.com verify none",
        "    server CAS2 10.0.0.21:443 weight 0 check port 443 check-ssl check-sni mail.example.com verify none",
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

  test("a TCP check over TLS connects with ssl, the server line not verifying", () => {
    expect(sectionOf(text, "backend Pops")).toBe(
      [
        "backend Pops",
        "    mode tcp",
        "    balance roundrobin",
        "    option tcp-check",
        "    tcp-check connect port 995 ssl",
        "    tcp-check expect string +OK",
        "    server CAS1 10.0.0.20 weight 100 check verify none",
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

  test("group comments precede their sections; output ends with one newline", () => {
    expect(text.startsWith("# composite\n\nglobal\n")).toBe(true);
    expect(text).toContain("# web\nfrontend Web\n");
    expect(text.endsWith("\n")).toBe(true);
    expect(text.endsWith("\n\n")).toBe(false);
  });

  test("is deterministic", () => {
    expect(renderHaproxyConfig(composite)).toBe(text);
  });

  test("every supported HAProxy accepts the composite config without warnings", () => {
    expectValidHaproxy(text);
  });

  test.each(DEBIAN_RELEASES)(
    "$name's HAProxy rejects a broken config, so the check can fail",
    (release) => {
      const broken = text.replace("balance leastconn", "balance sometimes");
      const result = haproxyCheck(release, broken);
      expect(result.status).not.toBe(0);
      expect(result.output).toContain("balance only supports");
      expect(result.problems).not.toEqual([]);
    },
  );
});

describe("quoteArg", () => {
  test.each([
    ["plain", "plain"],
    ["+OK", "+OK"],
    ["* OK", '"* OK"'],
    // Real CR and LF become HAProxy's escapes inside double quotes.
    ["QUIT\r\n", '"QUIT\\r\\n"'],
    ["line\n", '"line\\n"'],
    ["\r", '"\\r"'],
    // A backslash is escaped, so backslash-r text stays text, not a CR.
    ["a\\b", '"a\\\\b"'],
    ["QUIT\\r\\n", '"QUIT\\\\r\\\\n"'],
    ['say "hi"', '"say \\"hi\\""'],
    ["it's", '"it\'s"'],
    ["$HOME", "$HOME"],
    ["a $HOME", '"a \\$HOME"'],
    ["a#b", '"a#b"'],
  ])("%j -> %j", (word, quoted) => {
    expect(quoteArg(word)).toBe(quoted);
  });
});

describe("conditionText", () => {
  test("a path, a prefix, and any of them joined by ||", () => {
    expect(conditionText({ kind: "path", values: ["/"], ignoreCase: false })).toBe("{ path / }");
    expect(
      conditionText({ kind: "path-prefix", values: ["/owa/", "/ecp/"], ignoreCase: true }),
    ).toBe("{ path_beg -i /owa/ /ecp/ }");
    expect(
      conditionText({
        kind: "any",
        of: [
          { kind: "path", values: ["/owa", "/ecp"], ignoreCase: true },
          { kind: "path-prefix", values: ["/owa/", "/ecp/"], ignoreCase: true },
        ],
      }),
    ).toBe("{ path -i /owa /ecp } || { path_beg -i /owa/ /ecp/ }");
  });
});

/** Redirect-location and deny rules, an `any` route and a header-keyed stick table. */
const typed: HaproxyConfig = {
  ...base,
  groups: [
    {
      frontends: [
        {
          name: "Mail",
          mode: "http",
          binds: [{ address: "10.0.0.10", port: 80 }],
          timeouts: { httpRequest: Duration.millis(1500) },
          httpRequestRules: [
            {
              kind: "redirect-location",
              location: "/owa/",
              code: 302,
              when: { kind: "path", values: ["/"], ignoreCase: false },
            },
            {
              kind: "deny",
              status: 404,
              unless: {
                kind: "any",
                of: [
                  {
                    kind: "path",
                    values: ["/owa", "/Microsoft-Server-ActiveSync"],
                    ignoreCase: true,
                  },
                  {
                    kind: "path-prefix",
                    values: ["/owa/", "/Microsoft-Server-ActiveSync/"],
                    ignoreCase: true,
                  },
                ],
              },
            },
          ],
          routes: [
            {
              backend: "Mail-eas",
              when: {
                kind: "any",
                of: [
                  { kind: "path", values: ["/Microsoft-Server-ActiveSync"], ignoreCase: true },
                  {
                    kind: "path-prefix",
                    values: ["/Microsoft-Server-ActiveSync/"],
                    ignoreCase: true,
                  },
                ],
              },
            },
          ],
          defaultBackend: "Mail-owa",
        },
      ],
      backends: [
        {
          name: "Mail-owa",
          mode: "http",
          balance: "roundrobin",
          servers: [{ name: "CAS1", address: "10.0.0.20", port: 80, weight: 100 }],
        },
        {
          name: "Mail-eas",
          mode: "http",
          balance: "roundrobin",
          stickTable: {
            type: "string",
            len: 200,
            size: "100k",
            expire: Duration.minutes(30),
            key: { kind: "url-param", name: "DeviceId" },
          },
          servers: [{ name: "CAS1", address: "10.0.0.20", port: 80, weight: 100 }],
        },
      ],
    },
  ],
};

describe("typed rules, conditions and stick keys", () => {
  const text = renderHaproxyConfig(typed);

  test("redirect-location and deny rules, and an any route, print their conditions", () => {
    expect(sectionOf(text, "frontend Mail")).toBe(
      [
        "frontend Mail",
        "    mode http",
        "    option httplog",
        "    bind 10.0.0.10:80",
        "    timeout http-request 1500ms",
        "    http-request redirect location /owa/ code 302 if { path / }",
        "    http-request deny deny_status 404 unless { path -i /owa /Microsoft-Server-ActiveSync } || { path_beg -i /owa/ /Microsoft-Server-ActiveSync/ }",
        "    use_backend Mail-eas if { path -i /Microsoft-Server-ActiveSync } || { path_beg -i /Microsoft-Server-ActiveSync/ }",
        "    default_backend Mail-owa",
      ].join("\n"),
    );
  });

  test("a url-param stick key sticks on url_param(<name>)", () => {
    expect(sectionOf(text, "backend Mail-eas")).toBe(
      [
        "backend Mail-eas",
        "    mode http",
        "    balance roundrobin",
        "    stick-table type string len 200 size 100k expire 30m",
        "    stick on url_param(DeviceId)",
        "    server CAS1 10.0.0.20:80 weight 100",
      ].join("\n"),
    );
  });

  test("every supported HAProxy accepts it without warnings", () => {
    expectValidHaproxy(text);
  });
});
