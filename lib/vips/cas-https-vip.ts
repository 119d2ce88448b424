import { ExchangeWebService } from "../exchange/web-services";
import { Annotations } from "../framework";
import { TlsCertificate } from "../tls/tls-certificate";
import { casHttpsKind } from "./cas-https-kind";
import { httpsIdleTimeouts } from "./https-timeouts";
import { CasHttpsVipProps, CasTlsMode } from "./cas-https-props";
import { ExchangeVip, vipPath } from "./vip";
import { VipHost } from "./vip-host";

/**
 * The Client Access HTTPS services: OWA, ECP, EWS, ActiveSync, Outlook Anywhere,
 * MAPI, OAB, Autodiscover (001 §11 VIP1 "CAS-WEB", 004 §11 VIP1 "CAS-HTTPS").
 * TLS passes through to Exchange (TCP mode), or, with `tls: "bridge"` or
 * `"offload"`, is terminated so each virtual directory gets its own backend and
 * health check [002 §5.1; 003 §3.2.2].
 */
export class CasHttpsVip extends ExchangeVip {
  public readonly tls: CasTlsMode;
  public readonly certificate?: TlsCertificate;
  /** Published services, in the order routed; empty for passthrough. */
  public readonly services: readonly ExchangeWebService[];

  constructor(lb: VipHost, id: string, props: CasHttpsVipProps = {}) {
    super(lb, id, props, casHttpsKind(vipPath(lb, id), lb.vipDefaults, props));
    this.tls = props.tls ?? "passthrough";
    this.certificate = props.certificate;
    this.services = this.description.terminatedTls?.services.map((s) => s.service) ?? [];
    if (httpsIdleTimeouts(lb.vipDefaults, props).belowHeartbeat) {
      Annotations.of(this).addWarning(
        "timeouts.client or timeouts.server is at or below ActiveSync's longest heartbeat (3540 s): phones " +
          "shorten their heartbeat (battery, traffic, Event 1040 on Exchange); leave them unset (1 h) or set more than 59 min",
      );
    }
    if (this.tls === "offload") {
      Annotations.of(this).addWarning(
        "TLS offload breaks Extended Protection, which current Exchange enables by default, and needs Exchange's " +
          "SSL offloading settings on every virtual directory; tls: 'bridge' keeps Extended Protection working",
      );
    }
  }
}
