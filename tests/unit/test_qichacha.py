import datetime
import pathlib
import sys
import threading
import time

import pytest

from odoo.addons.wsv_crm_customer.lib import qichacha

# The simulators package lives at the repository root, outside the addons path.
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parents[2]))
from simulators import qichacha as sim  # noqa: E402

KEY, SECRET = "wsv-demo-key", "wsv-demo-secret"


def test_sign_known_vector():
    # MD5("wsv-demo-key" + "1700000000" + "wsv-demo-secret"), computed independently.
    assert qichacha.sign(KEY, SECRET, "1700000000") == "366B872A1B711F21550677CF4177FF54"


def test_simulator_signs_like_the_client():
    assert sim.sign(KEY, SECRET, "1700000000") == qichacha.sign(KEY, SECRET, "1700000000")


def test_normalize_result_maps_every_field():
    company = qichacha.normalize_result(
        {
            "Name": "宝山钢铁股份有限公司",
            "CreditCode": "91310000631696382C",
            "OperName": "吴志刚",
            "RegistCapi": "100000万元人民币",
            "Status": "存续",
            "Address": "上海市宝山区富锦路885号",
            "Scope": "钢铁冶炼、加工",
            "StartDate": "2000-02-03 00:00:00",
            "EconKind": "其他股份有限公司（上市）",
        }
    )
    assert company == {
        "legal_name": "宝山钢铁股份有限公司",
        "credit_code": "91310000631696382C",
        "legal_representative": "吴志刚",
        "registered_capital": "100000万元人民币",
        "registry_status": "存续",
        "address": "上海市宝山区富锦路885号",
        "business_scope": "钢铁冶炼、加工",
        "founding_date": datetime.date(2000, 2, 3),
    }


@pytest.mark.parametrize(
    "value, expected",
    [
        ("2002-12-30 00:00:00", datetime.date(2002, 12, 30)),
        ("2002-12-30", datetime.date(2002, 12, 30)),
        (" 2002-12-30 ", datetime.date(2002, 12, 30)),
        ("", None),
        (None, None),
        ("2002-13-45", None),
        ("30/12/2002", None),
        ("2002-12-30T00:00:00Z", None),
        (20021230, None),
    ],
)
def test_normalize_result_founding_date(value, expected):
    assert qichacha.normalize_result({"StartDate": value})["founding_date"] == expected


def test_normalize_result_missing_keys_are_none():
    company = qichacha.normalize_result({"Name": "某公司", "Address": ""})
    assert company["legal_name"] == "某公司"
    assert company["address"] is None
    assert set(company) == set(qichacha.FIELDS.values())
    assert all(v is None for k, v in company.items() if k != "legal_name")


def test_normalize_result_without_result():
    assert qichacha.normalize_result(None) is None


@pytest.mark.parametrize(
    "keyword, code",
    [
        ("宝山钢铁股份有限公司", "91310000631696382C"),
        ("91310000631696382c", "91310000631696382C"),
        (" 宝山钢铁 股份有限公司\u3000", "91310000631696382C"),
        ("宝山钢铁", None),
        ("", None),
    ],
)
def test_simulator_find(keyword, code):
    found = sim.find(keyword)
    assert (found["CreditCode"] if found else None) == code


def test_simulator_names_fold_brackets():
    assert sim._fold("测试（中国） 有限公司") == sim._fold("测试(中国)有限公司")


def test_simulator_dataset_is_complete():
    assert len(sim.RESULTS) == 12
    for result in sim.RESULTS:
        assert all(result.values()), result["Name"]
        assert result["Status"] == "存续"
        assert len(result["CreditCode"]) == 18


def _serve(**options):
    server = sim.make_server(port=0, **options)
    # A short poll interval: shutdown() waits for the next poll, 0.5 s by default.
    thread = threading.Thread(target=server.serve_forever, args=(0.01,), daemon=True)
    thread.start()
    return server, thread


def _stop(server, thread):
    server.shutdown()
    server.server_close()
    thread.join()


@pytest.fixture
def url():
    server, thread = _serve()
    yield "http://127.0.0.1:%d" % server.server_address[1]
    _stop(server, thread)


def _client(url, **options):
    return qichacha.Client(url, options.pop("key", KEY), options.pop("secret", SECRET), **options)


def test_lookup_by_name(url):
    result = _client(url).lookup("国网江苏省电力有限公司")
    assert result.status == "200"
    assert result.message == "【有效请求】查询成功"
    assert result.company["credit_code"] == "91320000134766570R"
    assert result.company["legal_name"] == "国网江苏省电力有限公司"
    assert result.company["registry_status"] == "存续"
    assert isinstance(result.company["founding_date"], datetime.date)
    assert result.payload["Result"]["KeyNo"]
    assert result.payload["OrderNumber"].startswith("ECIV4")
    assert result.duration_ms > 0


def test_lookup_by_credit_code(url):
    result = _client(url).lookup("91320506MA1MXK2T4C")
    assert result.company["legal_name"] == "苏州工业园区能源服务有限公司"
    assert result.company["founding_date"] == datetime.date(2016, 10, 18)
    assert result.company["registered_capital"].endswith("万元人民币")


def test_order_number_is_stable(url):
    client = _client(url)
    first = client.lookup("国网浙江省电力有限公司").payload["OrderNumber"]
    assert client.lookup("国网浙江省电力有限公司").payload["OrderNumber"] == first


def test_not_found(url):
    with pytest.raises(qichacha.NotFound) as caught:
        _client(url).lookup("不存在的公司")
    error = caught.value
    assert (error.code, error.message) == ("201", "查询无结果")
    assert error.payload["Result"] is None
    assert error.duration_ms > 0


def test_wrong_key(url):
    with pytest.raises(qichacha.AuthError) as caught:
        _client(url, key="wrong").lookup("宝山钢铁股份有限公司")
    assert (caught.value.code, caught.value.message) == ("101", "无效的Key")
    assert caught.value.payload["Status"] == "101"


def test_wrong_secret(url):
    with pytest.raises(qichacha.AuthError) as caught:
        _client(url, secret="wrong").lookup("宝山钢铁股份有限公司")
    assert (caught.value.code, caught.value.message) == ("102", "Token验证失败")


def test_expired_timespan(url):
    client = _client(url, clock=lambda: time.time() - 1000)
    with pytest.raises(qichacha.AuthError) as caught:
        client.lookup("宝山钢铁股份有限公司")
    assert caught.value.code == "102"


def test_rate_limited():
    server, thread = _serve(rate_per_second=2)
    client = _client("http://127.0.0.1:%d" % server.server_address[1])
    limited = []
    try:
        for _ in range(5):
            try:
                client.lookup("宝山钢铁股份有限公司")
            except qichacha.RateLimited as error:
                limited.append(error)
    finally:
        _stop(server, thread)
    assert limited
    assert limited[0].code == "111"
    assert limited[0].message == "请求频率过快，请稍后再试"


def test_timeout(url):
    with pytest.raises(qichacha.RegistryError) as caught:
        _client(url, timeout=0.5).lookup(sim.SLOW_KEYWORD)
    assert type(caught.value) is qichacha.RegistryError
    assert caught.value.code == "timeout"
    assert caught.value.duration_ms >= 400


def test_unreachable():
    server, thread = _serve()
    port = server.server_address[1]
    _stop(server, thread)  # nothing listens on the port any more
    with pytest.raises(qichacha.RegistryError) as caught:
        _client("http://127.0.0.1:%d" % port, timeout=2).lookup("宝山钢铁股份有限公司")
    assert caught.value.code == "network"
    assert caught.value.payload is None


def test_unknown_path(url):
    with pytest.raises(qichacha.RegistryError) as caught:
        _client(url + "/nope").lookup("宝山钢铁股份有限公司")
    assert caught.value.code == "http"
    assert "404" in caught.value.message
    assert caught.value.payload
    assert caught.value.duration_ms > 0


class _Response:
    """A stand-in for requests.Response with a body that is not the service's envelope."""

    status_code, reason = 200, "OK"

    def __init__(self, body):
        self.text = body

    def json(self):
        import json

        return json.loads(self.text)


class _Session:
    def __init__(self, body):
        self.body = body

    def get(self, *args, **kwargs):
        return _Response(self.body)


@pytest.mark.parametrize("body", ["<html>busy</html>", '{"Message": "no status"}', "[1, 2]"])
def test_bad_format(body):
    client = qichacha.Client("http://registry", KEY, SECRET, session=_Session(body))
    with pytest.raises(qichacha.RegistryError) as caught:
        client.lookup("宝山钢铁股份有限公司")
    assert caught.value.code == "format"
    assert caught.value.payload


def test_unknown_status_is_a_plain_registry_error():
    body = '{"Status": "999", "Message": "其他错误", "Result": null}'
    client = qichacha.Client("http://registry", KEY, SECRET, session=_Session(body))
    with pytest.raises(qichacha.RegistryError) as caught:
        client.lookup("宝山钢铁股份有限公司")
    assert type(caught.value) is qichacha.RegistryError
    assert (caught.value.code, caught.value.message) == ("999", "其他错误")
