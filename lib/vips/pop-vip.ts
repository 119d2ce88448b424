import { mailboxKind } from "./mailbox-protocol";
import { VipOptions } from "./options";
import { ExchangeVip } from "./vip";
import { VipHost } from "./vip-host";

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

/** POP3 and POP3S (001 §11 VIP3 note, 004 §11 VIP2 note), health-checked by the `+OK` greeting. */
export class PopVip extends ExchangeVip {
  constructor(lb: VipHost, id: string, props: PopVipProps = {}) {
    const { pop, mailPersistence } = lb.vipDefaults.profile;
    super(
      lb,
      id,
      props,
      mailboxKind({
        label: "CAS-POP3",
        names: ["POP3", "POP3S"],
        ports: [props.popPort ?? pop.ports.value[0], props.popsPort ?? pop.ports.value[1]],
        defaultPorts: pop.ports,
        persistence: props.persistence ?? mailPersistence.value,
        defaultPersistence: mailPersistence,
        greeting: "+OK",
        goodbye: "QUIT\r\n",
      }),
    );
  }
}
