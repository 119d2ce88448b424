import { labDown } from "../lab";

export default function teardown(): void {
  labDown();
}
