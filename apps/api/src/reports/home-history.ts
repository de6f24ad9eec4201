import type { Readable } from "node:stream";
import {
  completionPhotos,
  completions,
  contractors,
  documents,
  files,
  type Queryable,
  residences,
  tasks,
} from "@honeydue/db";
import type { Logger } from "@honeydue/observability";
import { loadSharp, type Storage } from "@honeydue/storage";
import { and, asc, desc, eq, inArray } from "drizzle-orm";
import { notFound } from "../http/problem.ts";

/** Photos shown per completion, and their size on the page (points). */
const PHOTOS_PER_ENTRY = 4;
const THUMB = 96;

/** Everything the report shows, read in one go. */
export async function loadHomeHistory(db: Queryable, residenceId: string) {
  const [home] = await db.select().from(residences).where(eq(residences.id, residenceId));
  if (!home) throw notFound("Residence");
  const log = await db
    .select({
      id: completions.id,
      completedOn: completions.completedOn,
      notes: completions.notes,
      costCents: completions.costCents,
      taskTitle: tasks.title,
      contractorName: contractors.name,
      contractorCompany: contractors.company,
    })
    .from(completions)
    .innerJoin(tasks, eq(tasks.id, completions.taskId))
    .leftJoin(contractors, eq(contractors.id, completions.contractorId))
    .where(eq(completions.residenceId, residenceId))
    .orderBy(desc(completions.completedOn), desc(completions.createdAt));
  const photos = log.length
    ? await db
        .select({
          completionId: completionPhotos.completionId,
          storageKey: files.storageKey,
          thumbnailKey: files.thumbnailKey,
          contentType: files.contentType,
        })
        .from(completionPhotos)
        .innerJoin(files, eq(files.id, completionPhotos.fileId))
        .where(
          inArray(
            completionPhotos.completionId,
            log.map((c) => c.id),
          ),
        )
        .orderBy(asc(completionPhotos.position))
    : [];
  const warranties = await db
    .select({
      title: documents.title,
      purchaseOn: documents.purchaseOn,
      expiresOn: documents.expiresOn,
      contractorName: contractors.name,
    })
    .from(documents)
    .leftJoin(contractors, eq(contractors.id, documents.contractorId))
    .where(and(eq(documents.residenceId, residenceId), eq(documents.kind, "warranty")))
    .orderBy(asc(documents.expiresOn), asc(documents.title));
  return { home, log, photos, warranties };
}
type History = Awaited<ReturnType<typeof loadHomeHistory>>;

async function bytesOf(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(Buffer.from(chunk as Buffer));
  return Buffer.concat(chunks);
}

/** A small JPEG of a photo (its thumbnail when made, else the photo), or null when it cannot be read. */
async function thumbnail(
  storage: Storage,
  log: Logger,
  photo: { storageKey: string; thumbnailKey: string | null },
): Promise<Buffer | null> {
  try {
    const source = await bytesOf(await storage.get(photo.thumbnailKey ?? photo.storageKey));
    const sharp = await loadSharp();
    return await sharp(source)
      .resize(THUMB * 2, THUMB * 2, { fit: "cover" })
      .jpeg({ quality: 70 })
      .toBuffer();
  } catch (error) {
    // HEIC without a thumbnail cannot be decoded here; a missing object is logged too.
    log.warn({ err: error, key: photo.thumbnailKey ?? photo.storageKey }, "home history: photo left out");
    return null;
  }
}

function money(cents: number, currency: string): string {
  try {
    return new Intl.NumberFormat("en-US", { style: "currency", currency }).format(cents / 100);
  } catch {
    return `${(cents / 100).toFixed(2)} ${currency}`;
  }
}

/**
 * The home history report as a PDF: the residence, every completion (date, task, cost, contractor, notes,
 * photo thumbnails), and the warranties with their expiry. Rendered from the data as it is now.
 */
export async function renderHomeHistory(
  history: History,
  deps: { storage: Storage; log: Logger; today: string },
): Promise<Buffer> {
  const { home, log, photos, warranties } = history;
  const thumbs = new Map<string, Buffer[]>();
  for (const entry of log) {
    const list: Buffer[] = [];
    for (const photo of photos.filter((p) => p.completionId === entry.id).slice(0, PHOTOS_PER_ENTRY)) {
      const jpeg = await thumbnail(deps.storage, deps.log, photo);
      if (jpeg) list.push(jpeg);
    }
    thumbs.set(entry.id, list);
  }

  // Loaded with the first report, not at boot: pdfkit and its font machinery are a large import.
  const { default: PDFDocument } = await import("pdfkit");
  const doc = new PDFDocument({
    size: "A4",
    margin: 50,
    info: {
      Title: `Home history: ${home.name}`,
      Author: "honeyDue",
      CreationDate: new Date(`${deps.today}T00:00:00Z`),
    },
  });
  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on("data", (chunk: Buffer) => chunks.push(chunk));
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  const width = doc.page.width - 100;
  const ensureRoom = (height: number) => {
    if (doc.y + height > doc.page.height - 60) doc.addPage();
  };

  doc.font("Helvetica-Bold").fontSize(22).text("Home history report");
  doc.moveDown(0.3);
  doc.font("Helvetica-Bold").fontSize(15).text(home.name);
  const address = [
    home.addressLine1,
    home.addressLine2,
    [home.postalCode, home.city].filter(Boolean).join(" "),
    home.region,
    home.country,
  ]
    .filter((part) => part && part.trim() !== "")
    .join(", ");
  doc.font("Helvetica").fontSize(10).fillColor("#333333");
  if (address) doc.text(address);
  const facts = [
    home.propertyType.replace("_", " "),
    home.yearBuilt ? `built ${home.yearBuilt}` : null,
    home.floorArea ? `${Number(home.floorArea)} ${home.floorAreaUnit}` : null,
  ].filter(Boolean);
  doc.text(facts.join(" · ").replace(/·/g, "-"));
  const total = log.reduce((sum, c) => sum + (c.costCents ?? 0), 0);
  doc.text(
    `Report of ${deps.today}: ${log.length} maintenance ${log.length === 1 ? "entry" : "entries"}, ${money(total, home.currency)} spent in total.`,
  );
  doc.fillColor("black").moveDown(1);

  doc.font("Helvetica-Bold").fontSize(14).text("Maintenance log");
  doc
    .moveTo(50, doc.y + 2)
    .lineTo(50 + width, doc.y + 2)
    .strokeColor("#999999")
    .stroke();
  doc.moveDown(0.6);
  if (log.length === 0) doc.font("Helvetica").fontSize(10).text("Nothing has been logged yet.");
  for (const entry of log) {
    const images = thumbs.get(entry.id) ?? [];
    ensureRoom(60 + (images.length ? THUMB + 10 : 0));
    doc.font("Helvetica-Bold").fontSize(11).text(`${entry.completedOn}  ${entry.taskTitle}`);
    doc.font("Helvetica").fontSize(10);
    const details = [
      entry.costCents !== null ? `Cost: ${money(entry.costCents, home.currency)}` : null,
      entry.contractorName
        ? `Contractor: ${[entry.contractorName, entry.contractorCompany].filter(Boolean).join(", ")}`
        : null,
    ].filter(Boolean);
    if (details.length) doc.text(details.join("    "));
    if (entry.notes) doc.fillColor("#333333").text(entry.notes, { width }).fillColor("black");
    if (images.length) {
      const top = doc.y + 4;
      images.forEach((jpeg, i) => {
        doc.image(jpeg, 50 + i * (THUMB + 8), top, { fit: [THUMB, THUMB] });
      });
      doc.y = top + THUMB + 6;
      doc.x = 50;
    }
    doc.moveDown(0.8);
  }

  ensureRoom(80);
  doc.moveDown(0.5);
  doc.font("Helvetica-Bold").fontSize(14).text("Warranties");
  doc
    .moveTo(50, doc.y + 2)
    .lineTo(50 + width, doc.y + 2)
    .strokeColor("#999999")
    .stroke();
  doc.moveDown(0.6);
  doc.font("Helvetica").fontSize(10);
  if (warranties.length === 0) doc.text("No warranties are recorded.");
  for (const w of warranties) {
    ensureRoom(30);
    const status = !w.expiresOn
      ? "no expiry date recorded"
      : w.expiresOn >= deps.today
        ? `in force until ${w.expiresOn}`
        : `expired on ${w.expiresOn}`;
    doc.font("Helvetica-Bold").text(w.title, { continued: true });
    doc.font("Helvetica").text(`  ${status}${w.contractorName ? ` (${w.contractorName})` : ""}`);
  }
  doc.end();
  return done;
}
