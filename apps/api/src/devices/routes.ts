import { type Database, devices } from "@honeydue/db";
import { and, asc, eq, sql } from "drizzle-orm";
import Type from "typebox";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, principal } from "../http/auth.ts";
import { notFound } from "../http/problem.ts";
import { problems } from "../http/responses.ts";
import { NoContent, Nullable, Timestamp, Uuid } from "../http/schemas.ts";
import { toDevice } from "./presenter.ts";

const Platform = Type.Union([Type.Literal("ios"), Type.Literal("android")]);

export const DeviceBody = Type.Object(
  {
    platform: Platform,
    token: Type.String({
      minLength: 8,
      maxLength: 4096,
      pattern: "^[\\x21-\\x7e]+$",
      description: "The APNs device token (hex) or the FCM registration token",
    }),
    name: Type.Optional(Nullable(Type.String({ minLength: 1, maxLength: 100 }))),
  },
  { additionalProperties: false },
);

export const Device = Type.Object({
  id: Uuid,
  platform: Platform,
  name: Nullable(Type.String()),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});

/**
 * Push devices. Registering is an upsert by token: the same token again updates it (and moves it to the
 * caller when another account had registered it on that phone before). The token itself is never echoed.
 */
export function registerDeviceRoutes(app: App, deps: { db: Database; auth: AuthGuard }) {
  app.post(
    "/v1/devices",
    {
      onRequest: deps.auth.required,
      schema: {
        tags: ["devices"],
        summary: "Register this device for push notifications (upsert by token)",
        ...bearer,
        body: DeviceBody,
        response: { 200: Device, 201: Device, ...problems(400, 401) },
      },
    },
    async (request, reply) => {
      const { userId } = principal(request);
      const { platform, token, name } = request.body;
      const [row] = await deps.db
        .insert(devices)
        .values({ userId, platform, token, name: name ?? null })
        .onConflictDoUpdate({
          target: devices.token,
          set: {
            userId,
            platform,
            ...(name !== undefined ? { name } : {}),
            updatedAt: sql`now()`,
          },
        })
        .returning({
          id: devices.id,
          platform: devices.platform,
          name: devices.name,
          createdAt: devices.createdAt,
          updatedAt: devices.updatedAt,
          inserted: sql<boolean>`(xmax = 0)`,
        });
      return reply.status(row!.inserted ? 201 : 200).send(toDevice(row!));
    },
  );

  app.get(
    "/v1/devices",
    {
      onRequest: deps.auth.required,
      schema: {
        tags: ["devices"],
        summary: "My registered push devices",
        ...bearer,
        response: { 200: Type.Object({ items: Type.Array(Device) }), ...problems(401) },
      },
    },
    async (request) => {
      const rows = await deps.db
        .select()
        .from(devices)
        .where(eq(devices.userId, principal(request).userId))
        .orderBy(asc(devices.createdAt), asc(devices.id));
      return { items: rows.map(toDevice) };
    },
  );

  app.delete(
    "/v1/devices/:deviceId",
    {
      onRequest: deps.auth.required,
      schema: {
        tags: ["devices"],
        summary: "Stop push notifications to a device",
        ...bearer,
        params: Type.Object({ deviceId: Uuid }),
        response: { 204: NoContent, ...problems(400, 401, 404) },
      },
    },
    async (request, reply) => {
      const deleted = await deps.db
        .delete(devices)
        .where(and(eq(devices.id, request.params.deviceId), eq(devices.userId, principal(request).userId)))
        .returning({ id: devices.id });
      if (deleted.length === 0) throw notFound("Device");
      return reply.status(204).send(null);
    },
  );
}
