# The naive single-stage image of the example app (examples/monorepo) that build.image-size-ratio
# compares with: everything copied in, every dependency installed (dev ones too), built in place,
# run from the same image. This is what a first Dockerfile usually looks like.
FROM node:24-bookworm-slim
WORKDIR /app
COPY . .
RUN npm ci --ignore-scripts --no-audit --no-fund
ARG NEXT_PUBLIC_APP_NAME
RUN touch /tmp/no-schema-engine && PRISMA_SCHEMA_ENGINE_BINARY=/tmp/no-schema-engine npm run generate \
 && npm run build -w @runway-example/web
ENV NODE_ENV=production
EXPOSE 8080
CMD ["node", "apps/web/build/standalone/apps/web/server.js"]
