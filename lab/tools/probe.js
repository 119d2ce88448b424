// A lab client, run inside a namespace with `ip netns exec`. Plain JavaScript
// so that starting it costs one node process, not a TypeScript compile.
//
//   node probe.js '{"mode":"banner","host":..,"port":..,"count":N,"from":[addr..],"tls":bool,"http":"/path"}'
//     N new connections in turn (source addresses rotate); prints a JSON array
//     of { from, server, first, error } where server comes from the banner or
//     the X-Exchange-Server header.
//   node probe.js '{"mode":"hold","host":..,"port":..,"from":addr,"probeAfterMs":[..],"maxMs":..}'
//     one connection held open; prints JSON lines: open, probe results, closed.
//   node probe.js '{"mode":"rate","host":..,"port":..,"ms":..,"parallel":P,"tls":bool}'
//     new connections opened and closed as fast as possible for ms; prints counts.
//   node probe.js '{"mode":"timeline","host":..,"port":..,"ms":..,"everyMs":..,"timeoutMs":..,"untilFile":..}'
//     a new connection every everyMs for ms (or until untilFile exists); prints each
//     attempt's start time and outcome.
//   node probe.js '{"mode":"hold-many","host":..,"port":..,"count":N,"holdMs":..,"greeting":bool,"tls":bool,"batch":B,"holdFile":..}'
//     opens N connections (B at a time), counts those established (with greeting: greeted by a
//     real server, per server; tls: handshake done), writes that count to holdFile, holds, closes.
"use strict";
const fs = require("node:fs");
const net = require("node:net");
const tls = require("node:tls");

const args = JSON.parse(process.argv[2]);

function open(host, port, from, useTls) {
  const options = { host, port, localAddress: from };
  return useTls
    ? tls.connect({ ...options, rejectUnauthorized: false, servername: "mail.lab.test" })
    : net.connect(options);
}

function once(host, port, from, useTls, httpPath, timeoutMs) {
  return new Promise((resolve) => {
    const socket = open(host, port, from, useTls);
    let data = "";
    const done = (result) => {
      clearTimeout(timer);
      socket.destroy();
      resolve({ from, ...result });
    };
    const timer = setTimeout(() => done({ error: "timeout" }), timeoutMs);
    socket.on(useTls ? "secureConnect" : "connect", () => {
      if (httpPath)
        socket.write(
          `GET ${httpPath} HTTP/1.1\r\nHost: mail.lab.test\r\nConnection: close\r\n\r\n`,
        );
    });
    socket.on("data", (chunk) => {
      data += chunk.toString("latin1");
      if (httpPath) {
        const head = data.indexOf("\r\n\r\n");
        if (head < 0) return;
        const header = /^x-exchange-server:\s*(\S+)/im.exec(data.slice(0, head));
        const status = Number(data.split(" ")[1]);
        const location = /^location:\s*(\S+)/im.exec(data.slice(0, head));
        done({
          server: header ? header[1] : null,
          status,
          location: location ? location[1] : null,
          first: data.split("\r\n")[0],
        });
      } else if (data.includes("\n")) {
        const first = data.split(/\r?\n/)[0];
        const server = /\b(CAS\d|HT\d)\b/.exec(first);
        done({ server: server ? server[1] : null, first });
      }
    });
    socket.on("error", (e) => done({ error: e.code || e.message }));
    socket.on("close", () => done({ error: data ? "closed" : "closed-before-data" }));
  });
}

async function banner() {
  const results = [];
  const from = args.from && args.from.length ? args.from : [undefined];
  for (let i = 0; i < args.count; i++) {
    results.push(
      await once(
        args.host,
        args.port,
        from[i % from.length],
        args.tls,
        args.http,
        args.timeoutMs || 3000,
      ),
    );
  }
  process.stdout.write(JSON.stringify(results));
}

function hold() {
  const start = Date.now();
  const t = () => Date.now() - start;
  const say = (o) => process.stdout.write(JSON.stringify({ t: t(), ...o }) + "\n");
  const socket = open(args.host, args.port, args.from, args.tls);
  let first = null;
  socket.on("data", (chunk) => {
    const text = chunk.toString("latin1").trim();
    if (first === null) {
      first = text;
      say({ event: "open", first });
    } else say({ event: "data", text });
  });
  for (const ms of args.probeAfterMs || []) {
    setTimeout(() => {
      if (!socket.destroyed) socket.write(args.probe || "\r\n");
    }, ms);
  }
  socket.on("error", (e) => say({ event: "error", error: e.code }));
  socket.on("close", () => {
    say({ event: "closed" });
    process.exit(0);
  });
  setTimeout(() => {
    say({ event: "gave-up" });
    process.exit(0);
  }, args.maxMs || 60000);
}

async function rate() {
  let ok = 0;
  let failed = 0;
  const end = Date.now() + args.ms;
  const worker = async () => {
    while (Date.now() < end) {
      await new Promise((resolve) => {
        // With tls, a connection counts once the real server completed a TLS handshake.
        const s = open(args.host, args.port, undefined, args.tls);
        s.on(args.tls ? "secureConnect" : "connect", () => {
          ok++;
          s.destroy();
          resolve();
        });
        s.on("error", () => {
          failed++;
          resolve();
        });
      });
    }
  };
  await Promise.all(Array.from({ length: args.parallel || 16 }, worker));
  process.stdout.write(JSON.stringify({ ok, failed, ms: args.ms }));
}

// New connections at a fixed cadence for ms, each given timeoutMs to show the
// server's greeting: when the service stopped and resumed during a failover.
async function timeline() {
  const start = Date.now();
  const from = args.from && args.from.length ? args.from : [undefined];
  const attempts = [];
  for (let i = 0; start + i * args.everyMs < start + args.ms; i++) {
    const due = start + i * args.everyMs;
    await new Promise((r) => setTimeout(r, Math.max(0, due - Date.now())));
    if (args.untilFile && fs.existsSync(args.untilFile)) break;
    const t = Date.now() - start;
    attempts.push(
      once(args.host, args.port, from[i % from.length], args.tls, args.http, args.timeoutMs).then(
        (r) => ({ t, ok: !r.error && !!r.server, server: r.server, from: r.from, error: r.error }),
      ),
    );
  }
  process.stdout.write(JSON.stringify(await Promise.all(attempts)));
}

async function holdMany() {
  const sockets = [];
  let established = 0;
  let failed = 0;
  // With "greeting": a connection counts once the server's first line names it (CAS1...),
  // one HAProxy passed to a real server; one closed before that failed. With "tls": once its
  // handshake ended. Opened "batch" at a time (all at once by default).
  const servers = {};
  const openOne = (i) =>
    new Promise((resolve) => {
      const s = open(
        args.host,
        args.port,
        args.from ? args.from[i % args.from.length] : undefined,
        args.tls,
      );
      sockets.push(s);
      let data = "";
      let settled = false;
      const settle = (ok) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (ok) established++;
        else failed++;
        resolve();
      };
      const timer = setTimeout(() => settle(false), args.connectTimeoutMs || 5000);
      s.on(args.tls ? "secureConnect" : "connect", () => {
        if (!args.greeting) settle(true);
      });
      s.on("data", (chunk) => {
        data += chunk.toString("latin1");
        if (!args.greeting || settled || !data.includes("\n")) return;
        const server = /\b(CAS\d|HT\d)\b/.exec(data.split(/\r?\n/)[0]);
        const name = server ? server[1] : "unknown";
        servers[name] = (servers[name] || 0) + 1;
        settle(true);
      });
      s.on("error", () => settle(false));
      s.on("close", () => settle(false));
    });
  const batch = args.batch || args.count;
  for (let first = 0; first < args.count; first += batch) {
    const last = Math.min(args.count, first + batch);
    await Promise.all(Array.from({ length: last - first }, (_, k) => openOne(first + k)));
  }
  if (args.holdFile) fs.writeFileSync(args.holdFile, String(established));
  await new Promise((r) => setTimeout(r, args.holdMs || 1000));
  let stillOpen = sockets.filter((s) => !s.destroyed && s.readyState === "open").length;
  for (const s of sockets) s.destroy();
  process.stdout.write(
    JSON.stringify({ requested: args.count, established, failed, stillOpen, servers }),
  );
}

Promise.resolve()
  .then(() => ({ banner, hold, rate, timeline, "hold-many": holdMany })[args.mode]())
  .catch((e) => {
    process.stderr.write(String(e.stack || e));
    process.exit(1);
  });
