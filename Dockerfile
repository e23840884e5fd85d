# One recipe for every app's image: `docker build --build-arg APP=<folder under apps/> -t herohooks-<app> .`
# All apps build the same way (pnpm workspace, one tsup bundle) and run the same way (`node dist/main.js`), so
# one file with ARG APP replaces seven copies that would drift apart. docker-compose.yml sets APP per service.

FROM node:20-bookworm-slim AS build
ARG APP
RUN test -n "$APP" || { echo "build with --build-arg APP=<app folder under apps/>" >&2; exit 1; }
# corepack cannot fetch pnpm in every build environment; npm can.
RUN npm i -g pnpm@10
WORKDIR /repo
# Dependencies first, keyed only on the lockfile, so a source change reuses this layer.
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
# pnpm applies these patches of dependencies on install (pnpm-workspace.yaml: patchedDependencies).
COPY patches ./patches
RUN pnpm fetch
COPY . .
RUN pnpm install --frozen-lockfile --offline
RUN pnpm --filter "@herohooks/${APP}" build
# The app's package with its production dependencies only, in a plain node_modules: what the runtime stage runs.
RUN pnpm --filter "@herohooks/${APP}" deploy --prod --legacy /out

FROM node:20-bookworm-slim AS runtime
ARG APP
# PORT (ingress), BOARD_PORT (board) and METRICS_PORT (router and workers: health and metrics listener) are the
# ports each app serves /healthz on; an app ignores the ones that are not its own.
ENV NODE_ENV=production \
    APP=${APP} \
    PORT=3000 \
    BOARD_PORT=3001 \
    METRICS_PORT=9100
WORKDIR /app
COPY --from=build --chown=node:node /out ./
USER node
HEALTHCHECK --interval=15s --timeout=5s --start-period=20s --retries=3 \
  CMD ["node", "-e", "const e=process.env,p={ingress:e.PORT,board:e.BOARD_PORT}[e.APP]??e.METRICS_PORT;fetch('http://127.0.0.1:'+p+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# /app is apps/<APP> deployed: the same `node apps/<APP>/dist/main.js` that `pnpm start` and the chaos test run.
CMD ["node", "dist/main.js"]
