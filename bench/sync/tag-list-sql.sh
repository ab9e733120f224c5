#!/bin/bash
# Tag-list queries at a scale no registry push reaches in minutes (benchmark, not a test): migrates a scratch
# database from dist/ (npm run build first), loads N tags of one manifest into version 1 of one repository with
# SQL alone (through the repository_content fill trigger), then times the queries the API issues for
# content/netboot/tags/?repository_version=… (psql \timing, 3 runs each: the count, OFFSET pages as for a page
# asked cold, and keyset pages as for the next page of a walk) and drops the database.
# Usage: bench/sync/tag-list-sql.sh [N=500000]
set -euo pipefail
N=${1:-500000}
PG=${TEST_PG_URL:-postgres://postgres@127.0.0.1:5432/postgres}
DB=bootdepot_taglist_$$
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
psql "$PG" -qc "CREATE DATABASE $DB"
trap 'psql "$PG" -qc "DROP DATABASE IF EXISTS $DB WITH (FORCE)"' EXIT
URL=${PG%/*}/$DB
DATABASE_URL=$URL node "$ROOT/dist/libs/domain/src/migrate.cli.js" > /dev/null
R=00000000-0000-0000-0000-0000000000bb
M=00000000-0000-0000-0000-0000000000aa
time psql "$URL" -v ON_ERROR_STOP=1 -q <<SQL
INSERT INTO content (id, kind) VALUES ('$M', 'manifest');
INSERT INTO manifests (id, digest, media_type, raw)
  VALUES ('$M', 'sha256:' || repeat('a', 64), 'application/vnd.oci.image.manifest.v1+json', '\x7b7d');
INSERT INTO repositories (id, name, next_version) VALUES ('$R', 'big', 2);
INSERT INTO repository_versions (repository_id, number) VALUES ('$R', 0), ('$R', 1);
CREATE TEMP TABLE ids AS
  SELECT gen_random_uuid() AS id, 't' || lpad(g::text, 7, '0') AS name FROM generate_series(0, $N - 1) g;
INSERT INTO content (id, kind) SELECT id, 'tag' FROM ids;
INSERT INTO tags (id, name, manifest_id) SELECT id, name, '$M' FROM ids;
INSERT INTO repository_content (repository_id, content_id, version_added) SELECT '$R', id, 1 FROM ids;
VACUUM ANALYZE;
SQL
WHERE="repository_id = '$R' AND kind = 'tag' AND version_added <= 1 AND (version_removed IS NULL OR version_removed > 1)"
page() {
  echo "SELECT t.id, t.name, t.manifest_id, m.digest, c.pulp_created
          FROM (SELECT content_id, tag_name FROM repository_content WHERE $WHERE
                 ORDER BY tag_name ASC LIMIT $1 OFFSET $2) page
          JOIN tags t ON t.id = page.content_id JOIN content c ON c.id = t.id JOIN manifests m ON m.id = t.manifest_id
         ORDER BY page.tag_name ASC"
}
keyset() {
  echo "SELECT t.id, t.name, t.manifest_id, m.digest, c.pulp_created
          FROM (SELECT content_id, tag_name FROM repository_content WHERE $WHERE AND tag_name > '$2'
                 ORDER BY tag_name ASC LIMIT $1) page
          JOIN tags t ON t.id = page.content_id JOIN content c ON c.id = t.id JOIN manifests m ON m.id = t.manifest_id
         ORDER BY page.tag_name ASC"
}
run() {
  for _ in 1 2 3; do psql "$URL" -qAt -c '\timing on' -c "$2" | grep '^Time'; done |
    awk -v label="$1" '{ t = t " " $2 } END { print label ":" t " ms" }'
}
echo "$N tags in one version:"
run "count (first page of a version only)" "SELECT count(*) FROM repository_content WHERE $WHERE"
for at in "1 0" "1 $((N / 2))" "1 $((N - 1))" "2000 0" "2000 $((N / 2))" "2000 $((N - 2000))"; do
  run "page limit offset = $at" "$(page $at)"
done
# What the API runs for the next page of a walk (the tag before the page is known from the page it served).
for offset in $((N / 2)) $((N - 2000)); do
  run "page limit 2000 at offset $offset after the tag before it (keyset)" "$(keyset 2000 "t$(printf '%07d' $((offset - 1)))")"
done
