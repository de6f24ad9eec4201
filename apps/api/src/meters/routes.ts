import type { Database } from "@honeydue/db";
import { meters } from "@honeydue/db";
import { todayIn } from "@honeydue/domain";
import { eq } from "drizzle-orm";
import type { App } from "../http/app-type.ts";
import { type AuthGuard, bearer, principal } from "../http/auth.ts";
import { notFound } from "../http/problem.ts";
import { problems } from "../http/responses.ts";
import { NoContent } from "../http/schemas.ts";
import { requireMembership } from "../residences/access.ts";
import { createMeter, deleteMeter, recordReading, requireMeterAccess, updateMeter } from "./actions.ts";
import { loadMeter, loadMeters, readingsOf } from "./presenter.ts";
import {
  Meter,
  MeterBody,
  MeterList,
  MeterParams,
  MeterPatch,
  ReadingBody,
  ReadingCreated,
  ReadingList,
  ResidenceParams,
} from "./schemas.ts";

const tags = ["meters"];

/**
 * Meters and their readings (issue 18): members and owners add and read them, viewers read. A reading
 * re-projects the due dates of the usage tasks scheduled by its meter.
 */
export function registerMeterRoutes(app: App, deps: { db: Database; auth: AuthGuard; now: () => Date }) {
  const { db, auth } = deps;
  const found = async (meterId: string) =>
    (await loadMeter(db, meterId)) ?? Promise.reject(notFound("Meter"));

  app.post(
    "/v1/residences/:residenceId/meters",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Add a meter (run-hours, miles, gallons...) for usage-based schedules",
        description:
          "Optionally linked to an appliance, a contractor or a document of the residence; `initialReading` " +
          "records what it shows today.",
        params: ResidenceParams,
        body: MeterBody,
        response: { 201: Meter, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const { residenceId } = request.params;
      const userId = principal(request).userId;
      const access = await requireMembership(db, residenceId, userId, "member");
      const id = await createMeter(
        db,
        { userId, residenceId, today: todayIn(access.timezone, deps.now()) },
        request.body,
      );
      return reply.status(201).send(await found(id));
    },
  );

  app.get(
    "/v1/residences/:residenceId/meters",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "A residence's meters, by name, with their latest reading and recent rate of use",
        params: ResidenceParams,
        response: { 200: MeterList, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      await requireMembership(db, request.params.residenceId, principal(request).userId, "viewer");
      return { items: await loadMeters(db, eq(meters.residenceId, request.params.residenceId)) };
    },
  );

  app.get(
    "/v1/meters/:meterId",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "A meter",
        params: MeterParams,
        response: { 200: Meter, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      await requireMeterAccess(db, request.params.meterId, principal(request).userId, "viewer");
      return found(request.params.meterId);
    },
  );

  app.patch(
    "/v1/meters/:meterId",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Rename a meter or change its links",
        params: MeterParams,
        body: MeterPatch,
        response: { 200: Meter, ...problems(400, 401, 403, 404) },
      },
    },
    async (request) => {
      const userId = principal(request).userId;
      const access = await requireMeterAccess(db, request.params.meterId, userId, "member");
      await updateMeter(db, { userId, ...access }, request.body, deps.now());
      return found(request.params.meterId);
    },
  );

  app.delete(
    "/v1/meters/:meterId",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Delete a meter and its readings (409 while a task is scheduled by it)",
        params: MeterParams,
        response: { 204: NoContent, ...problems(400, 401, 403, 404, 409) },
      },
    },
    async (request, reply) => {
      const userId = principal(request).userId;
      const access = await requireMeterAccess(db, request.params.meterId, userId, "member");
      await deleteMeter(db, { userId, ...access });
      return reply.status(204).send(null);
    },
  );

  app.get(
    "/v1/meters/:meterId/readings",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "A meter's readings, newest first",
        params: MeterParams,
        response: { 200: ReadingList, ...problems(400, 401, 404) },
      },
    },
    async (request) => {
      await requireMeterAccess(db, request.params.meterId, principal(request).userId, "viewer");
      return { items: await readingsOf(db, [request.params.meterId], "desc") };
    },
  );

  app.post(
    "/v1/meters/:meterId/readings",
    {
      onRequest: auth.required,
      schema: {
        ...bearer,
        tags,
        summary: "Log a reading; the meter's usage tasks are projected again",
        description:
          "Readings only go up and are not dated before the latest one (400), unless `kind` says the meter was " +
          "reset or replaced, which is recorded in the activity feed.",
        params: MeterParams,
        body: ReadingBody,
        response: { 201: ReadingCreated, ...problems(400, 401, 403, 404) },
      },
    },
    async (request, reply) => {
      const userId = principal(request).userId;
      const { meterId } = request.params;
      const access = await requireMeterAccess(db, meterId, userId, "member");
      const now = deps.now();
      const result = await db.transaction((tx) =>
        recordReading(
          tx,
          { userId, residenceId: access.residenceId, meterId, today: todayIn(access.timezone, now) },
          request.body,
          undefined,
          now,
        ),
      );
      const readings = await readingsOf(db, [meterId], "desc");
      return reply.status(201).send({
        reading: readings.find((r) => r.id === result.readingId)!,
        meter: await found(meterId),
        reprojectedTaskIds: result.taskIds,
      });
    },
  );
}
