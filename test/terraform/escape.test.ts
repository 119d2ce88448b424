import { escapeTerraformTemplate } from "../../lib/terraform/escape";

describe("escapeTerraformTemplate", () => {
  test.each([
    ["${x}", "$${x}"],
    ["%{x}", "%%{x}"],
    ['log-format "%{+Q}o %ci"', 'log-format "%%{+Q}o %ci"'],
    ["$x $ { } % {", "$x $ { } % {"],
    ["$${x}", "$$${x}"],
    ["a${b}c%{d}e${f}", "a$${b}c%%{d}e$${f}"],
  ])("%j -> %j", (input, escaped) => {
    expect(escapeTerraformTemplate(input)).toBe(escaped);
  });
});
