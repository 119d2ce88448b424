/**
 * What the alarms and the dashboard watch, from the HAProxy model the nodes run: each VIP's
 * backends and the real servers in each (not their source lines), by the names the metrics carry.
 */
import { MonitoredVip } from "../monitoring/monitored";
import { haproxyConfigOf } from "./haproxy-config";
import { LoadBalancerModel } from "./model";

export function monitoredVipsOf(lb: LoadBalancerModel): MonitoredVip[] {
  const groups = haproxyConfigOf(lb).groups;
  return lb.vips
    .map((vip, i) => ({
      name: vip.name,
      address: vip.address,
      backends: groups[i].backends.map((backend) => ({
        name: backend.name,
        // A source line's metrics count towards its server (the metrics program folds them).
        servers: backend.servers.filter((server) => !server.track).map((server) => server.name),
      })),
    }))
    .filter((vip) => vip.backends.length > 0);
}
