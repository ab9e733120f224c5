#!/bin/bash
# Tag-list queries at a scale no registry push reaches in minutes (benchmark, not a test): migrates a scratch
# database from dist/ (npm run build first), loads N tags of one manifest into version 1 of one repository with
# SQL alone (through the repository_content fill trigger), then times the queries the API issues for
# content/netboot/tags/?repository_version=… (psql \timing, three runs each on one connection after a first):
# working out the version's tag outline (done once, when a version is created), a page read from the outline's
# nearest mark at the start, middle and end in both orders (what every page costs), and for comparison the exact
# count and plain OFFSET pages (what a page cost before outlines). Drops the database.
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
# A page as the API reads it (content.repository.ts versionTagPage): limit, offset[, bound operator, name].
page() {
  echo "SELECT tag.id, tag.name, tag.manifest_id, tag.digest, tag.pulp_created
          FROM (SELECT content_id, tag_name FROM repository_content WHERE $WHERE ${3:+AND tag_name $3 '$4'}
                 ORDER BY tag_name ${DIRECTION:-ASC} LIMIT $1 OFFSET $2) page
          CROSS JOIN LATERAL (SELECT t.id, t.name, t.manifest_id, m.digest, c.pulp_created
            FROM tags t JOIN content c ON c.id = t.id JOIN manifests m ON m.id = t.manifest_id
           WHERE t.id = page.content_id LIMIT 1) tag
         ORDER BY page.tag_name ${DIRECTION:-ASC}"
}
# The same page joined as before (the planner hashes whole scans of tags and content at this size).
joined() {
  echo "SELECT t.id, t.name, t.manifest_id, m.digest, c.pulp_created
          FROM (SELECT content_id, tag_name FROM repository_content WHERE $WHERE
                 ORDER BY tag_name ASC LIMIT $1 OFFSET $2) page
          JOIN tags t ON t.id = page.content_id JOIN content c ON c.id = t.id JOIN manifests m ON m.id = t.manifest_id
         ORDER BY page.tag_name ASC"
}
# Four runs on one connection, as the API's pooled connections run them: the first (a new connection's cold caches)
# is shown apart from the three after it.
run() {
  psql "$URL" -qAt -c '\timing on' -c "$2" -c "$2" -c "$2" -c "$2" | grep '^Time' |
    awk -v label="$1" 'NR == 1 { first = $2 } NR > 1 { t = t " " $2 } END { print label ":" t " ms (first " first ")" }'
}
echo "$N tags in one version:"
run "outline (count and every 1000th name, once per version)" \
  "SELECT count(*), array_agg(tag_name ORDER BY position) FILTER (WHERE position % 1000 = 0)
     FROM (SELECT tag_name, row_number() OVER (ORDER BY tag_name) - 1 AS position FROM repository_content WHERE $WHERE) r"
# Tag names are t0000000 …, so the mark at position p is t<p>. Where a page starts is worked out as tagPageStart
# does, at offsets where it skips the most (999 entries) near the start, middle and end of each order.
name() { printf 't%07d' "$1"; }
for at in 999 $((N / 2 + 999)) $((N - 2001)); do
  mark=$((at / 1000 * 1000))
  run "page limit 2000 at offset $at, ascending (from the mark, skips $((at - mark)))" \
    "$(page 2000 $((at - mark)) '>=' "$(name $mark)")"
done
for at in 998 $((N / 2 - 2)) $((N - 2002)); do
  first=$((N - 1 - at)) mark=$(((N - 1 - at + 999) / 1000 * 1000))
  if [ $mark -gt $((N - 1)) ]; then
    run "page limit 2000 at offset $at, descending (skips $at)" "$(DIRECTION=DESC page 2000 $at)"
  else
    run "page limit 2000 at offset $at, descending (from the mark, skips $((mark - first)))" \
      "$(DIRECTION=DESC page 2000 $((mark - first)) '<=' "$(name $mark)")"
  fi
done
echo "for comparison, without the outline (an exact count, pages by OFFSET) and with the page joined as before:"
run "count" "SELECT count(*) FROM repository_content WHERE $WHERE"
for at in 0 $((N / 2)) $((N - 2000)); do
  run "page limit 2000 by OFFSET $at" "$(page 2000 $at)"
  run "page limit 2000 by OFFSET $at, joined" "$(joined 2000 $at)"
done
