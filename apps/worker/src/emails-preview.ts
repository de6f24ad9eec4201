// `npm run emails:preview`: renders every email template with example data to ./data/email-preview.
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { renderEmail, TEMPLATES } from "@honeydue/email";
import { EMAIL_SAMPLES } from "@honeydue/email/samples";

const dir = resolve(process.argv[2] ?? "./data/email-preview");
await mkdir(dir, { recursive: true });
let missing = 0;
for (const name of Object.keys(TEMPLATES)) {
  const data = EMAIL_SAMPLES[name];
  if (!data) {
    console.error(`${name}: no example data in packages/email/src/samples.ts`);
    missing++;
    continue;
  }
  const email = await renderEmail(name, data, { publicWebUrl: "https://honeydue.example" });
  const headers = Object.entries(email.headers).map(([k, v]) => `${k}: ${v}`);
  await writeFile(join(dir, `${name}.html`), email.html);
  await writeFile(
    join(dir, `${name}.txt`),
    [`Subject: ${email.subject}`, ...headers, "", email.text].join("\n"),
  );
  console.log(`${name}: ${join(dir, `${name}.html`)} and .txt — ${email.subject}`);
}
process.exit(missing ? 1 : 0);
