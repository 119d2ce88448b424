// A stand-in for the EC2 instance metadata service (IMDSv2 only), run inside a
// lab load-balancer namespace on 169.254.169.254:80, so the failover script
// runs unchanged. Stops by itself after maxMs.
//   node fake-imds.js '{"eni":"eni-lab-lb","mac":"0a:..","region":"eu-west-2","localIpv4":"192.168.30.5","maxMs":..}'
// With "userData" (base64, as a launch template holds it), /latest/user-data serves its bytes;
// with "port", it listens there instead of 80 (the node redirects port 80 to it).
"use strict";
const http = require("node:http");

const args = JSON.parse(process.argv[2]);
const TOKEN = "lab-imds-token";
const metadata = {
  "instance-id": args.instanceId,
  mac: args.mac,
  [`network/interfaces/macs/${args.mac}/interface-id`]: args.eni,
  // The interface's private addresses, primary first, as EC2 has assigned them.
  [`network/interfaces/macs/${args.mac}/local-ipv4s`]: (args.localIpv4s || [args.localIpv4]).join(
    "\n",
  ),
  // The public addresses associated with the interface's private ones (an Elastic IP): 404 if none.
  ...(args.ipv4Associations
    ? {
        [`network/interfaces/macs/${args.mac}/ipv4-associations/`]: Object.keys(
          args.ipv4Associations,
        ).join("\n"),
      }
    : {}),
  "placement/region": args.region,
  "local-ipv4": args.localIpv4,
  // The partition's DNS suffix (amazonaws.com.cn in China).
  "services/domain": args.domain || "amazonaws.com",
};

const server = http.createServer((req, res) => {
  if (req.method === "PUT" && req.url === "/latest/api/token") {
    res.end(req.headers["x-aws-ec2-metadata-token-ttl-seconds"] ? TOKEN : "");
    return;
  }
  if (req.headers["x-aws-ec2-metadata-token"] !== TOKEN) {
    res.writeHead(401).end();
    return;
  }
  if (req.url === "/latest/user-data") {
    if (args.userData) res.end(Buffer.from(args.userData, "base64"));
    else res.writeHead(404).end();
    return;
  }
  const value = metadata[(req.url || "").replace("/latest/meta-data/", "")];
  if (value === undefined) res.writeHead(404).end();
  else res.end(value);
});
server.listen(args.port || 80, "169.254.169.254");
setTimeout(() => process.exit(0), args.maxMs || 4 * 3600 * 1000).unref();
