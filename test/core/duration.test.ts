import { Duration } from "../../lib/core/duration";

describe("Duration", () => {
  test.each([
    [Duration.hours(1), "1h", "1 h"],
    [Duration.minutes(30), "30m", "30 min"],
    [Duration.seconds(4), "4s", "4 s"],
    [Duration.millis(4000), "4s", "4 s"],
    [Duration.millis(1500), "1500ms", "1500 ms"],
    [Duration.seconds(90), "90s", "90 s"],
    [Duration.minutes(60), "1h", "1 h"],
  ])("%p renders as %s", (duration, haproxy, human) => {
    expect(duration.toHaproxy()).toBe(haproxy);
    expect(duration.toHuman()).toBe(human);
  });

  test.each([0, -1, 0.5])("refuses %p ms", (ms) => {
    expect(() => Duration.millis(ms)).toThrow("positive whole number");
  });
});
