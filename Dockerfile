# syntax=docker/dockerfile:1
# One image per process role, all from this file (docs/ops/06-deployment.md):
#   docker build --target api     -t honeydue-api .
#   docker build --target worker  -t honeydue-worker .
#   docker build --target migrate -t honeydue-migrate .
#   docker build --target admin   -t honeydue-admin .
#   docker build --target web     -t honeydue-web .
# Node runs the TypeScript sources directly (type stripping): there is no build step, only production
# dependencies. The images run as an unprivileged uid (10001: no login, above the system range) with a
# read-only root filesystem: the only writable place they need is /tmp (DATA_DIR=/tmp/honeydue), mounted by the pod.
#
# The base image, pinned by digest in this one place. UNVERIFIED here (no registry access from the build
# sandbox): refresh it with `docker buildx imagetools inspect node:24-slim` (docs/ops/06-deployment.md).
ARG NODE_IMAGE=node:24-slim@sha256:a9f5f7c91a432850b2a8a7797adf5eadb6c733ceed61167806cee7ea7fbc29df

FROM ${NODE_IMAGE} AS base
ENV NODE_ENV=production \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
WORKDIR /app

# Production dependencies from the lockfile. Only the manifests are copied, so this layer is rebuilt only
# when dependencies change. Every workspace's package.json must be listed (deploy-k3s/test/images.test.ts).
FROM base AS deps
COPY package.json package-lock.json ./
COPY apps/admin/package.json apps/admin/
COPY apps/api/package.json apps/api/
COPY apps/web/package.json apps/web/
COPY apps/worker/package.json apps/worker/
COPY packages/api-client/package.json packages/api-client/
COPY packages/config/package.json packages/config/
COPY packages/db/package.json packages/db/
COPY packages/domain/package.json packages/domain/
COPY packages/email/package.json packages/email/
COPY packages/jobs/package.json packages/jobs/
COPY packages/observability/package.json packages/observability/
COPY packages/push/package.json packages/push/
COPY packages/storage/package.json packages/storage/
COPY packages/testkit/package.json packages/testkit/
COPY packages/ui/package.json packages/ui/
RUN npm ci --omit=dev && npm cache clean --force

# The Next.js apps (admin panel, web app) are compiled: all dependencies, then their standalone servers
# (scripts/admin-build.ts, scripts/web-build.ts), which carry only the files they trace.
FROM deps AS next-build
RUN npm ci && npm cache clean --force
COPY packages packages
COPY apps/admin apps/admin
COPY apps/web apps/web
COPY scripts scripts
ENV NEXT_TELEMETRY_DISABLED=1
RUN node scripts/admin-build.ts && node scripts/web-build.ts

# The sources (tests, docs and tooling are left out by .dockerignore), owned by root: the process can read
# its code but never change it.
FROM base AS runtime
COPY --from=deps /app /app
COPY packages packages
COPY apps/api apps/api
COPY apps/worker apps/worker
# Node's compile cache, written here once by the uid the processes run as (Node names the cache's folder
# after the uid), read-only at run time: a new pod loads the modules' compiled code and stripped types
# instead of compiling ~2,300 modules (cold start ~1.1 s -> ~0.8 s; docs/performance.md, "Third round").
# Importing the entry points' modules starts nothing. A miss (another file, other V8 flags) is compiled as
# without a cache; Node writes nothing back when what it read was current.
ENV NODE_COMPILE_CACHE=/app/.node-compile-cache
RUN mkdir /app/.node-compile-cache && chown 10001:10001 /app/.node-compile-cache
USER 10001:10001
RUN node --input-type=module -e "await import('./apps/api/src/start.ts'); await import('./apps/worker/src/worker.ts')"

# The admin panel: env PORT, HOSTNAME, ADMIN_API_URL (the API inside the cluster).
FROM base AS admin
COPY --from=next-build /app/apps/admin/.next/standalone ./
USER 10001:10001
ENV PORT=3000 \
    HOSTNAME=0.0.0.0 \
    NEXT_TELEMETRY_DISABLED=1
EXPOSE 3000
CMD ["node", "apps/admin/server.js"]

# The web app: env PORT, HOSTNAME, WEB_API_URL.
FROM base AS web
COPY --from=next-build /app/apps/web/.next/standalone ./
USER 10001:10001
ENV PORT=3000 \
    HOSTNAME=0.0.0.0 \
    NEXT_TELEMETRY_DISABLED=1
EXPOSE 3000
CMD ["node", "apps/web/server.js"]

FROM runtime AS migrate
CMD ["node", "packages/db/src/cli/migrate.ts"]

FROM runtime AS worker
ENV WORKER_HEALTH_HOST=0.0.0.0 \
    WORKER_HEALTH_PORT=9465 \
    DATA_DIR=/tmp/honeydue
EXPOSE 9465
CMD ["node", "apps/worker/src/main.ts"]

# Last, so a plain `docker build .` gives the API.
FROM runtime AS api
ENV HOST=0.0.0.0 \
    PORT=3000 \
    METRICS_HOST=0.0.0.0 \
    METRICS_PORT=9464 \
    DATA_DIR=/tmp/honeydue \
    MIGRATE_ON_START=false
EXPOSE 3000 9464
CMD ["node", "apps/api/src/main.ts"]
