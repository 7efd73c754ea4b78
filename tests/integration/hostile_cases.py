"""The hostile inputs of test_hostile_input: values by field type, domains, query arguments,
method arguments. Data only; the test builds the calls from these and the live server's
``fields_get``.

Each value is ``(kind, value)``: ``kind`` names it in the failures and the summary.
"""

# the core models our addons extend, besides every ``wsv.*`` model
CORE_MODELS = (
    "res.partner",
    "sale.order",
    "sale.order.line",
    "account.move",
    "account.payment",
    "crm.lead",
)

# text that must be kept literally, never run or interpreted
TEXTS = [
    ("huge", "长" * 100_000),
    ("sql", "'; DROP TABLE res_partner; --"),
    ("format", "%s %(x)s {0} {x!r} %n"),
    ("script", "<script>window.__xss=1</script>"),
    ("img", '<img src=x onerror="alert(1)">'),
    ("unicode", "\u202eevil\u202c 😀 ﷽ e\u0301"),
]
# XML 1.0 cannot carry a NUL character at all (the XML-RPC request would not parse): NUL is
# sent over JSON-RPC only
NUL = ("nul", "a\x00b")

NUMBERS = [
    ("str", "abc"),
    ("huge_float", 1e308),
    ("int64", 2**63),
    ("int32", 2**31),
    ("negative", -1),
    ("none", None),
    ("list", []),
]
BY_TYPE = {
    "char": TEXTS,
    "text": TEXTS,
    "html": TEXTS,
    "integer": NUMBERS,
    "float": NUMBERS,
    "monetary": NUMBERS,
    "many2one": [
        ("str", "x"),
        ("negative", -1),
        ("missing", 999_999_999),
        ("int64", 2**63),
        ("invisible", "INVISIBLE"),  # replaced by a comodel id the caller cannot read
    ],
    "many2one_reference": [("str", "x"), ("int64", 2**63)],
    "date": [("bad_date", "2025-13-45"), ("word", "yesterday"), ("number", 12)],
    "datetime": [("bad_date", "2025-13-45 25:61:00"), ("word", "yesterday"), ("list", [1])],
    "selection": [("not_a_key", "not_a_key"), ("number", 7), ("list", ["a"])],
    "boolean": [("word", "yes"), ("dict", {"a": 1})],
    "one2many": [
        ("not_a_list", "x"),
        ("bad_command", [(99, 0, 0)]),
        ("short_command", [(1,)]),
        ("str_ids", [(6, 0, ["x"])]),
        ("missing_ids", [(4, 999_999_999)]),
        ("create_junk", [(0, 0, "x")]),
    ],
    "binary": [("not_base64", "!!!not base64!!!"), ("number", 5)],
    "json": [("str", "{not json"), ("number", 5)],
    "properties": [("str", "x"), ("number", 5)],
    "reference": [("str", "x"), ("bad_model", "no.model,1")],
}
BY_TYPE["many2many"] = BY_TYPE["one2many"]

EXTRA_FIELDS = {"wsv_no_such_field": 1, "id": 5}

# search domains: each must give a clear error or a result, never a server error
DOMAINS = [
    ("unknown_field", [("wsv_no_such_field", "=", 1)]),
    ("sql_in", [("id", "in", "1) OR 1=1 --")]),
    ("sql_eq", [("id", "=", "1 OR 1=1")]),
    ("bad_operator", [("id", "; DROP TABLE x", 1)]),
    ("long_term", [("id", "=", 1, 2)]),
    ("not_a_list", "[('id', '>', 0)]"),
    ("bad_logic", ["&", ("id", ">", 0)]),
    ("unknown_path", [("create_uid.wsv_no_such_field", "=", 1)]),
    ("like_wildcards", [("display_name", "ilike", "%_%\\")]),
    ("dict_value", [("id", "=", {"a": 1})]),
]
# (kind, kwargs) for search_read
SEARCH_KWARGS = [
    ("order_sql", {"order": "id; DROP TABLE x"}),
    ("order_unknown", {"order": "wsv_no_such_field desc"}),
    ("limit_str", {"limit": "x"}),
    ("offset_negative", {"offset": -1}),
    ("limit_negative", {"limit": -5}),
    ("fields_unknown", {"fields": ["wsv_no_such_field"]}),
    ("fields_str", {"fields": "name"}),
]
# (kind, args, kwargs) for read_group
READ_GROUP = [
    ("groupby_unknown", [[], ["id:count"], ["wsv_no_such_field"]], {}),
    ("aggregate_sql", [[], ["id:sum); DROP TABLE x; --"], []], {}),
    ("groupby_sql", [[], ["id:count"], ["create_date:day; DROP"]], {}),
    ("orderby_sql", [[], ["id:count"], ["create_uid"]], {"orderby": "1; DROP TABLE x"}),
]
# (kind, ids) passed where a method expects record ids
BAD_IDS = [
    ("str_ids", "abc"),
    ("dict_ids", {"a": 1}),
    ("nested_ids", [[1]]),
    ("missing", [999_999_999]),
    ("int64", [2**63]),
]
# (kind, extra positional args, extra kwargs) for every public method
BAD_ARGS = [
    ("extra_arg", ["x", 1, [], {}], {}),
    ("extra_kwarg", [], {"wsv_bogus": 1}),
]
