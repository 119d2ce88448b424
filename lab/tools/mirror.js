// The boot lab's package mirror stand-in: Debian's mirror as the instances' apt sees it,
// with nothing leaving the machine while they boot.
//   node mirror.js record DIR PORT      an HTTP proxy on 127.0.0.1:PORT for apt in a chroot of
//                                       the image: fetches from Debian's mirror, keeps a copy
//   node mirror.js replay DIR ADDRESS   serves the copies on ADDRESS:80 by host and path
//                                       (the lab's DNS points deb.debian.org there); 404 else
// Files are kept as Debian serves them (signed InRelease, by-hash indices, .debs), so the
// instance's apt verifies them with the Debian archive keys it ships with.
"use strict";
const http = require("node:http");
const {
  createWriteStream,
  existsSync,
  mkdirSync,
  readFileSync,
  renameSync,
  statSync,
} = require("node:fs");
const { dirname, join, normalize } = require("node:path");

const [mode, dir, where] = process.argv.slice(2);
const MAX_MS = 30 * 60 * 1000;

function storePath(host, pathname) {
  const path = normalize(`/${host}${decodeURIComponent(pathname)}`);
  if (path.includes("..")) throw new Error(`refused path ${pathname}`);
  return join(dir, "files", path);
}

function record(req, res) {
  const url = new URL(req.url);
  const file = storePath(url.host, url.pathname);
  const upstream = http.get(
    url,
    { headers: { "User-Agent": req.headers["user-agent"] || "apt" } },
    (up) => {
      res.writeHead(up.statusCode, up.headers);
      if (up.statusCode !== 200) return up.pipe(res);
      mkdirSync(dirname(file), { recursive: true });
      const part = `${file}.part-${process.pid}`;
      const copy = createWriteStream(part);
      up.on("data", (chunk) => copy.write(chunk));
      up.on("end", () => copy.end(() => renameSync(part, file)));
      up.pipe(res);
    },
  );
  upstream.on("error", (e) => res.writeHead(502).end(String(e)));
}

function replay(req, res) {
  const host = String(req.headers.host || "").replace(/:\d+$/, "");
  let file;
  try {
    file = storePath(host, new URL(req.url, "http://x").pathname);
  } catch {
    return res.writeHead(400).end();
  }
  if (!existsSync(file) || !statSync(file).isFile()) {
    console.log(`404 ${host}${req.url}`);
    return res.writeHead(404).end("Not Found");
  }
  console.log(`200 ${host}${req.url}`);
  res.writeHead(200, { "Content-Length": statSync(file).size });
  if (req.method === "HEAD") return res.end();
  return res.end(readFileSync(file));
}

const server = http.createServer(mode === "record" ? record : replay);
if (mode === "record") server.listen(Number(where), "127.0.0.1");
else server.listen(80, where);
setTimeout(() => process.exit(0), MAX_MS).unref();
