# Task images: one stage per ECR repository of the catalog, built with `docker build --target
# <stage> .` (`npm run images:targets` lists the stages and their repositories). How they are
# built, pushed and deployed: docs/images.md. test/images/dockerfile.test.ts holds every stage, the
# bundles it copies and its CMD to the catalog.
#
# Base: Node 24 LTS (24.18.0) on Debian 12 slim, the official image pinned to the digest of its
# multi-platform index (linux/amd64 and linux/arm64), as docker-library/repo-info lists it for the
# tag `krypton-slim` = 24.18.0-bookworm-slim. Bump the tag and the digest together, in every FROM.

# Bundling runs on the build machine's own platform: the bundles are plain JavaScript.
FROM --platform=$BUILDPLATFORM node:24.18.0-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d AS build
WORKDIR /build
# Dependencies before sources, so a source change reuses this layer. No install scripts run:
# esbuild finds its binary package without its postinstall.
COPY package.json package-lock.json ./
RUN npm ci --ignore-scripts --no-audit --no-fund
# Exactly what `npm run build:tasks` reads (.dockerignore keeps everything else out of the context).
COPY tsconfig.json ./
COPY core/ core/
COPY catalog/ catalog/
COPY environments/ environments/
COPY event-client/ event-client/
COPY task-programs/ task-programs/
COPY delivery/ delivery/
COPY tooling/ tooling/
COPY scripts/build-tasks.ts scripts/
RUN npm run build:tasks

# What every task image shares: Node and nothing else of this repository. No node_modules: each
# bundle carries its packages. No HEALTHCHECK: these are one-shot tasks, and ECS neither monitors
# an image's HEALTHCHECK nor stops a standalone task for one (docs/images.md).
FROM node:24.18.0-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d AS runtime
# Stack traces name the TypeScript lines, through the source map beside each bundle.
ENV NODE_OPTIONS=--enable-source-maps
WORKDIR /app
# The official image's unprivileged user `node`, by number so that a runtime can tell it is not
# root without reading /etc/passwd. The bundles stay root-owned, so a task cannot rewrite its own
# program.
USER 1000:1000

FROM runtime AS booking-saga--compensation
COPY --from=build /build/dist/cancel-booking.js /build/dist/cancel-booking.js.map dist/
CMD ["node", "dist/cancel-booking.js"]

FROM runtime AS booking-saga--notification
COPY --from=build /build/dist/notify.js /build/dist/notify.js.map dist/
CMD ["node", "dist/notify.js"]

FROM runtime AS booking-saga--payment
COPY --from=build /build/dist/charge-payment.js /build/dist/charge-payment.js.map dist/
CMD ["node", "dist/charge-payment.js"]

FROM runtime AS booking-saga--seat
COPY --from=build /build/dist/reserve-seats.js /build/dist/reserve-seats.js.map dist/
CMD ["node", "dist/reserve-seats.js"]
