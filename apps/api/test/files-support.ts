import { randomUUID } from "node:crypto";
import { crc32 } from "node:zlib";
import { completions, outbox, tasks } from "@honeydue/db";
import { parsePayload } from "@honeydue/jobs";
import { createFilesHandlers } from "@honeydue/jobs/handlers";
import { and, eq, isNull, like } from "drizzle-orm";
import sharp from "sharp";
import type { ApiDeps } from "../src/deps.ts";

/** A multipart/form-data body: fields first, then the file part (as mobile clients send it). */
export function multipart(
  fields: Record<string, string>,
  file?: { filename: string; contentType: string; data: Buffer; field?: string },
) {
  const boundary = `----honeydue${randomUUID().replaceAll("-", "")}`;
  const chunks: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    chunks.push(
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`),
    );
  }
  if (file) {
    chunks.push(
      Buffer.from(
        `--${boundary}\r\nContent-Disposition: form-data; name="${file.field ?? "file"}"; filename="${file.filename}"\r\n` +
          `Content-Type: ${file.contentType}\r\n\r\n`,
      ),
      file.data,
      Buffer.from("\r\n"),
    );
  }
  chunks.push(Buffer.from(`--${boundary}--\r\n`));
  return {
    payload: Buffer.concat(chunks),
    headers: { "content-type": `multipart/form-data; boundary=${boundary}` },
  };
}

/** A JPEG photo carrying camera and GPS EXIF tags (IFD3 is the GPS directory). */
export function jpegWithGps(width = 120, height = 80): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 3, background: { r: 200, g: 120, b: 40 } } })
    .jpeg()
    .withExif({
      IFD0: { Make: "HoneyCam", Model: "Pipe-O-Matic" },
      IFD3: {
        GPSLatitudeRef: "N",
        GPSLatitude: "51/1 30/1 2628/100",
        GPSLongitudeRef: "W",
        GPSLongitude: "0/1 7/1 3958/100",
      },
    })
    .toBuffer();
}

export function png(width = 40, height = 30): Promise<Buffer> {
  return sharp({ create: { width, height, channels: 4, background: { r: 0, g: 90, b: 200, alpha: 1 } } })
    .png()
    .toBuffer();
}

/** A tiny PNG whose header claims 100000 × 100000 pixels (a decompression bomb). */
export async function pixelBomb(): Promise<Buffer> {
  const buf = Buffer.from(await png(1, 1));
  // IHDR data starts at byte 16: width, height (big-endian), then the chunk's CRC over type + data.
  buf.writeUInt32BE(100_000, 16);
  buf.writeUInt32BE(100_000, 20);
  buf.writeUInt32BE(crc32(buf.subarray(12, 29)) >>> 0, 29);
  return buf;
}

export const PDF = Buffer.from(
  "%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n" +
    "trailer<</Root 1 0 R>>\n%%EOF\n",
);

/** The start of an ELF executable. */
export const ELF = Buffer.concat([
  Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0x02, 0x01, 0x01, 0x00]),
  Buffer.alloc(56),
  Buffer.from("not really a program"),
]);

export const HTML = Buffer.from(
  "<!doctype html><html><body><script>alert(document.cookie)</script></body></html>",
);

/**
 * Runs the files queue's jobs waiting in the outbox with the real handlers, until none is left
 * (a job may enqueue another: deleting rows enqueues object deletion).
 */
export async function runFileJobs(deps: ApiDeps): Promise<number> {
  const handlers = createFilesHandlers({
    db: deps.db,
    log: deps.log,
    storage: deps.storage,
    imageMaxPixels: deps.settings.storage.imageMaxPixels,
  });
  let ran = 0;
  for (;;) {
    const rows = await deps.db
      .update(outbox)
      .set({ processedAt: new Date() })
      .where(and(like(outbox.job, "files.%"), isNull(outbox.processedAt)))
      .returning({ id: outbox.id, job: outbox.job, payload: outbox.payload });
    if (rows.length === 0) return ran;
    for (const row of rows) {
      const context = { jobId: row.id, attempt: 1 };
      const job = row.job;
      // Checked as the runners check it: a payload its schema refuses fails here too.
      if (job === "files.thumbnail") await handlers[job](parsePayload(job, row.payload), context);
      else if (job === "files.delete-objects") await handlers[job](parsePayload(job, row.payload), context);
      else if (job === "files.cleanup-uploads") await handlers[job](parsePayload(job, row.payload), context);
      else throw new Error(`not a files job: ${job}`);
      ran++;
    }
  }
}

/** Enqueues-and-runs the hourly sweep as if it ran `hoursLater` hours from now. */
export async function runCleanup(deps: ApiDeps, hoursLater: number) {
  const handlers = createFilesHandlers({
    db: deps.db,
    log: deps.log,
    storage: deps.storage,
    imageMaxPixels: deps.settings.storage.imageMaxPixels,
  });
  await handlers["files.cleanup-uploads"](
    { at: new Date(Date.now() + hoursLater * 3_600_000).toISOString() },
    { jobId: randomUUID(), attempt: 1 },
  );
  await runFileJobs(deps);
}

/** A task with one completion, written straight to the database (the world around the test). */
export async function createCompletion(deps: ApiDeps, residenceId: string, userId: string) {
  const [task] = await deps.db
    .insert(tasks)
    .values({ residenceId, title: "Fix the leaking pipe", createdBy: userId })
    .returning({ id: tasks.id });
  const [completion] = await deps.db
    .insert(completions)
    .values({
      taskId: task!.id,
      residenceId,
      completedBy: userId,
      completedOn: "2026-11-20",
      previousTaskState: {},
    })
    .returning({ id: completions.id });
  return { taskId: task!.id, completionId: completion!.id };
}

export async function pendingJobs(deps: ApiDeps, job: string) {
  return deps.db
    .select()
    .from(outbox)
    .where(and(eq(outbox.job, job), isNull(outbox.processedAt)));
}
