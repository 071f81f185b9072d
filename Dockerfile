# syntax=docker/dockerfile:1.7
# ops-router image: built from source in a Maven stage, run on a small JRE 17 base as a non-root user.
#   docker build -t ops-router .
#   docker run -p 8080:8080 -v "$PWD/routes:/opt/ops-router/routes:ro" -v "$PWD/config:/opt/ops-router/config:ro" ops-router

FROM maven:3.9-eclipse-temurin-17 AS build
WORKDIR /src
COPY pom.xml .
# dependencies in their own layer (and a BuildKit cache), so a source change does not download them again
# (a warm-up only: a failure here is retried by the package step below)
RUN --mount=type=cache,target=/root/.m2 mvn -B -q dependency:go-offline || true
COPY src ./src
RUN --mount=type=cache,target=/root/.m2 mvn -B -q package -Dmaven.test.skip=true \
 && cp target/ops-router.jar /ops-router.jar

FROM eclipse-temurin:17-jre-alpine AS runtime
# tini as PID 1 forwards SIGTERM to the JVM, so `docker stop` runs the router's clean shutdown
RUN apk add --no-cache tini \
 && addgroup -S -g 10001 opsrouter \
 && adduser -S -D -H -u 10001 -G opsrouter -h /opt/ops-router opsrouter \
 && mkdir -p /opt/ops-router /var/lib/ops-router/backups \
 && chown opsrouter:opsrouter /var/lib/ops-router /var/lib/ops-router/backups

WORKDIR /opt/ops-router
COPY --from=build /ops-router.jar /opt/ops-router/ops-router.jar
# shipped defaults; mount your own over them (read-only is fine) to edit without rebuilding
COPY routes /opt/ops-router/routes
COPY config /opt/ops-router/config

# heap from the container's memory limit, not the host's; fail fast rather than limp on OOM
ENV ROUTER_HOME=/opt/ops-router \
    ROUTER_HTTP_PORT=8080 \
    ROUTER_DATA_DIR=/var/lib/ops-router \
    JAVA_TOOL_OPTIONS="-XX:MaxRAMPercentage=75 -XX:InitialRAMPercentage=25 -XX:+ExitOnOutOfMemoryError"

# state (embedded store, notifications.jsonl) and backup archives outlive the container
VOLUME ["/var/lib/ops-router", "/var/lib/ops-router/backups"]
EXPOSE 8080
USER 10001:10001

HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD wget -q -O /dev/null "http://127.0.0.1:${ROUTER_HTTP_PORT}/health" || exit 1

ENTRYPOINT ["/sbin/tini", "--", "java", "-jar", "/opt/ops-router/ops-router.jar"]
CMD ["run"]
