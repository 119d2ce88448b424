import { App } from "cdktf";
import { buildExchange2010Stack } from "./stack";

const app = new App();
buildExchange2010Stack(app);
app.synth();
