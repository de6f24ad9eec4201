import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import type { PurposeKeys } from "@honeydue/config";
import { type Database, users } from "@honeydue/db";
import { verifyUnsubscribeToken } from "@honeydue/email";
import { eq } from "drizzle-orm";
import Type from "typebox";
import type { App } from "../http/app-type.ts";
import { HttpProblem } from "../http/problem.ts";
import { problems } from "../http/responses.ts";

const Params = Type.Object({ token: Type.String({ minLength: 10, maxLength: 300 }) });
const State = Type.Object({
  purpose: Type.Literal("reminders"),
  description: Type.String(),
  email: Type.String({ description: "The address, partly masked" }),
  subscribed: Type.Boolean({ description: "Whether reminder emails are on now" }),
});

const mask = (email: string) =>
  email.replace(
    /^(.)(.*)(@.*)$/,
    (_, a: string, b: string, c: string) => `${a}${"*".repeat(Math.min(b.length, 6))}${c}`,
  );

/**
 * RFC 8058 one-click unsubscribe for reminder emails (daily digest, warranty reminders). The token in
 * the `List-Unsubscribe` URL is an HMAC of the user id (no session needed). GET only shows what POST
 * would do — mail scanners follow links, so a GET must change nothing; POST turns the reminders off.
 */
export function registerUnsubscribeRoutes(app: App, deps: { db: Database; keys: PurposeKeys }) {
  async function lookup(token: string) {
    const claims = verifyUnsubscribeToken(deps.keys, token);
    const invalid = new HttpProblem({
      status: 404,
      title: "Not found",
      type: "unsubscribe-link-invalid",
      detail: "This unsubscribe link is not valid (or the account no longer exists)",
    });
    if (!claims) throw invalid;
    const [user] = await deps.db
      .select({ id: users.id, email: users.email, digestEnabled: users.digestEnabled })
      .from(users)
      .where(eq(users.id, claims.userId));
    if (!user) throw invalid;
    return user;
  }
  const description = "Stop the daily digest and warranty reminder emails";

  app.register(async (plugin) => {
    const scope = plugin.withTypeProvider<TypeBoxTypeProvider>();
    // Mail providers POST `List-Unsubscribe=One-Click` as a form; the body carries nothing we need.
    scope.addContentTypeParser(
      ["application/x-www-form-urlencoded", "multipart/form-data", "text/plain"],
      { parseAs: "string", bodyLimit: 4096 },
      (_request, _body, done) => done(null, undefined),
    );
    scope.get(
      "/v1/unsubscribe/:token",
      {
        schema: {
          tags: ["notifications"],
          summary: "What the unsubscribe link would do (changes nothing)",
          params: Params,
          response: { 200: State, ...problems(400, 404) },
        },
      },
      async (request, reply) => {
        const user = await lookup(request.params.token);
        reply.header("cache-control", "no-store");
        return {
          purpose: "reminders" as const,
          description,
          email: mask(user.email),
          subscribed: user.digestEnabled,
        };
      },
    );
    scope.post(
      "/v1/unsubscribe/:token",
      {
        schema: {
          tags: ["notifications"],
          summary: "One-click unsubscribe (RFC 8058): turn reminder emails off",
          params: Params,
          response: { 200: State, ...problems(400, 404) },
        },
      },
      async (request) => {
        const user = await lookup(request.params.token);
        await deps.db
          .update(users)
          .set({ digestEnabled: false, updatedAt: new Date() })
          .where(eq(users.id, user.id));
        return { purpose: "reminders" as const, description, email: mask(user.email), subscribed: false };
      },
    );
  });
}
