// A slow web server for the lab, run inside a server's namespace with
// `ip netns exec`: answers every request 200 after a delay, as a Client Access
// server whose app pool is recycling answers healthcheck.htm.
//
//   node slow-http.js PORT DELAY_MS LABEL
"use strict";
const http = require("node:http");

const [port, delayMs, label] = process.argv.slice(2);
http
  .createServer((request, response) => {
    // One line a request: the scenario counts the slow answers it served.
    process.stdout.write(`${Date.now()} ${request.url}\n`);
    setTimeout(() => {
      response.writeHead(200, { "content-type": "text/plain" });
      response.end(`${label} slow ${request.url}\n`);
    }, Number(delayMs));
  })
  .listen(Number(port), "127.0.0.1");
