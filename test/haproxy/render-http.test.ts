/**
 * The HTTP-mode parts of the model (TLS termination, path routing, cookie and
 * header persistence, connection reuse, buffer size) render as HAProxy 2.6 and 3.0
 * expects: exact lines, and each release's real `haproxy -c` with a real certificate.
 */
import { Duration } from "../../lib/core/duration";
import { Condition, HaproxyConfig } from "../../lib/haproxy/model";
import { renderHaproxyConfig } from "../../lib/haproxy/render";
import { EXCHANGE_ALPN, INTERMEDIATE_TLS } from "../../lib/haproxy/tls";
import { sectionOf } from "../support/synth";
import { certificateBundle, expectValidHaproxy, withTempDir } from "../support/tools";

const CERT = "/etc/haproxy/certs/exchange.pem";

/** A request for the application's path, or anything under it (case-insensitive). */
function pathOrUnder(path: string): Condition {
  return {
    kind: "any",
    of: [
      { kind: "path", values: [path], ignoreCase: true },
      { kind: "path-prefix", values: [`${path}/`], ignoreCase: true },
    ],
  };
}

const config: HaproxyConfig = {
  global: {
    maxconn: 5000,
    adminSocket: "/run/haproxy/admin.sock",
    bufsize: 73728,
    tls: INTERMEDIATE_TLS,
  },
  defaults: {
    mode: "tcp",
    retries: 3,
    redispatch: true,
    timeouts: {
      connect: Duration.seconds(4),
      client: Duration.minutes(30),
      server: Duration.minutes(30),
    },
    serverDefaults: { inter: Duration.seconds(1), rise: 2, fall: 3 },
  },
  groups: [
    {
      frontends: [
        {
          name: "Web",
          mode: "http",
          binds: [
            { address: "10.0.0.10", port: 443, ssl: { certificate: CERT, alpn: EXCHANGE_ALPN } },
          ],
          timeouts: { client: Duration.hours(1), httpKeepAlive: Duration.minutes(2) },
          httpRequestRules: [
            {
              kind: "redirect-location",
              location: "/owa/",
              code: 302,
              when: { kind: "path", values: ["/"], ignoreCase: false },
            },
          ],
          routes: [
            { backend: "Web-owa", when: pathOrUnder("/owa") },
            { backend: "Web-eas", when: pathOrUnder("/Microsoft-Server-ActiveSync") },
          ],
          forwardFor: true,
        },
      ],
      backends: [
        {
          name: "Web-owa",
          mode: "http",
          balance: "roundrobin",
          cookie: { name: "EXCHANGELB", secure: true, httpOnly: true },
          httpReuse: "never",
          servers: [
            {
              name: "CAS1",
              address: "10.0.0.20",
              port: 443,
              weight: 100,
              ssl: { sni: "mail.example.com" },
              cookie: "CAS1",
            },
          ],
        },
        {
          name: "Web-eas",
          mode: "http",
          balance: "roundrobin",
          stickTable: {
            type: "string",
            len: 200,
            size: "100k",
            expire: Duration.hours(1),
            key: { kind: "url-param", name: "DeviceId" },
          },
          httpReuse: "never",
          servers: [{ name: "CAS1", address: "10.0.0.20", port: 80, weight: 100 }],
        },
      ],
    },
  ],
};

test("renders TLS defaults, TLS binds, routes, persistence and reuse", () => {
  const text = renderHaproxyConfig(config);
  expect(sectionOf(text, "global")).toContain(
    [
      "    tune.bufsize 73728",
      "    # TLS: Mozilla Server Side TLS 5.7 intermediate (TLS 1.2+, forward-secret AEAD ciphers)",
      "    ssl-default-bind-options ssl-min-ver TLSv1.2 no-tls-tickets",
    ].join("\n"),
  );
  expect(sectionOf(text, "frontend Web")).toBe(
    [
      "frontend Web",
      "    mode http",
      "    option httplog",
      "    option forwardfor",
      `    bind 10.0.0.10:443 ssl crt ${CERT} alpn http/1.1`,
      "    timeout client 1h",
      "    timeout http-keep-alive 2m",
      "    http-request redirect location /owa/ code 302 if { path / }",
      "    use_backend Web-owa if { path -i /owa } || { path_beg -i /owa/ }",
      "    use_backend Web-eas if { path -i /Microsoft-Server-ActiveSync } || { path_beg -i /Microsoft-Server-ActiveSync/ }",
    ].join("\n"),
  );
  expect(sectionOf(text, "backend Web-owa")).toContain(
    "    cookie EXCHANGELB insert indirect nocache secure httponly\n    http-reuse never\n",
  );
  expect(text).toContain(
    "server CAS1 10.0.0.20:443 weight 100 ssl verify none sni str(mail.example.com) cookie CAS1",
  );
  expect(sectionOf(text, "backend Web-eas")).toContain(
    "    stick-table type string len 200 size 100k expire 1h\n    stick on url_param(DeviceId)\n",
  );
});

test("every supported HAProxy accepts it with a real certificate bundle", () => {
  withTempDir((dir) => {
    expectValidHaproxy(renderHaproxyConfig(config).split(CERT).join(certificateBundle(dir)));
  });
});
