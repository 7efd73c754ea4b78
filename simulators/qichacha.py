"""Qichacha (企查查) simulator: GET /ECIV4/GetBasicDetailsByName over a built-in dataset.

It checks the key, the Token signature and its Timespan, and a per-key rate limit, and
answers in Qichacha's envelope. Like the real service it reports every outcome with
HTTP 200 and a Status in the JSON body; only an unknown path gets an HTTP error.
"""

import collections
import hashlib
import http.server
import json
import re
import threading
import time
import urllib.parse

PATH = "/ECIV4/GetBasicDetailsByName"
TIMESPAN_TOLERANCE = 300  # seconds a signature stays valid either side of now
SLOW_KEYWORD = "SLOW-TIMEOUT-TEST"  # answers late, so clients can test their timeouts
SLOW_SECONDS = 3

SCOPE_GRID = (
    "电力购销；电网建设、运营与维护；电力输配；电力工程设计、施工与监理；"
    "电力设备检修、试验与租赁；电力技术咨询与服务。"
    "（依法须经批准的项目，经相关部门批准后方可开展经营活动）"
)
SOLE_OWNED = "有限责任公司（非自然人投资或控股的法人独资）"

# (Name, CreditCode, OperName, RegistCapi, Address, Scope, founding date, EconKind, Province)
COMPANIES = [
    ("国网江苏省电力有限公司", "91320000134766570R", "张明华", "8000000万元人民币",
     "江苏省南京市鼓楼区上海路215号", SCOPE_GRID, "1988-12-20", SOLE_OWNED, "JS"),
    ("国网浙江省电力有限公司", "913300001429112459", "李建平", "5000000万元人民币",
     "浙江省杭州市西湖区黄龙路8号", SCOPE_GRID, "1989-03-15", SOLE_OWNED, "ZJ"),
    ("国网山东省电力公司", "91370000163071658C", "王德明", "3200000万元人民币",
     "山东省济南市市中区经二路150号", SCOPE_GRID, "1990-07-01", "全民所有制", "SD"),
    ("广东电网有限责任公司", "91440000673146592W", "陈志强", "6000000万元人民币",
     "广东省广州市越秀区东风东路757号", SCOPE_GRID, "2008-03-25", SOLE_OWNED, "GD"),
    ("广西电网有限责任公司", "91450000198229034P", "黄立新", "2200000万元人民币",
     "广西壮族自治区南宁市青秀区民族大道6号", SCOPE_GRID, "1993-05-18", SOLE_OWNED, "GX"),
    ("云南电网有限责任公司", "91530000216520834Q", "杨海峰", "2800000万元人民币",
     "云南省昆明市西山区拓东路73号", SCOPE_GRID, "1994-11-08", SOLE_OWNED, "YN"),
    ("深圳供电局有限公司", "91440300192241158P", "刘振宇", "2000000万元人民币",
     "广东省深圳市罗湖区深南东路4020号", SCOPE_GRID, "1988-06-01", SOLE_OWNED, "GD"),
    ("苏州工业园区清源华衍水务有限公司", "91320594608237123L", "周文彬", "160000万元人民币",
     "江苏省苏州市苏州工业园区星海街9号",
     "自来水生产与供应；污水处理及其再生利用；给排水管网建设、运营与维护；"
     "水务工程技术咨询与服务。（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
     "1998-04-10", "有限责任公司（中外合资）", "JS"),
    ("上海化学工业区公共管廊有限公司", "913101151322123407", "孙立军", "50000万元人民币",
     "上海市浦东新区浦东大道2123号",
     "化学工业区公共管廊的投资、建设、运营与管理；管道输送服务；管廊设施租赁；"
     "相关技术咨询与服务。（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
     "2002-12-30", "其他有限责任公司", "SH"),
    ("宁波石化经济技术开发区热电有限公司", "91330200144073920U", "胡建军", "30000万元人民币",
     "浙江省宁波市镇海区宁波石化经济技术开发区北海路1号",
     "热力、电力生产和供应；蒸汽供应；热网管道建设与维护；粉煤灰综合利用。"
     "（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
     "1997-09-26", "其他有限责任公司", "ZJ"),
    ("宝山钢铁股份有限公司", "91310000631696382C", "吴志刚", "2220000万元人民币",
     "上海市宝山区富锦路885号",
     "钢铁冶炼、加工；电力、煤炭、工业气体生产；码头、仓储、运输等与钢铁相关的业务；"
     "技术开发、技术转让、技术服务和技术管理咨询服务。"
     "（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
     "2000-02-03", "其他股份有限公司（上市）", "SH"),
    ("苏州工业园区能源服务有限公司", "91320506MA1MXK2T4C", "钱志远", "10000万元人民币",
     "江苏省苏州市吴中区郭巷街道东方大道888号",
     "合同能源管理；综合能源服务；分布式能源项目投资、建设与运营；售电业务；"
     "节能技术咨询与服务。（依法须经批准的项目，经相关部门批准后方可开展经营活动）",
     "2016-10-18", "有限责任公司（非自然人投资或控股的法人独资）", "JS"),
]  # fmt: skip


def sign(key, secret, timespan):
    # Kept apart from the client's copy so the simulator checks the signature independently.
    return hashlib.md5((key + timespan + secret).encode()).hexdigest().upper()


def _digest(text):
    return hashlib.md5(text.encode()).hexdigest()


def _fold(name):
    """Names compare without whitespace and with full-width brackets folded to half-width."""
    return re.sub(r"\s", "", name).translate({ord("（"): "(", ord("）"): ")"})


def _order_number(text):
    # Stable per keyword, shaped like the service's (ECIV4 + digits).
    return "ECIV4" + str(int(_digest(text), 16))[:19]


def _result(row):
    name, code, oper, capital, address, scope, founded, kind, province = row
    return {
        "KeyNo": _digest(code),  # synthetic but stable, like the service's 32-hex ids
        # The old registration number: synthetic, the division code and nine digits.
        "No": code[2:8] + str(int(_digest(name), 16))[:9],
        "Name": name,
        "CreditCode": code,
        "OperName": oper,
        "RegistCapi": capital,
        "Status": "存续",
        "Address": address,
        "Scope": scope,
        "StartDate": founded + " 00:00:00",
        "EconKind": kind,
        "Province": province,
    }


RESULTS = [_result(row) for row in COMPANIES]
INDEX = {r["CreditCode"]: r for r in RESULTS} | {_fold(r["Name"]): r for r in RESULTS}


def find(keyword):
    """The Result for a credit code or a company name, or None."""
    keyword = keyword.strip()
    return INDEX.get(keyword.upper()) or INDEX.get(_fold(keyword))


class Server(http.server.ThreadingHTTPServer):
    # Request threads are daemons (ThreadingHTTPServer's default), so closing the server
    # never waits for a slow answer.

    def __init__(self, address, key, secret, rate_per_second):
        super().__init__(address, Handler)
        self.key = key
        self.secret = secret
        self.rate_per_second = rate_per_second
        self.lock = threading.Lock()
        self.calls = collections.defaultdict(collections.deque)  # key -> recent call times

    def allow(self, key):
        """Count a call for ``key``; False when the last second already had the quota."""
        now = time.monotonic()
        with self.lock:
            calls = self.calls[key]
            while calls and now - calls[0] >= 1.0:
                calls.popleft()
            if len(calls) >= self.rate_per_second:
                return False
            calls.append(now)
            return True


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, format, *args):
        pass  # quiet: a simulator under test would otherwise print a line per request

    def do_GET(self):
        url = urllib.parse.urlsplit(self.path)
        if url.path != PATH:
            self.send_error(404)
            return
        params = {k: v[0] for k, v in urllib.parse.parse_qs(url.query).items()}
        self._reply(self._answer(params.get("key", ""), params.get("keyword", "")))

    def _answer(self, key, keyword):
        server = self.server
        if key != server.key:
            return self._envelope("101", "无效的Key", keyword)
        timespan = self.headers.get("Timespan", "")
        fresh = timespan.isdigit() and abs(time.time() - int(timespan)) <= TIMESPAN_TOLERANCE
        if not fresh or self.headers.get("Token", "") != sign(key, server.secret, timespan):
            return self._envelope("102", "Token验证失败", keyword)
        if not server.allow(key):
            return self._envelope("111", "请求频率过快，请稍后再试", keyword)
        if keyword == SLOW_KEYWORD:
            time.sleep(SLOW_SECONDS)
        result = find(keyword)
        if result is None:
            return self._envelope("201", "查询无结果", keyword)
        return self._envelope("200", "【有效请求】查询成功", keyword, result)

    @staticmethod
    def _envelope(status, message, keyword, result=None):
        return {
            "Status": status,
            "Message": message,
            "OrderNumber": _order_number(keyword),
            "Result": result,
        }

    def _reply(self, body):
        data = json.dumps(body, ensure_ascii=False).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)


def make_server(
    host="127.0.0.1", port=8071, key="wsv-demo-key", secret="wsv-demo-secret", rate_per_second=20
):
    """A bound, not yet serving, simulator; run serve_forever() in a thread."""
    return Server((host, port), key, secret, rate_per_second)
