// The boot lab's instance metadata service (IMDSv2 only, as the stack's
// `http_tokens = "required"` asks): one process on 169.254.169.254:80 in the lab's VPC
// namespace serves every VM, each by the source address of its requests (its primary
// private address, which the lab's DHCP reserves for its MAC, as a VPC does).
//   node imds.js CONFIG.json      (written by lab/vm/imds.ts; stops by itself after maxMs)
// CONFIG.changes: the AWS stand-in's changes file (one JSON line per change), followed.
// Behaves like EC2's, including refusals: no token -> 401; a token of another instance or
// an expired one -> 401; a token PUT without a TTL, or with X-Forwarded-For -> 400/403.
"use strict";
const http = require("node:http");
const { randomBytes } = require("node:crypto");
const { existsSync, readFileSync, watchFile } = require("node:fs");

const config = JSON.parse(readFileSync(process.argv[2], "utf8"));
const nodes = new Map(config.nodes.map((n) => [n.localIpv4s[0], n]));
/** token -> { address, expires } */
const tokens = new Map();
const VERSIONS = ["1.0", "2009-04-04", "2016-09-02", "2021-03-23", "latest"];

function tree(n) {
  const mac = n.mac;
  const iface = {
    "device-number": "0",
    "interface-id": n.eniId,
    "local-hostname": n.hostname,
    "local-ipv4s": n.localIpv4s.join("\n"),
    mac,
    "owner-id": n.accountId,
    "security-group-ids": n.securityGroupIds.join("\n"),
    "security-groups": n.securityGroupIds.join("\n"),
    "subnet-id": n.subnetId,
    "subnet-ipv4-cidr-block": n.subnetCidr,
    "vpc-id": n.vpcId,
    "vpc-ipv4-cidr-block": n.vpcCidr,
    "vpc-ipv4-cidr-blocks": n.vpcCidr,
  };
  // Public address -> private address; EC2 lists the directory only while one is associated.
  const associations = n.ipv4Associations || {};
  if (Object.keys(associations).length > 0) iface["ipv4-associations"] = { ...associations };
  const meta = {
    "ami-id": n.amiId,
    "ami-launch-index": "0",
    "ami-manifest-path": "(unknown)",
    "block-device-mapping": { ami: "/dev/xvda", root: "/dev/xvda" },
    hostname: n.hostname,
    "instance-action": "none",
    "instance-id": n.instanceId,
    "instance-life-cycle": "on-demand",
    "instance-type": n.instanceType,
    "local-hostname": n.hostname,
    "local-ipv4": n.localIpv4s[0],
    mac,
    network: { interfaces: { macs: { [mac]: iface } } },
    placement: {
      "availability-zone": n.availabilityZone,
      "availability-zone-id": n.availabilityZoneId,
      region: n.region,
    },
    profile: "default-hvm",
    "reservation-id": n.reservationId,
    "security-groups": n.securityGroupIds.join("\n"),
    services: { domain: n.domain, partition: n.partition },
  };
  if (n.role) {
    meta.iam = {
      info: JSON.stringify({
        Code: "Success",
        LastUpdated: n.role.credentials.LastUpdated,
        InstanceProfileArn: n.role.instanceProfileArn,
        InstanceProfileId: n.role.instanceProfileId,
      }),
      "security-credentials": { [n.role.name]: JSON.stringify(credentials(n)) },
    };
  }
  return meta;
}

/** The role's temporary credentials, as IMDS serves them (the AWS stand-in issued them). */
function credentials(n) {
  return { Code: "Success", Type: "AWS-HMAC", ...n.role.credentials };
}

function identityDocument(n) {
  return JSON.stringify({
    accountId: n.accountId,
    architecture: "x86_64",
    availabilityZone: n.availabilityZone,
    imageId: n.amiId,
    instanceId: n.instanceId,
    instanceType: n.instanceType,
    pendingTime: n.pendingTime,
    privateIp: n.localIpv4s[0],
    region: n.region,
    version: "2017-09-30",
  });
}

/** A value, or a directory listing (children, sub-directories with a trailing slash). */
function lookup(root, path) {
  let at = root;
  for (const part of path.split("/").filter(Boolean)) {
    if (typeof at !== "object" || !(part in at)) return undefined;
    at = at[part];
  }
  if (typeof at === "string") return at;
  return Object.entries(at)
    .map(([k, v]) => (typeof v === "object" ? `${k}/` : k))
    .join("\n");
}

function answer(res, status, body, type = "text/plain") {
  res.writeHead(status, { "Content-Type": type, Server: "EC2ws" });
  res.end(body);
}

function serve(req, res) {
  const address = (req.socket.remoteAddress || "").replace(/^::ffff:/, "");
  const n = nodes.get(address);
  if (!n) return answer(res, 403, "Forbidden");
  const url = new URL(req.url, "http://169.254.169.254");
  if (req.method === "PUT" && url.pathname === "/latest/api/token") {
    if (req.headers["x-forwarded-for"]) return answer(res, 403, "Forbidden");
    const ttl = Number(req.headers["x-aws-ec2-metadata-token-ttl-seconds"]);
    if (!Number.isInteger(ttl) || ttl < 1 || ttl > 21600) return answer(res, 400, "Bad Request");
    const token = randomBytes(42).toString("base64");
    tokens.set(token, { address, expires: Date.now() + ttl * 1000 });
    res.setHeader("X-aws-ec2-metadata-token-ttl-seconds", String(ttl));
    return answer(res, 200, token);
  }
  if (req.method !== "GET" && req.method !== "HEAD") return answer(res, 405, "Method Not Allowed");
  const held = tokens.get(String(req.headers["x-aws-ec2-metadata-token"] || ""));
  if (!held || held.address !== address || held.expires < Date.now()) {
    return answer(res, 401, "Unauthorized");
  }
  const [, version, category, ...rest] = url.pathname.split("/");
  if (!version) return answer(res, 200, VERSIONS.join("\n"));
  if (!VERSIONS.includes(version)) return answer(res, 404, "Not Found");
  const item = rest.join("/");
  let body;
  if (category === "user-data" && !item) {
    if (!n.userDataBase64) return answer(res, 404, "Not Found");
    body = Buffer.from(n.userDataBase64, "base64");
    return answer(res, 200, body, "application/octet-stream");
  }
  if (category === "meta-data") body = lookup(tree(n), item);
  else if (category === "dynamic" && item === "instance-identity/document") {
    body = identityDocument(n);
  } else if (category === "dynamic") body = lookup({ "instance-identity": { document: "" } }, item);
  else if (!category)
    body = ["dynamic", "meta-data", ...(n.userDataBase64 ? ["user-data"] : [])].join("\n");
  if (body === undefined) return answer(res, 404, "Not Found");
  return answer(res, 200, body);
}

// EC2's metadata follows the AWS API: an address the stand-in assigned to another interface
// leaves this one's local-ipv4s, and an Elastic IP's association moves between their
// ipv4-associations (the failover program compares what it should hold with them).
let applied = 0;
function follow() {
  if (!config.changes || !existsSync(config.changes)) return;
  const lines = readFileSync(config.changes, "utf8").split("\n").filter(Boolean);
  for (const line of lines.slice(applied)) {
    const change = JSON.parse(line);
    if (change.kind === "elastic-ip") {
      for (const n of nodes.values()) {
        n.ipv4Associations = { ...n.ipv4Associations };
        delete n.ipv4Associations[change.publicIp];
        if (n.eniId === change.networkInterfaceId) {
          n.ipv4Associations[change.publicIp] = change.privateIp;
        }
      }
    }
    if (change.kind !== "private-ip") continue;
    for (const n of nodes.values()) {
      const held = n.localIpv4s.indexOf(change.address);
      if (held > 0) n.localIpv4s.splice(held, 1);
      if (n.eniId === change.networkInterfaceId) n.localIpv4s.push(change.address);
    }
  }
  applied = lines.length;
}
follow();
if (config.changes) watchFile(config.changes, { interval: 100 }, follow);

const server = http.createServer(serve);
server.listen(config.port || 80, config.listen || "169.254.169.254");
setTimeout(() => process.exit(0), config.maxMs || 4 * 3600 * 1000).unref();
