/**
 * Terraform reads `${` and `%{` in any JSON string as template syntax; HAProxy
 * log formats and shell scripts use both. Doubling the sigil makes Terraform
 * emit the literal text (Terraform JSON syntax, "String Templates").
 */
export function escapeTerraformTemplate(text: string): string {
  // A function replacement: in a replacement string, "$$" would mean one "$".
  return text.replace(/([$%])\{/g, (_match, sigil: string) => `${sigil}${sigil}{`);
}
