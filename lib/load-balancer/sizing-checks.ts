/**
 * At synth, once every VIP is added: a VIP's own connection limit within the load balancer's,
 * and the worst case of `maxconn` within the memory the smallest instance leaves HAProxy.
 */
import { LoadBalancerModel } from "../config/model";
import { defaultMaxconn, usableBytes, vipMaxconn, worstCaseBytes } from "../config/sizing";
import { LoadBalancerSettings } from "./resolve-props";

const MIB = 1024 * 1024;

export function sizingProblems(
  path: string,
  model: LoadBalancerModel,
  settings: Pick<LoadBalancerSettings, "sizedType">,
): string[] {
  const { maxconn, vips } = model;
  const problems = vips
    .filter((vip) => vip.maxconn !== undefined && vip.maxconn > maxconn)
    .map(
      (vip) =>
        `${vip.path}: maxconn ${vip.maxconn} is above the load balancer's ${maxconn}. Fix: give at most ${maxconn}, or raise the load balancer's maxconn`,
    );
  const sized = settings.sizedType;
  if (!sized) return problems;
  const limits = new Map(vips.map((vip) => [vip.name, vipMaxconn(vip, maxconn)]));
  const worst = worstCaseBytes(maxconn, vips, limits);
  const usable = usableBytes(sized.memoryMiB);
  if (worst <= usable) return problems;
  const fits = defaultMaxconn(sized.memoryMiB, vips, 1 + model.sourceAddresses.count);
  return [
    ...problems,
    `${path}: maxconn ${maxconn} may take ${Math.ceil(worst / MIB)} MiB at worst (every connection moving data through its two buffers${vips.some((v) => v.terminatedTls) ? ", TLS terminated" : ""}), but a ${sized.type} leaves HAProxy ${Math.floor(usable / MIB)} MiB. Fix: a larger instanceType (t3.medium 4 GiB, m6i.large 8 GiB), or maxconn ${fits} or less`,
  ];
}
