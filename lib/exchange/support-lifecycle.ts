/**
 * Microsoft's support of each Exchange version, as cited data: a load balancer
 * for a version past its end of support says so at synth (a warning, nothing
 * else changes) with the date and the upgrade path.
 */
import { ExchangeVersion } from "./version";

export interface EndOfSupport {
  /** The last day of extended support. */
  readonly date: string;
  readonly upgradePath: string;
  readonly source: string;
}

const LIFECYCLE = "https://learn.microsoft.com/lifecycle/products/";
const UPGRADE_TO_SE =
  "https://learn.microsoft.com/exchange/plan-and-deploy/deploy-new-installations/upgrade-to-exchange-server-se";

const END_OF_SUPPORT: Partial<Record<ExchangeVersion, EndOfSupport>> = {
  [ExchangeVersion.EXCHANGE_2010]: {
    date: "2020-10-13",
    upgradePath:
      "move to Exchange 2016 (SE cannot coexist with 2010), then a legacy upgrade to Exchange SE",
    source: `${LIFECYCLE}microsoft-exchange-server-2010; ${UPGRADE_TO_SE}`,
  },
  [ExchangeVersion.EXCHANGE_2013]: {
    date: "2023-04-11",
    upgradePath:
      "move to Exchange 2019 CU15 (SE setup refuses to coexist with 2013), then an in-place upgrade to Exchange SE",
    source: `${LIFECYCLE}exchange-server-2013; ${UPGRADE_TO_SE}`,
  },
  [ExchangeVersion.EXCHANGE_2016]: {
    date: "2025-10-14",
    upgradePath: "a legacy upgrade to Exchange SE (new servers, mailboxes moved)",
    source: `${LIFECYCLE}exchange-server-2016; ${UPGRADE_TO_SE}`,
  },
  [ExchangeVersion.EXCHANGE_2019]: {
    date: "2025-10-14",
    upgradePath: "an in-place upgrade to Exchange SE from 2019 CU14 or CU15",
    source: `${LIFECYCLE}exchange-server-2019; ${UPGRADE_TO_SE}`,
  },
};

/** Undefined while Microsoft supports the version (SE: Modern Lifecycle Policy). */
export function endOfSupport(version: ExchangeVersion): EndOfSupport | undefined {
  return END_OF_SUPPORT[version];
}
