/**
 * The HTTPS VIP's idle timeouts: above ActiveSync's longest heartbeat by
 * default on every version, set on the VIP only where the profile's are
 * shorter, and said plainly (a note, a warning) when a user sets them below it.
 */
import { Duration } from "../core/duration";
import { sectionOf } from "../exchange/citation";
import { ACTIVESYNC_MAX_HEARTBEAT } from "../exchange/common-defaults";
import { CasHttpsVipProps } from "./cas-https-props";
import { VipDefaults } from "./vip-host";

/** The idle timeouts the VIP really has, and whether they let ActiveSync's longest heartbeat through. */
export function httpsIdleTimeouts(
  defaults: VipDefaults,
  props: CasHttpsVipProps,
): { client: Duration; server: Duration; belowHeartbeat: boolean } {
  const idle = defaults.profile.web.idleTimeout.value;
  const client = props.timeouts?.client ?? idle;
  const server = props.timeouts?.server ?? idle;
  const belowHeartbeat = [client, server].some(
    (d) => d.toMilliseconds() <= ACTIVESYNC_MAX_HEARTBEAT.toMilliseconds(),
  );
  return { client, server, belowHeartbeat };
}

export function idleNote(defaults: VipDefaults, props: CasHttpsVipProps): string {
  const { client, server, belowHeartbeat } = httpsIdleTimeouts(defaults, props);
  const values =
    client.toMilliseconds() === server.toMilliseconds()
      ? client.toHuman()
      : `client ${client.toHuman()}, server ${server.toHuman()}`;
  const source = sectionOf(defaults.profile.web.idleTimeout.source);
  return belowHeartbeat
    ? `idle timeouts ${values}: at or below ActiveSync's 3540 s heartbeat, so phones shorten theirs [${source}]`
    : `idle timeouts ${values}, above ActiveSync's 3540 s heartbeat [${source}]`;
}

export function longerThanProfile(defaults: VipDefaults, idle: Duration): boolean {
  const { clientTimeout, serverTimeout } = defaults.profile;
  return [clientTimeout, serverTimeout].some(
    (timeout) => timeout.value.toMilliseconds() < idle.toMilliseconds(),
  );
}
