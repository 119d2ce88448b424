import { App } from "cdktf";
import { buildExchangeSeFleetStack } from "./stack";

const app = new App();
buildExchangeSeFleetStack(app);
app.synth();
