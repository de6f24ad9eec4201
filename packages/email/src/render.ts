import { type EmailTemplate, PermanentEmailError, type RenderContext } from "./template.ts";
import { isTemplateName, TEMPLATES, type TemplateName } from "./templates/index.ts";

export interface RenderedEmail {
  subject: string;
  html: string;
  text: string;
  /** The message's main link (see EmailTemplate.linkValue), for the embedded-mode log line. */
  link: string | undefined;
  headers: Record<string, string>;
}

const compiled = new Map<string, Promise<string>>();

/**
 * Compiles a template's MJML once per process; the placeholders survive compilation untouched. MJML is
 * loaded on first use: it costs ~190 MB of memory, which an API pod that leaves email to the worker never
 * needs to pay.
 */
function compile(name: string, template: EmailTemplate): Promise<string> {
  let html = compiled.get(name);
  if (!html) {
    html = import("mjml").then(async ({ default: mjml2html }) => {
      const result = await mjml2html(template.mjml, { validationLevel: "strict", keepComments: false });
      if (result.errors.length) {
        throw new Error(`email template ${name}: ${result.errors.map((e) => e.formattedMessage).join("; ")}`);
      }
      return result.html;
    });
    html.catch(() => compiled.delete(name));
    compiled.set(name, html);
  }
  return html;
}

const HTML_ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};
export const escapeHtml = (value: string) => value.replace(/[&<>"']/g, (c) => HTML_ESCAPES[c]!);

function fill(source: string, values: Record<string, string>, encode: (v: string) => string): string {
  return source.replace(/\{\{(\w+)\}\}/g, (_, key: string) => {
    const value = values[key];
    if (value === undefined) throw new PermanentEmailError(`email template: no value for {{${key}}}`);
    return encode(value);
  });
}

/** Renders a registered template with the job's data into subject, HTML and plain-text alternative. */
export async function renderEmail(
  name: TemplateName | string,
  data: Record<string, unknown>,
  context: RenderContext,
): Promise<RenderedEmail> {
  if (!isTemplateName(name)) throw new PermanentEmailError(`Unknown email template '${name}'`);
  const template: EmailTemplate = TEMPLATES[name];
  const values = template.values(data, context);
  // Subjects are single-line: a value can never inject a header.
  const subject = fill(template.subject, values, (v) => v).replace(/[\r\n]+/g, " ");
  const all = { ...values, subject };
  const html = fill(await compile(name, template), all, escapeHtml);
  const text = fill(template.text, all, (v) => v);
  const headers = Object.fromEntries(
    Object.entries(template.headers?.(values) ?? {}).map(([k, v]) => [k, v.replace(/[\r\n]+/g, " ")]),
  );
  return { subject, html, text, link: template.linkValue ? values[template.linkValue] : undefined, headers };
}
