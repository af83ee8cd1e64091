# One image for every pipewatch service; the command picks the role
# (collector, detector, alerter, setup, start).
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app /app
USER node
EXPOSE 8080
ENTRYPOINT ["node", "services/cli/bin/pipewatch.js"]
CMD ["start"]
