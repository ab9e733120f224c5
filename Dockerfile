FROM node:20-bookworm-slim AS build
# A C compiler for the content app's sendfile(2) binding (scripts/build-native.mjs); the image runs without one.
RUN apt-get update && apt-get install -y --no-install-recommends gcc libc6-dev && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev

FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /app/package.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
RUN mkdir -p /var/lib/bootdepot && chown node /var/lib/bootdepot
USER node
EXPOSE 24816 24817
CMD ["node", "dist/apps/bootdepot/src/main.js"]
