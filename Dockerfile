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
RUN --mount=type=cache,target=/root/.m2 mvn -B -q package -Dmaven.test.skip=true -Dcds.skip=true \
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
COPY jvm.options /opt/ops-router/jvm.options
# AppCDS: a training run (start, stop, exit) with this image's JVM and paths dumps the classes the router loads into
# ops-router.jsa; every start maps them instead of loading and verifying them again (as `mvn package` does locally)
RUN ROUTER_DATA_DIR=/tmp/cds-training ROUTER_HTTP_PORT=0 ROUTER_LOG_LEVEL=WARN \
    java @/opt/ops-router/jvm.options -XX:ArchiveClassesAtExit=/opt/ops-router/ops-router.jsa -Xlog:cds=error \
      -jar /opt/ops-router/ops-router.jar run --home /opt/ops-router --exit-when-ready \
 && rm -rf /tmp/cds-training

# JVM settings: jvm.options (heap 192 MB, serial GC; give the container 384 MB, see docs/operations.md), the same
# file bench/startup measures with; JAVA_OPTS comes last on the command line, so JAVA_OPTS=-Xmx512m overrides it
ENV ROUTER_HOME=/opt/ops-router \
    ROUTER_HTTP_PORT=8080 \
    ROUTER_DATA_DIR=/var/lib/ops-router \
    JAVA_OPTS=""

# state (embedded store, notifications.jsonl) and backup archives outlive the container
VOLUME ["/var/lib/ops-router", "/var/lib/ops-router/backups"]
EXPOSE 8080
USER 10001:10001

HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD wget -q -O /dev/null "http://127.0.0.1:${ROUTER_HTTP_PORT}/health" || exit 1

ENTRYPOINT ["/sbin/tini", "--", "sh", "-c", "exec java @/opt/ops-router/jvm.options -XX:SharedArchiveFile=/opt/ops-router/ops-router.jsa $JAVA_OPTS -jar /opt/ops-router/ops-router.jar \"$@\"", "ops-router"]
CMD ["run"]
