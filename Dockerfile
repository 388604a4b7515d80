# Switchboard gateway image.
#
#   docker build -t switchboard-gateway .
#   docker run -p 8080:8080 -e JWT_SECRET=... -e ALLOWED_ORIGINS=https://app.example.com switchboard-gateway
#
# .ci/container-check.sh reads the LAST stage of this file and replays its ARG, ENV,
# WORKDIR, COPY and RUN lines in a temporary folder on the host, then starts the CMD
# and runs the HEALTHCHECK the way the container would. So in that stage:
#   - keep RUN commands free of absolute host paths (they run on the host too);
#   - `COPY --from=build` sources must live under the build stage's WORKDIR,
#     which mirrors the repository root;
#   - an instruction the script does not know makes it fail rather than skip it.

ARG NODE_IMAGE=node:20-slim
# npm bundled with the node:20 images. Both stages assert it, and the check script
# installs with this same version, so the replayed install is the image's install.
ARG NPM_VERSION=10.8.2

# ---- build: all dependencies, compile protocol lib and gateway -------------------
FROM ${NODE_IMAGE} AS build
ARG NPM_VERSION
WORKDIR /app
RUN test "$(npm --version)" = "$NPM_VERSION" || { echo "expected npm $NPM_VERSION in the base image, found $(npm --version): update NPM_VERSION here and re-run .ci/container-check.sh" >&2; exit 1; }

COPY package.json package-lock.json ./
COPY libs/protocol/package.json libs/protocol/
COPY apps/gateway/package.json apps/gateway/
RUN npm ci --no-audit --no-fund

COPY tsconfig.json tsconfig.base.json nest-cli.json ./
# The libraries' build scripts (clean dist, mark the CommonJS build).
COPY scripts scripts
COPY libs/protocol libs/protocol
COPY apps/gateway apps/gateway
RUN npm run build:gateway

# ---- runtime: production dependencies of the gateway only, plus the built dist ----
FROM ${NODE_IMAGE} AS runtime
ARG NPM_VERSION
ENV NODE_ENV=production
WORKDIR /app

COPY package.json package-lock.json ./
COPY libs/protocol/package.json libs/protocol/
COPY apps/gateway/package.json apps/gateway/
# Only @switchboard/gateway's dependencies (no root devDependencies); the workspace
# lib is linked as node_modules/@switchboard/protocol -> libs/protocol (its dist below).
RUN test "$(npm --version)" = "$NPM_VERSION" \
 && npm ci --omit=dev --workspace @switchboard/gateway --include-workspace-root=false --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

COPY --from=build /app/libs/protocol/dist libs/protocol/dist/
COPY --from=build /app/apps/gateway/dist apps/gateway/dist/

USER node
EXPOSE 8080
HEALTHCHECK --interval=30s --timeout=5s --start-period=15s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.PORT || 8080) + '/health', { signal: AbortSignal.timeout(4000) }).then((r) => process.exit(r.status === 200 ? 0 : 1), () => process.exit(1))"]
CMD ["node", "--enable-source-maps", "apps/gateway/dist/main.js"]
