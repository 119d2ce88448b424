import { Annotations } from "../framework";
import type { ExchangeLoadBalancer } from "../load-balancer/exchange-load-balancer";
import { ExchangeVip, VipOptions, persistenceNote } from "./vip";

export interface SmtpVipProps extends VipOptions {
  /**
   * SMTP port.
   * @default 25 [001 §11 VIP4, 004 §11 VIP3]
   */
  readonly port?: number;
}

/**
 * Inbound SMTP (001 §11 VIP4 "HT-SMTP", 004 §11 VIP3 "CAS-SMTP"). HAProxy hides
 * the client address from the receive connector, so the lock-down moves to the
 * load balancer: `allowedSources` become the only security-group sources on the
 * SMTP port [001 appendix 2, 004 appendix 2].
 */
export class SmtpVip extends ExchangeVip {
  constructor(lb: ExchangeLoadBalancer, id: string, props: SmtpVipProps = {}) {
    const smtp = lb.profile.smtp;
    const port = props.port ?? smtp.port.value;
    const persistence = props.persistence ?? smtp.persistence.value;
    super(lb, id, props, {
      label: lb.profile.version === "2010" ? "HT-SMTP" : "CAS-SMTP",
      ports: [port],
      persistence,
      // Connect, expect the 220 banner, then QUIT so the server logs no aborted session.
      healthCheck: {
        kind: "tcp",
        steps: [{ connect: { port } }, { expectRegex: "^220[ -]" }, { send: "QUIT\\r\\n" }],
      },
      notes: [
        `SMTP ${port} [${smtp.port.source}]; ${persistenceNote(persistence, smtp.persistence)}`,
        "health check: 220 greeting [002 §5.4 CheckType smtp]",
        `allowed sources: ${sourceList(props, lb)} [001 appendix 2, 004 appendix 2]`,
      ],
    });
    if (!this.hasOwnSources) {
      Annotations.of(this).addWarning(
        "SMTP is open to every clientCidrs block: the receive connector only sees the load balancer's address, " +
          "so set allowedSources to your smart hosts and devices [001 appendix 2, 004 appendix 2]",
      );
    }
    if (this.sourceCidrs.includes("0.0.0.0/0")) {
      Annotations.of(this).addWarning(
        "SMTP is open to 0.0.0.0/0: anyone on the internet can reach the receive connector through the load balancer",
      );
    }
  }
}

function sourceList(props: SmtpVipProps, lb: ExchangeLoadBalancer): string {
  return (props.allowedSources ?? lb.clientCidrs).join(", ");
}
