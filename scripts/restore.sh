#!/usr/bin/env bash
# Restore a backup into a NEW database and start nothing else.
#   scripts/restore.sh [-c CONF] [--neutralize] BACKUP.zip NEWDB
# BACKUP.zip: a backup of auto_backup (the server's data directory, backups/<database>/) or of
# Odoo's database manager: the database and its files. Odoo's own loader ("odoo-bin db load")
# restores both; the new database gets a new identity (uuid), as a copy does, so it never
# talks to the outside systems as the original. --neutralize: also switch off its jobs and
# mail servers (Odoo's neutralize), for a copy to test on. Refuses a database that exists.
# CONF: the server's configuration (database server and data directory); default: written
# for this machine as scripts/run.sh does.
source "$(dirname "$0")/env.sh"
CONF='' NEUTRALIZE=()
while [ $# -gt 0 ]; do
    case "$1" in
    -c) CONF=$2; shift 2 ;;
    --neutralize) NEUTRALIZE=(--neutralize); shift ;;
    -h | --help) sed -n '2,11p' "$0"; exit 0 ;;
    *) break ;;
    esac
done
[ $# = 2 ] || die "usage: scripts/restore.sh [-c CONF] [--neutralize] BACKUP.zip NEWDB"
BACKUP=$1 DB=$2
[ -f "$BACKUP" ] || die "no backup file $BACKUP"
ensure_venv
ensure_postgres
! db_exists "$DB" || die "database $DB exists: restore into a new one (or drop it first)"
if [ -z "$CONF" ]; then
    CONF=$(mktemp)
    trap 'rm -f "$CONF"' EXIT
    write_odoo_conf "$CONF" "$DB" 8069 dev
fi
FILES=$(conf_value "$CONF" data_dir)/filestore/$DB
[ ! -e "$FILES" ] || die "$FILES exists (files of an earlier database $DB): move it away first"
say "restoring $BACKUP into $DB"
odoo_bin db -c "$CONF" load "${NEUTRALIZE[@]}" "$DB" "$BACKUP" || die "restore of $BACKUP failed"
say "restored: $DB ($(psql -d "$DB" -Atc 'select count(*) from res_partner') partners, \
$(psql -d "$DB" -Atc 'select count(*) from sale_order') orders); serve it with WSV_DB=$DB scripts/run.sh"
