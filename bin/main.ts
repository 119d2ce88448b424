/**
 * The app behind the root cdktf.json: synthesizes both example deployments
 * (the "example lab") into cdktf.out/.
 */
import { App } from "cdktf";
import { buildExchange2010Stack } from "../examples/exchange-2010/stack";
import { buildExchange2013Stack } from "../examples/exchange-2013/stack";

const app = new App();
buildExchange2010Stack(app);
buildExchange2013Stack(app);
app.synth();
