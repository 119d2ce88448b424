/**
 * A load balancer for an Exchange version past Microsoft's end of support
 * warns at synth, with the date and the upgrade path; nothing else changes.
 */
import { CasHttpsVip, ExchangeVersion } from "../../lib";
import { fixture, warningsOf } from "../support/synth";

describe.each([
  [ExchangeVersion.EXCHANGE_2010, "2020-10-13", "move to Exchange 2016"],
  [ExchangeVersion.EXCHANGE_2013, "2023-04-11", "move to Exchange 2019 CU15"],
  [ExchangeVersion.EXCHANGE_2016, "2025-10-14", "a legacy upgrade to Exchange SE"],
  [ExchangeVersion.EXCHANGE_2019, "2025-10-14", "an in-place upgrade to Exchange SE"],
])("Exchange %s", (exchangeVersion, date, path) => {
  const { lb } = fixture({ exchangeVersion });

  test("one warning: the end of support date, the upgrade path, the source", () => {
    expect(warningsOf(lb)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^Exchange ${exchangeVersion} left Microsoft's support on ${date}: no more security updates\\. ` +
            `Upgrade path: ${path}.*then set exchangeVersion: ExchangeVersion\\.EXCHANGE_SE\\. ` +
            "Source: https://learn\\.microsoft\\.com/lifecycle/products/",
        ),
      ),
    ]);
  });
});

test("Exchange SE: no warning", () => {
  const { lb } = fixture({ exchangeVersion: ExchangeVersion.EXCHANGE_SE });
  expect(warningsOf(lb)).toEqual([]);
});

test("the warning changes nothing: 2019 and SE render the same haproxy.cfg but its header", () => {
  const render = (exchangeVersion: ExchangeVersion) => {
    const { lb } = fixture({ exchangeVersion });
    new CasHttpsVip(lb, "CasWeb");
    return lb.renderHaproxyConfig().replace(/Exchange (2019|SE) load balancer/, "");
  };
  expect(render(ExchangeVersion.EXCHANGE_SE)).toBe(render(ExchangeVersion.EXCHANGE_2019));
});
