import type { ExchangeLoadBalancer } from "../load-balancer/exchange-load-balancer";
import { greetingCheck } from "./greeting-check";
import { ExchangeVip, VipOptions, persistenceNote } from "./vip";

export interface PopVipProps extends VipOptions {
  /**
   * POP3 port.
   * @default 110 [001 §11 VIP3 note, 004 §11 VIP2 note]
   */
  readonly popPort?: number;
  /**
   * POP3 over TLS port.
   * @default 995 [001 §11 VIP3 note, 004 §11 VIP2 note]
   */
  readonly popsPort?: number;
}

/** POP3 and POP3S [001 §11 VIP3 note, 004 §11 VIP2 note], health-checked by the `+OK` greeting. */
export class PopVip extends ExchangeVip {
  constructor(lb: ExchangeLoadBalancer, id: string, props: PopVipProps = {}) {
    const [pop, pops] = lb.profile.pop.ports.value;
    const popPort = props.popPort ?? pop;
    const persistence = props.persistence ?? lb.profile.mailPersistence.value;
    super(lb, id, props, {
      label: "CAS-POP3",
      ports: [popPort, props.popsPort ?? pops],
      persistence,
      healthCheck: greetingCheck(popPort, { expectString: "+OK" }, "QUIT\\r\\n"),
      notes: [
        `POP3 ${popPort}, POP3S ${props.popsPort ?? pops} [${lb.profile.pop.ports.source}]; ${persistenceNote(persistence, lb.profile.mailPersistence)}`,
        `health check: "+OK" greeting on ${popPort} [003 §3.1 checks port 110]`,
      ],
    });
  }
}
