#!/usr/bin/env bash
# First start of the primary (docker-entrypoint-initdb.d): a role the replica streams with, and
# the pg_hba line that lets it (replication connections match only the `replication` keyword).
set -euo pipefail
psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" <<SQL
CREATE ROLE replicator WITH REPLICATION LOGIN PASSWORD '${REPLICATION_PASSWORD}';
SQL
echo "host replication replicator all scram-sha-256" >> "$PGDATA/pg_hba.conf"
