"""The platform's result callback: accepted only with a valid signature of our app key."""

import json
import logging

from odoo import http
from odoo.http import request

from ..lib import nuonuo
from ..models.wsv_einvoice_backend import platform_config

_logger = logging.getLogger(__name__)


class EinvoiceCallback(http.Controller):
    @http.route("/wsv_einvoice/callback", type="http", auth="public", methods=["POST"], csrf=False)
    def callback(self, **query):
        settings = platform_config()
        body = request.httprequest.get_data()
        signature = request.httprequest.headers.get("X-Nuonuo-Sign", "")
        if not settings["app_secret"] or not nuonuo.verify_callback(
            settings["app_secret"], settings["app_key"], query, body, signature
        ):
            _logger.warning("e-invoice callback refused: bad signature")
            return request.make_json_response(
                {"code": "070314", "describe": "signature refused"}, status=403
            )
        try:
            content = json.loads(body)["content"]
            if isinstance(content, str):
                content = json.loads(content)
            if not isinstance(content, dict):
                raise TypeError(content)
        except (ValueError, KeyError, TypeError):
            return request.make_json_response({"code": "E9101", "describe": "content"}, status=400)
        # the signature is the platform's credential: the result is applied as the system
        known = request.env["account.move"].sudo()._wsv_einvoice_callback(content)
        return request.make_json_response(
            {"code": "E0000" if known else "E9301", "describe": "ok" if known else "unknown"}
        )
