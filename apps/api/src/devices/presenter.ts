import type { devices } from "@honeydue/db";

/** The device presenter: the one JSON shape of a push device (never its token). */

type DeviceRow = Pick<typeof devices.$inferSelect, "id" | "platform" | "name" | "createdAt" | "updatedAt">;
export const toDevice = (row: DeviceRow) => ({
  id: row.id,
  platform: row.platform,
  name: row.name,
  createdAt: row.createdAt.toISOString(),
  updatedAt: row.updatedAt.toISOString(),
});
