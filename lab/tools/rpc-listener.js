// A stand-in for an Exchange RPC port (135 or a static port): names the server
// on connect and keeps the connection open until the client closes it.
// Usage: node rpc-listener.js <server-name> <address> <port>
"use strict";
const net = require("node:net");
const [name, address, port] = process.argv.slice(2);
const server = net.createServer((socket) => {
  socket.on("error", () => {});
  socket.write(`${name} ${port}\r\n`);
});
server.listen({ host: address, port: Number(port) });
process.on("SIGTERM", () => process.exit(0));
