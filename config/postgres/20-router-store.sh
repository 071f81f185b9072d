#!/bin/sh
# Runs once in the postgres container on an empty data volume (docker-entrypoint-initdb.d):
# creates the router's own store beside the monitored database. The router's Flyway migrations fill it.
set -eu
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname "$POSTGRES_DB" \
  -c "CREATE DATABASE \"${ROUTER_DB_NAME:-ops_router}\""
