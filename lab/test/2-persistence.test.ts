/**
 * Scenario 2 (Exchange 2010): source-IP persistence keeps a client on one CAS
 * for 80 and 443, and for 135 and both static RPC ports; another client
 * address can land elsewhere.
 */
import { HOSTS } from "../topology";
import { connect, report, runStack, tally } from "./support";
import { lab2010 } from "../stacks";

/** The ordinary client's source addresses. */
const CLIENTS = HOSTS.client.addresses;

beforeAll(async () => {
  await runStack(lab2010);
});

function serversOf(
  from: string,
  ports: { port: number; tls?: boolean; http?: string }[],
): Record<string, number> {
  return tally(
    ports.flatMap(({ port, ...options }) =>
      connect("client", port, 10, { from: [from], ...options }),
    ),
  );
}

test("one client reaches the same CAS on 80 and 443; others can land elsewhere", () => {
  const web = [
    { port: 80, http: "/owa/" },
    { port: 443, tls: true, http: "/owa/" },
  ];
  const perClient = CLIENTS.map((from) => serversOf(from, web));
  report("persistence web (20 connections per client)", perClient);
  for (const counts of perClient) {
    expect(Object.values(counts)).toEqual([20]);
  }
  const landed = new Set(perClient.map((counts) => Object.keys(counts)[0]));
  expect([...landed].sort()).toEqual(["CAS1", "CAS2"]);
});

test("one client reaches the same CAS on 135, 60200 and 60201; others can land elsewhere", () => {
  const rpc = [{ port: 135 }, { port: 60200 }, { port: 60201 }];
  const perClient = CLIENTS.map((from) => serversOf(from, rpc));
  report("persistence rpc (30 connections per client)", perClient);
  for (const counts of perClient) {
    expect(Object.values(counts)).toEqual([30]);
  }
  const landed = new Set(perClient.map((counts) => Object.keys(counts)[0]));
  expect([...landed].sort()).toEqual(["CAS1", "CAS2"]);
});
