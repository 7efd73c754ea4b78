"""A backup restores without loss: the live server backs its database up with the shipped
backup job (OCA auto_backup), scripts/restore.sh restores it into a new database, and the key
tables agree row for row and to the cent (issue 14)."""

import configparser
import glob
import json
import os
import pathlib
import shutil
import subprocess

import psycopg2
import pytest
from conftest import signed_contract
from test_collections_rpc import make_customer

ROOT = pathlib.Path(__file__).resolve().parents[2]
RESTORED = "wsv_restore_check"
# per key table: rows, and its money to the cent
FIGURES = {
    "customers": "SELECT count(*), 0 FROM res_partner WHERE is_customer",
    "contacts": "SELECT count(*), 0 FROM res_partner WHERE NOT is_company",
    "contracts": "SELECT count(*), coalesce(sum(round(amount_total * 100)), 0) FROM sale_order"
    " WHERE is_contract",
    "contract lines": "SELECT count(*), coalesce(sum(round(price_subtotal * 100)), 0)"
    " FROM sale_order_line",
    "installments": "SELECT count(*), coalesce(sum(round(amount * 100)), 0),"
    " coalesce(sum(round(amount_collected * 100)), 0) FROM wsv_receivable_installment",
    "collections": "SELECT count(*), coalesce(sum(round(amount * 100)), 0) FROM wsv_collection",
    "invoices": "SELECT count(*), coalesce(sum(round(amount_total * 100)), 0) FROM account_move",
    "payments": "SELECT count(*), coalesce(sum(round(amount * 100)), 0) FROM account_payment",
    "documents": "SELECT count(*), 0 FROM ir_attachment WHERE res_model = 'wsv.contract.document'",
    "audit log": "SELECT count(*), 0 FROM auditlog_log",
}


def figures(dbname):
    with psycopg2.connect(dbname=dbname) as conn, conn.cursor() as cr:
        result = {}
        for name, sql in FIGURES.items():
            cr.execute(sql)
            result[name] = tuple(int(v) for v in cr.fetchone())
        return result


def filestore_files(dbname):
    with psycopg2.connect(dbname=dbname) as conn, conn.cursor() as cr:
        cr.execute("SELECT store_fname FROM ir_attachment WHERE store_fname IS NOT NULL")
        return {row[0] for row in cr.fetchall()}


def drop(dbname):
    subprocess.run(["dropdb", "--if-exists", "--force", dbname], check=True)
    shutil.rmtree(data_dir() / "filestore" / dbname, ignore_errors=True)


def data_dir():
    conf = configparser.ConfigParser()
    conf.read(os.environ["WSV_CONF"])
    return pathlib.Path(conf["options"]["data_dir"])


@pytest.fixture
def restored():
    drop(RESTORED)
    yield RESTORED
    drop(RESTORED)


def test_backup_restores_without_loss(server, admin, people, restored):
    # money in every key table: a signed contract, a payment booked on its installments
    customer = make_customer(admin, people)
    signed_contract(admin, people["it_sales_a1"], customer)
    payment = people["it_finance"](
        "account.payment",
        "create",
        [
            {
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": customer,
                "amount": 1234.56,
            }
        ],
    )
    people["it_finance"]("account.payment", "action_wsv_allocate", [[payment]])
    backup = admin(
        "ir.model.data", "check_object_reference", ["wsv_crm_customer", "db_backup_daily"]
    )[1]
    folder = admin("db.backup", "read", [[backup], ["folder"]])[0]["folder"]
    before = set(glob.glob(os.path.join(folder, "*.zip")))
    admin("db.backup", "action_backup", [[backup]])
    made = sorted(set(glob.glob(os.path.join(folder, "*.zip"))) - before)
    assert len(made) == 1, f"the backup job made {made} in {folder}"
    # the server is idle now (the tests run one at a time): the backup is of this state
    expected = figures(server["db"])
    subprocess.run(
        [str(ROOT / "scripts/restore.sh"), "-c", os.environ["WSV_CONF"], made[0], restored],
        check=True,
    )
    got = figures(restored)
    # the figures, for the record (the closing notes quote them)
    report = pathlib.Path(os.environ.get("WSV_HOME", "/tmp")) / "restore_check.json"
    report.write_text(json.dumps({"expected": expected, "restored": got}, ensure_ascii=False))
    assert got == expected
    assert all(expected[k][0] > 0 for k in ("contracts", "installments", "collections", "payments"))
    # the files came back with the database: every stored attachment is on disk
    files = data_dir() / "filestore" / restored
    missing = [f for f in filestore_files(restored) if not (files / f).exists()]
    assert not missing, f"{len(missing)} files of the restored database are not on disk"
    # and the copy is a database of its own
    with psycopg2.connect(dbname=restored) as conn, conn.cursor() as cr:
        cr.execute("SELECT value FROM ir_config_parameter WHERE key = 'database.uuid'")
        restored_uuid = cr.fetchone()[0]
    assert restored_uuid != admin("ir.config_parameter", "get_param", ["database.uuid"])


def test_restore_refuses_an_existing_database(server):
    answer = subprocess.run(
        [str(ROOT / "scripts/restore.sh"), "-c", os.environ["WSV_CONF"], __file__, server["db"]],
        capture_output=True,
        text=True,
        check=False,
    )
    assert answer.returncode != 0 and "exists" in answer.stderr, answer.stderr
