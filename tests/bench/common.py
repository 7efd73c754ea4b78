"""What the benchmark scripts share: timing, the report line, list loads, the database."""

import argparse
import contextlib
import statistics
import time

import odoo
from odoo import api
from odoo.modules.registry import Registry


def timed(function, *args):
    start = time.perf_counter()
    result = function(*args)
    return time.perf_counter() - start, result


def report(name, value, unit, target, baseline_name, baseline):
    ok = "ok" if value < target else "OVER TARGET"
    print(  # noqa: T201
        f"{name:<44} {value:9.1f} {unit:<3} (target < {target:g} {unit}: {ok}); "
        f"{baseline_name} {baseline:.1f} {unit}, ratio {value / baseline:.1f}x"
    )


def growth(small, large):
    """How a page's query count follows its rows."""
    if large > small:
        return "GROWS WITH ROWS"
    return "constant" if large == small else "no more for more rows"


def list_load(env, model, view_xmlid, domain, limits, runs=5):
    """Median server time (ms) and most queries of a list view's load, per page size, as the
    web client asks it (web_search_read with the view's fields)."""
    view = env.ref(view_xmlid)
    fields_ = model.get_views([(view.id, "list")])["models"][model._name]["fields"]
    spec = {
        name: {"fields": {"display_name": {}}} if model._fields[name].type == "many2one" else {}
        for name in fields_
    }
    model.web_search_read(domain, spec, limit=max(limits))  # warm, as a second load would be
    results = {}
    for limit in limits:
        times, counts = [], []
        for _ in range(runs):
            env.invalidate_all()
            before = env.cr.sql_log_count
            seconds, _ = timed(model.web_search_read, domain, spec, 0, limit)
            times.append(seconds * 1000)
            counts.append(env.cr.sql_log_count - before)
        results[limit] = (statistics.median(times), max(counts))
    small, large = min(limits), max(limits)
    print(  # noqa: T201
        f"  queries: {results[small][1]} for {small} rows, {results[large][1]} for {large} rows "
        f"({growth(results[small][1], results[large][1])})"
    )
    return results


@contextlib.contextmanager
def bench_env(description):
    """An environment on the database of the command line, rolled back at the end."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("-c", "--config", required=True)
    parser.add_argument("-d", "--database", required=True)
    args = parser.parse_args()
    odoo.tools.config.parse_config(["-c", args.config, "-d", args.database, "--log-level=warn"])
    odoo.modules.module.initialize_sys_path()  # our addons, importable as odoo.addons.*
    with Registry(args.database).cursor() as cr:
        yield api.Environment(cr, odoo.SUPERUSER_ID, {"lang": "zh_CN", "tracking_disable": False})
        cr.rollback()
