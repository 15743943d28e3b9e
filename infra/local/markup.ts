// Text put into the stand-ins' XML answers (S3's, STS's) and HTML pages (the identity provider's):
// the five markup characters as numeric references, which XML and HTML both read.

/** `s` safe inside an element or a quoted attribute. */
export function escapeMarkup(s: string): string {
  return s.replace(/[<>&"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
