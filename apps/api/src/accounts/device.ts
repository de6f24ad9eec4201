import type { FastifyRequest } from "fastify";

/** The device a request comes from, recorded on its session (shown in GET /v1/me/sessions). */
export function deviceOf(request: FastifyRequest, deviceName?: string) {
  const ua = request.headers["user-agent"];
  return { ip: request.ip, userAgent: typeof ua === "string" ? ua : null, deviceName: deviceName ?? null };
}
