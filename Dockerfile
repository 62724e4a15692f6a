# syntax=docker/dockerfile:1
# Multi-stage: dependencies (with native addons) are installed in a build stage, the
# runtime stage carries only node_modules, sources and the Debian tools watchpost runs.

FROM node:22-bookworm-slim AS deps
WORKDIR /app
# Native addons (better-sqlite3) may need a compiler when no prebuilt binary matches.
RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++ && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json .npmrc ./
RUN ONNXRUNTIME_NODE_INSTALL=skip npm ci --no-audit --no-fund

FROM deps AS build
COPY . .
# Convert the pretrained models (shipped inside npm packages) to ONNX once, at build time,
# and build the dashboard, so containers start without any conversion work.
RUN WATCHPOST_DATA_DIR=/app/prepared node bin/watchpost.js models prepare \
 && (npm run build:web --if-present) \
 && npm prune --omit=dev

FROM node:22-bookworm-slim AS runtime
RUN apt-get update && apt-get install -y --no-install-recommends ffmpeg tini curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
ENV NODE_ENV=production \
    WATCHPOST_DATA_DIR=/data \
    WATCHPOST__MODELS__CACHE_DIR=/app/prepared/models \
    LOG_FORMAT=json
COPY --from=build --chown=node:node /app /app
RUN mkdir -p /data && chown node:node /data
USER node
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["/usr/bin/tini", "--", "node", "bin/watchpost.js"]
CMD ["api", "--host", "0.0.0.0"]
