/**
 * The load balancer's text, from its settings and the VIPs added so far: the model (a snapshot,
 * its `maxconn` sized when not given) and the config bundle, rendered once per set of VIPs,
 * whoever asks.
 */
import { configBundleOf } from "../config/bundle";
import { LoadBalancerModel } from "../config/model";
import { defaultMaxconn } from "../config/sizing";
import { ConfigBundle } from "../delivery/bundle";
import { VipDescription } from "../vips/description";
import { LoadBalancerSettings } from "./resolve-props";

export class Rendering {
  private rendered?: { readonly vips: number; readonly bundle: ConfigBundle };

  constructor(
    private readonly settings: LoadBalancerSettings,
    private readonly vips: readonly VipDescription[],
  ) {}

  /** A snapshot: the settings and the VIPs added so far. */
  public model(): LoadBalancerModel {
    const vips = Object.freeze([...this.vips]);
    const { sizedType, sourceAddresses } = this.settings;
    const sized = defaultMaxconn(sizedType?.memoryMiB, vips, 1 + sourceAddresses.count);
    const maxconn = this.settings.maxconn ?? sized;
    return { ...this.settings, maxconn, vips };
  }

  public bundle(): ConfigBundle {
    if (this.rendered?.vips !== this.vips.length) {
      this.rendered = { vips: this.vips.length, bundle: configBundleOf(this.model()) };
    }
    return this.rendered.bundle;
  }
}
