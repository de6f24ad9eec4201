import type { TypeBoxTypeProvider } from "@fastify/type-provider-typebox";
import { createErrorSink } from "@honeydue/observability";
import Fastify, { type FastifyBaseLogger, LogController } from "fastify";
import { registerAccountRoutes } from "./accounts/routes.ts";
import { createCodeThrottle, createLinkThrottle, createSignInThrottle } from "./accounts/throttle.ts";
import { registerAdminRoutes } from "./admin/routes.ts";
import { registerApplianceRoutes } from "./appliances/routes.ts";
import { registerCalendarRoutes } from "./calendar/routes.ts";
import { registerCompletionRoutes } from "./completions/routes.ts";
import { registerContractorRoutes } from "./contractors/routes.ts";
import type { ApiDeps } from "./deps.ts";
import { registerDeviceRoutes } from "./devices/routes.ts";
import { registerDocumentRoutes } from "./documents/routes.ts";
import { registerEscalationRoutes } from "./escalation/routes.ts";
import { registerFileRoutes } from "./files/routes.ts";
import { registerHandoffRoutes } from "./handoff/routes.ts";
import { registerHandoverRoutes } from "./handovers/routes.ts";
import { registerHealthRoutes } from "./health/routes.ts";
import { registerHomeRoutes } from "./home/routes.ts";
import { registerAddressLimit } from "./http/address-limit.ts";
import type { App } from "./http/app-type.ts";
import { createAuthGuard } from "./http/auth.ts";
import { registerBodyGuards } from "./http/bodies.ts";
import { registerConditionalRequests } from "./http/conditional.ts";
import { clientErrorHandler, frameworkErrors, registerErrorHandling } from "./http/errors.ts";
import { registerIdempotency } from "./http/idempotency.ts";
import { registerOpenApi } from "./http/openapi.ts";
import { registerRequestChecks, requestId } from "./http/requests.ts";
import { registerSecurityHeaders } from "./http/security-headers.ts";
import { closeBodySchemas, serializerFactory, validatorFactory } from "./http/validation.ts";
import { createWriteContext } from "./http/write-context.ts";
import { registerInviteRoutes } from "./invites/routes.ts";
import { registerDeleteAccountRoutes } from "./me/delete.ts";
import { registerExportRoutes } from "./me/export.ts";
import { registerMeterRoutes } from "./meters/routes.ts";
import { registerNotificationRoutes } from "./notifications/routes.ts";
import { registerReportRoutes } from "./reports/routes.ts";
import { registerResidenceRoutes } from "./residences/routes.ts";
import { registerSearchRoutes } from "./search/routes.ts";
import { registerSyncRoutes } from "./sync/routes.ts";
import { registerTaskRoutes } from "./tasks/routes.ts";
import { registerTemplateRoutes } from "./templates/routes.ts";
import { registerUnsubscribeRoutes } from "./unsubscribe/routes.ts";
import { registerUploadRoutes } from "./uploads/routes.ts";

export const API_VERSION = "1.0.0";

/**
 * Builds the HTTP API: Fastify with the shared conventions (problem+json errors, request ids, OpenAPI),
 * then every route module, each given exactly the dependencies it uses.
 */
export async function buildApp(deps: ApiDeps): Promise<App> {
  const app = Fastify({
    loggerInstance: deps.log as FastifyBaseLogger,
    logController: new LogController({ disableRequestLogging: true, requestIdLogLabel: "requestId" }),
    // A hop count is valid at runtime (proxy-addr) though Fastify's types omit it.
    trustProxy: deps.settings.trustProxy as string | boolean,
    bodyLimit: deps.settings.bodyLimitBytes,
    // X-Request-Id is read by requestId(), which keeps a client's id only when it is a plain token.
    requestIdHeader: false,
    genReqId: requestId,
    // Errors raised before routing, and what Node's HTTP parser refuses, leave as problems too; the Host
    // check is registerRequestChecks' (Node's own answers an empty 400).
    frameworkErrors,
    clientErrorHandler,
    http: { requireHostHeader: false },
    // Shutdown drains instead (see server.ts): a request that still arrives on an open connection once
    // closing has begun is served, not refused; the database closes only after the server has.
    return503OnClosing: false,
    forceCloseConnections: "idle",
    routerOptions: { ignoreTrailingSlash: true },
    schemaController: {
      compilersFactory: {
        buildValidator: validatorFactory({
          compileOnFirstUse: deps.settings.compileValidatorsOnFirstUse,
        }),
        buildSerializer: serializerFactory({
          compileOnFirstUse: deps.settings.compileValidatorsOnFirstUse,
        }),
      },
    },
  }).withTypeProvider<TypeBoxTypeProvider>();

  // Prometheus: duration and count by method, ROUTE TEMPLATE (never the raw path) and status; in flight.
  // A written reply is counted in the onResponse hook below; the raw 'close' listener counts a client that
  // went away first (as nginx's 499). An onRequestAbort hook did the same at a third of /healthz throughput.
  const httpMetrics = new WeakMap<object, (route: string | undefined, statusCode: number) => void>();
  app.addHook("onRequest", (request, reply, done) => {
    const end = deps.metrics.startHttpRequest(request.method);
    httpMetrics.set(request, end);
    // After a written reply onResponse has already counted it and this is a no-op (`end` counts once).
    reply.raw.once("close", () => end(request.routeOptions.url, 499));
    done();
  });
  // One log line per request, with the route template, the status and the time it took; its requestId is
  // the request logger's own label (requestIdLogLabel), so it is not repeated here.
  // Also where a written reply is counted for Prometheus (one hook: each extra hook costs every request).
  // Callback-style hooks: an async one costs every request a promise.
  app.addHook("onResponse", (request, reply, done) => {
    httpMetrics.get(request)?.(request.routeOptions.url, reply.statusCode);
    request.log.info(
      {
        method: request.method,
        route: request.routeOptions.url ?? "(unmatched)",
        status: reply.statusCode,
        durationMs: Math.round(reply.elapsedTime * 100) / 100,
      },
      "request",
    );
    done();
  });
  app.addHook("onSend", (request, reply, payload, done) => {
    reply.header("x-request-id", request.id);
    // Draining for shutdown: every response tells the client to close its keep-alive connection.
    if (deps.lifecycle.shuttingDown) reply.header("connection", "close");
    done(null, payload);
  });

  registerErrorHandling(app);
  // The security headers first: every later refusal (no Host, a URL too long, a flood) carries them.
  await registerSecurityHeaders(app, {
    web: deps.settings.publicWebUrl,
    admin: deps.settings.publicAdminUrl,
  });
  registerRequestChecks(app);
  // Before any route's own hooks: a flood of anonymous requests is refused before it costs a query.
  registerAddressLimit(app, {
    perMinute: deps.settings.unauthenticatedRequestsPerIpPerMinute,
    redis: deps.redis,
    metrics: deps.metrics,
    log: deps.log,
  });
  registerBodyGuards(app);
  closeBodySchemas(app);
  // JSON is the only body the API reads (multipart is parsed by the upload routes): anything else is a 415.
  app.removeContentTypeParser("text/plain");
  // Route modules get the database and outbox kick of the write context: an idempotent or conditional
  // write runs in one transaction that they join (http/write-context.ts), so what it checks and stores
  // commits together with its effect.
  const write = createWriteContext(deps.db, () => deps.notifyOutbox());
  const { db, notifyOutbox } = write;
  const conditional = registerConditionalRequests(app, write);
  await registerOpenApi(app, {
    publicApiUrl: deps.settings.publicApiUrl,
    version: API_VERSION,
    readable: conditional.readable,
  });
  registerIdempotency(app, write);

  const auth = createAuthGuard({ db, keys: deps.keys });
  // Errors with no caller to throw to (work left after the answer): logged rate-limited and counted in
  // background_errors_total{source}; one sink per source, so each is limited on its own.
  const errorSink = (source: string) => createErrorSink({ source, log: deps.log, metrics: deps.metrics });
  registerHealthRoutes(app, deps);
  // Route modules: one line each, in the order of the API reference.
  // routes:accounts
  // One password budget for every route that checks a password: sign-in, password change, account deletion.
  const signInThrottle = createSignInThrottle({
    redis: deps.redis,
    settings: deps.settings,
    metrics: deps.metrics,
    log: deps.log,
  });
  // One budget for guessable codes: share codes and email verification codes.
  const codeThrottle = createCodeThrottle({ redis: deps.redis, metrics: deps.metrics, log: deps.log });
  registerAccountRoutes(app, {
    db,
    settings: deps.settings,
    throttle: signInThrottle,
    codeThrottle,
    keys: deps.keys,
    log: deps.log,
    notifyOutbox,
    auth,
    resetErrors: errorSink("password-reset-request"),
  });
  // routes:residences
  registerResidenceRoutes(app, { db, auth });
  registerInviteRoutes(app, {
    db,
    auth,
    notifyOutbox,
    codeThrottle,
  });
  // routes:tasks
  const now = () => deps.clock?.() ?? new Date();
  registerTaskRoutes(app, { db, auth, now, notifyOutbox });
  registerCompletionRoutes(app, { db, auth });
  registerTemplateRoutes(app, { db, auth, now });
  registerHomeRoutes(app, { db, auth, now });
  registerEscalationRoutes(app, { db, auth, now });
  registerMeterRoutes(app, { db, auth, now });
  registerCalendarRoutes(app, { db, auth, publicApiUrl: deps.settings.publicApiUrl });
  // routes:contractors-documents
  registerContractorRoutes(app, { db, notifyOutbox, auth });
  registerDocumentRoutes(app, { db, notifyOutbox, auth });
  // routes:appliances
  registerApplianceRoutes(app, { db, auth, now, notifyOutbox });
  registerSearchRoutes(app, { db, auth });
  registerExportRoutes(app, { db, auth });
  registerSyncRoutes(app, { db, auth });
  registerDeleteAccountRoutes(app, {
    db,
    throttle: signInThrottle,
    notifyOutbox,
    auth,
  });
  // routes:notifications-devices
  registerDeviceRoutes(app, { db, auth });
  registerNotificationRoutes(app, { db, auth });
  registerUnsubscribeRoutes(app, { db, keys: deps.keys["unsubscribe-link"] });
  // routes:files
  registerUploadRoutes(app, {
    db,
    storage: deps.storage,
    limits: deps.settings.storage,
    notifyOutbox,
    auth,
    grantKeys: deps.keys["storage-grant"],
    stagingErrors: errorSink("upload-staging-delete"),
  });
  registerFileRoutes(app, {
    db,
    storage: deps.storage,
    auth,
    notifyOutbox,
  });
  // routes:handoff-handover (issue 18): secret links for people without an account share one budget.
  const linkThrottle = createLinkThrottle({ redis: deps.redis, metrics: deps.metrics, log: deps.log });
  registerHandoffRoutes(app, {
    db,
    storage: deps.storage,
    limits: deps.settings.storage,
    notifyOutbox,
    auth,
    linkThrottle,
    publicWebUrl: deps.settings.publicWebUrl,
    now,
  });
  registerHandoverRoutes(app, { db, auth, notifyOutbox });
  registerReportRoutes(app, {
    db,
    auth,
    storage: deps.storage,
    log: deps.log,
    linkThrottle,
    publicApiUrl: deps.settings.publicApiUrl,
    now,
  });
  // routes:admin
  registerAdminRoutes(app, {
    db: deps.db,
    redis: deps.redis,
    fallback: { name: "admin-sign-in", metrics: deps.metrics, log: deps.log },
    settings: deps.settings,
    keys: deps.keys,
    notifyOutbox: () => deps.notifyOutbox(),
  });
  void auth;

  return app;
}
