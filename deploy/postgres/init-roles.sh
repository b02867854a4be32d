#!/usr/bin/env bash
# The database and its two roles (docs/security.md, "Database roles"), for the postgres image: it
# runs this once, on an empty data dir (/docker-entrypoint-initdb.d/), as its superuser.
#   ingest_owner  owns database ecommerce_events and its schema; `ingest-server migrate` runs as it
#   ingest        the role ingest-server serves as: CONNECT and TEMPORARY on the database; its
#                 rights on the tables come from `ingest-server migrate --grant-to ingest`
# The passwords come from the environment (INGEST_OWNER_PASSWORD, INGEST_DB_PASSWORD) through psql's
# \getenv: they are never part of a command line. By hand, run the same SQL as a superuser.
set -euo pipefail
: "${INGEST_OWNER_PASSWORD:?set INGEST_OWNER_PASSWORD (the password of role ingest_owner)}"
: "${INGEST_DB_PASSWORD:?set INGEST_DB_PASSWORD (the password of role ingest)}"

psql -X -q -v ON_ERROR_STOP=1 --username "${POSTGRES_USER:-postgres}" --dbname postgres <<'SQL'
\getenv owner_password INGEST_OWNER_PASSWORD
\getenv serving_password INGEST_DB_PASSWORD
CREATE ROLE ingest_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
CREATE ROLE ingest LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'serving_password';
CREATE DATABASE ecommerce_events OWNER ingest_owner ENCODING 'UTF8' TEMPLATE template0;
GRANT CONNECT, TEMPORARY ON DATABASE ecommerce_events TO ingest;
\connect ecommerce_events
ALTER SCHEMA public OWNER TO ingest_owner;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO ingest;
SQL
echo "init-roles.sh: database ecommerce_events, roles ingest_owner (owner) and ingest (serving)"
