/** The library side of `npm run bench`: synthesize examples/exchange-2010. */
import { App } from "cdktf";
import { buildExchange2010Stack } from "../examples/exchange-2010/stack";

const app = new App();
buildExchange2010Stack(app);
app.synth();
