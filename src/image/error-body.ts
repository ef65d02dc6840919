/**
 * Glance's error bodies are webob's, negotiated on Accept: JSON `{"code": "404 Not Found",
 * "title", "message"}` to a client that asks for JSON (openstacksdk), HTML to one that states no
 * preference (python-glanceclient, which strips the tags and shows the text; it cannot read the
 * JSON form), plain text to one that asks for text/plain.
 */
export type ErrorMedia = "html" | "json" | "plain";

const OFFERS: ReadonlyArray<[ErrorMedia, string]> = [
  ["html", "text/html"],
  ["json", "application/json"],
  ["plain", "text/plain"],
];

/** The offer the Accept header rates highest (webob's order breaks ties: html, json, plain). */
export function errorMedia(accept: string | undefined): ErrorMedia {
  if (accept === undefined || accept.trim() === "") return "html";
  const ranges = accept.split(",").map((part) => {
    const [range = "", ...params] = part.trim().toLowerCase().split(";");
    const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    return { range: range.trim(), q: q === undefined ? 1 : Number(q) };
  });
  const quality = (type: string) => {
    const [major] = type.split("/");
    const matches = ranges.filter((r) => r.range === type || r.range === `${major}/*` || r.range === "*/*");
    return Math.max(0, ...matches.map((r) => r.q));
  };
  let best: [ErrorMedia, number] = ["html", 0];
  for (const [media, type] of OFFERS) if (quality(type) > best[1]) best = [media, quality(type)];
  return best[1] > 0 ? best[0] : "json";
}

const escape = (text: string) =>
  text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** The body and its content type, in webob's layouts. */
export function errorBody(
  media: ErrorMedia,
  status: number,
  title: string,
  message: string,
): { type: string; body: string | Record<string, unknown> } {
  const line = `${status} ${title}`;
  if (media === "json") return { type: "application/json", body: { code: line, title, message } };
  if (media === "plain") return { type: "text/plain; charset=UTF-8", body: `${line}\n\n${message}\n\n   ` };
  const html =
    `<html>\n <head>\n  <title>${line}</title>\n </head>\n <body>\n  <h1>${line}</h1>\n` +
    `  ${escape(message)}<br /><br />\n\n\n\n </body>\n</html>`;
  return { type: "text/html; charset=UTF-8", body: html };
}
