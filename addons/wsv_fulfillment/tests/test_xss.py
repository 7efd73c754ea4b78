"""Hostile text in every field a user fills, shown in a real browser: it stays text.

Each value is stored as its user stores it, then the record's form (with its chatter), the
list and the kanban of its menu are opened in headless Chromium as a user who sees them; the
value must be visible as text and no script of it may run (``window.__xss`` stays unset, no
element of the payload appears in the page). Html fields keep their text and lose the
scripts when stored (Odoo's sanitizer), which is asserted on the stored value.
"""

import json
import re

from markupsafe import Markup

from odoo import Command
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import _find_executable

from .common import FulfillmentCase

IMG = '<img src=x onerror="window.__xss=(window.__xss||0)+1">'
SCRIPT = "<script>window.__xss=1</script>"
SVG = '"><svg onload=window.__xss=1>'
TEMPLATE = "{{constructor.constructor('window.__xss=1')()}}"
JS_URL = "javascript:window.__xss=1"
# what a sanitized html value must not keep
SCRIPTED = re.compile(r"<script|onerror|onload|javascript:", re.IGNORECASE)


def hostile(tag):
    """A value that runs a script wherever it is rendered as html; ``tag`` finds it."""
    return f"{tag}{IMG}{SCRIPT}{SVG}{TEMPLATE}"


# Run in the web client of a logged-in user: open each step's view through the action
# service, wait for the texts to show (in the page's text or in the fields' inputs, tab by
# tab for a form), then look for any sign of the payload running or rendered as markup.
CHECK_JS = """
(async () => {
    const steps = %s;
    const payload = %s;
    const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
    const action = odoo.__WOWL_DEBUG__.root.env.services.action;
    const values = () => [...document.querySelectorAll("input, textarea")].map((e) => e.value);
    const shown = (text) => document.body.innerText.includes(text) ||
        values().some((value) => value.includes(text));
    const markup = () => {
        const found = [];
        for (const element of document.querySelectorAll("*")) {
            for (const attr of element.attributes) {
                const name = attr.name.toLowerCase();
                const value = attr.value.toLowerCase();
                if (name.startsWith("on") && value.includes("__xss")) {
                    found.push(`<${element.tagName} ${name}>`);
                }
                if (["href", "src", "action", "formaction"].includes(name) &&
                        value.replace(/\\s/g, "").startsWith("javascript:")) {
                    found.push(`<${element.tagName} ${name}="${attr.value}">`);
                }
            }
        }
        for (const script of document.querySelectorAll("script")) {
            if (script.textContent.includes("__xss")) {
                found.push("<script> of the payload");
            }
        }
        // an <img src=x> outside html content (sanitized html may keep a harmless one)
        for (const img of document.querySelectorAll('img[src="x"]')) {
            if (!img.closest(".o_field_html, .o-mail-Message-body, .o-mail-Activity-note")) {
                const path = [];
                for (let node = img; node && path.length < 6; node = node.parentElement) {
                    path.push(`${node.tagName}.${node.className}`);
                }
                found.push(`<img src=x> outside html content: ${path.join(" < ")}`);
            }
        }
        return found;
    };
    const check = async (label) => {
        await sleep(150);  // an <img src=x onerror> fires once its load fails
        const found = markup();
        if (window.__xss !== undefined || found.length) {
            throw new Error(`XSS: ${label}: window.__xss=${window.__xss} ${found.join(", ")}`);
        }
    };
    try {
        // the check itself: the payload rendered as markup on purpose is caught, and runs
        const canary = document.createElement("div");
        canary.innerHTML = payload;
        document.body.appendChild(canary);
        const start = Date.now();
        while (window.__xss === undefined && Date.now() - start < 5000) {
            await sleep(50);
        }
        if (window.__xss === undefined || !markup().length) {
            throw new Error(
                `XSS check: a payload as markup went unnoticed: ${window.__xss} ${markup()}`
            );
        }
        console.info(`XSS check: the canary ran after ${Date.now() - start} ms`);
        canary.remove();
        delete window.__xss;
        for (const step of steps) {
            const label = `${step.label} (${step.view})`;
            await action.doAction(step.action, {
                viewType: step.view,
                props: step.res_id ? { resId: step.res_id } : {},
                clearBreadcrumbs: true,
            });
            const texts = [...step.tags.map((tag) => tag + payload), ...step.texts];
            const seen = new Set();
            const look = () => texts.forEach((text) => shown(text) && seen.add(text));
            const tabs = () => document.querySelectorAll(
                ".o_action_manager .o_form_view .o_notebook_headers .nav-link"
            );
            let deadline = Date.now() + 20000;
            while (!document.querySelector(`.o_action_manager .o_${step.view}_view`)) {
                if (Date.now() > deadline) {
                    throw new Error(`XSS check: ${label} did not render`);
                }
                await sleep(100);
            }
            await sleep(300);
            look();
            await check(label);
            for (let index = 0; index < tabs().length; index++) {
                tabs()[index].click();
                await sleep(300);
                look();
                await check(`${label}, tab ${index + 1}`);
            }
            deadline = Date.now() + 20000;
            while (seen.size < texts.length) {
                if (Date.now() > deadline) {
                    const missing = texts.filter((text) => !seen.has(text));
                    throw new Error(`XSS check: ${label} does not show ${JSON.stringify(missing)}`);
                }
                await sleep(200);
                look();
            }
            await check(label);
        }
        // window.__xss stays set once any payload ran: a last look, after a failed image
        // load's time (the canary's), covers an onerror that fired late in any view
        await sleep(1000);
        await check("all views");
        console.log("test successful");
    } catch (error) {
        console.error(error.message);
    }
})();
"""


class XssBrowserMixin:
    """``check_in_browser(user, steps)`` for a HttpCase; a step is a dict of ``label``,
    ``action`` (xml id), ``view`` (form, list, kanban), ``res_id`` (forms) and ``texts``
    (what the view must show)."""

    def check_in_browser(self, user, steps):
        # A missing browser must fail this test, never skip it.
        self.assertTrue(_find_executable(), "Chromium is needed for the XSS check")
        # the hostile texts go as their tags (the payload is added in the page): a failure
        # message quotes the code, and stays readable
        payload = hostile("")
        compact = [
            dict(
                step,
                tags=[t[: -len(payload)] for t in step["texts"] if t.endswith(payload)],
                texts=[t for t in step["texts"] if not t.endswith(payload)],
            )
            for step in steps
        ]
        self.browser_js(
            "/odoo",
            CHECK_JS % (json.dumps(compact, ensure_ascii=False), json.dumps(payload)),
            "odoo.isReady === true",
            login=user.login,
            timeout=300,
        )
        return len(steps)

    def post_hostile(self, record, user, tag):
        """Chatter as the user writes it: a plain-text message with markup in it, an html
        message (as a mail or a composer in html sends it) and an activity with markup in
        its summary and note; returns the texts the chatter must show."""
        record = record.with_user(user)
        record.message_post(body=hostile(f"{tag}消息"), message_type="comment")
        html = record.message_post(
            body=Markup("<p>{}</p>").format(f"{tag}网页消息") + Markup(IMG + SCRIPT + SVG),
            message_type="comment",
        )
        self.assertNotRegex(str(html.sudo().body), SCRIPTED)
        self.assertIn(f"{tag}网页消息", html.sudo().body)
        record.activity_schedule(
            "mail.mail_activity_data_todo",
            summary=hostile(f"{tag}活动"),
            note=Markup("<p>{}</p>").format(f"{tag}活动备注") + Markup(IMG),
            user_id=user.id,
        )
        return [hostile(f"{tag}消息"), f"{tag}网页消息", hostile(f"{tag}活动")]


@tagged("post_install", "-at_install")
class TestXss(XssBrowserMixin, HttpCase, FulfillmentCase):
    """Customers, contacts, the pool, requirements, contracts, delivery requests,
    installments and collections."""

    def test_hostile_text_stays_text(self):
        sales = self.sales_a1
        Partner = self.env["res.partner"].with_user(sales)
        # ------------------------------------------------------------ customer and contact
        customer = Partner.create(
            {
                "name": hostile("客户"),
                "is_company": True,
                "is_customer": True,
                "user_id": sales.id,
                "street": hostile("街道"),
                "city": hostile("城市"),
                "website": JS_URL,
                "comment": Markup("<p>客户备注</p>") + Markup(IMG + SCRIPT),
            }
        )
        self.assertNotRegex(str(customer.comment), SCRIPTED)
        self.assertIn("客户备注", customer.comment)
        # a manual grade is a manager's; partner terms the director's; the registry's
        # answer (an outside system) is stored as it came
        customer.with_user(self.manager_a).write(
            {"grade_manual": "A", "grade_manual_reason": hostile("定级理由")}
        )
        customer.with_user(self.director).write(
            {"partner_kind": "channel", "revenue_share_terms": hostile("分成条款")}
        )
        customer.sudo().write(
            {"registry_name": hostile("登记名称"), "legal_representative": hostile("法人")}
        )
        contact = Partner.create(
            {
                "name": hostile("联系人"),
                "parent_id": customer.id,
                "function": hostile("职务"),
                "type": "contact",
            }
        )
        tags = {"name": "客户", "street": "街道", "city": "城市"}
        tags.update(grade_manual_reason="定级理由", revenue_share_terms="分成条款")
        for field, tag in tags.items():
            self.assertEqual(customer[field], hostile(tag), field)  # stored as typed
        customer_chatter = self.post_hostile(customer, sales, "客户")
        # the pool: a released customer and its reason
        # a likely duplicate of it, kept with a reason (which the chatter logs)
        released = Partner.create(
            {
                "name": hostile("公海客户"),
                "is_company": True,
                "is_customer": True,
                "user_id": sales.id,
                "duplicate_reason": hostile("重复理由"),
            }
        )
        released.action_pool_release(hostile("释放理由"))
        move = self.env["wsv.pool.move"].search([("partner_id", "=", released.id)])
        self.assertEqual(move.reason, hostile("释放理由"))
        # ------------------------------------------------------------ requirement
        rule = self.env["wsv.material.code.rule"].create(
            {"name": "XSS test meters", "product_family": "XSS测试表", "prefix": "TXSSA"}
        )
        requirement = (
            self.env["wsv.requirement"]
            .with_user(sales)
            .create(
                {
                    "partner_id": customer.id,
                    "line_ids": [
                        Command.create(
                            {"rule_id": rule.id, "specification": hostile("规格"), "quantity": 5}
                        )
                    ],
                }
            )
        )
        requirement.action_submit()
        product_manager = new_test_user(
            self.env, login="t_pm_xss", groups="wsv_crm_customer.group_product_manager"
        )
        requirement.with_user(product_manager).action_reject(hostile("驳回理由"))
        requirement_chatter = self.post_hostile(requirement, sales, "需求")
        # ------------------------------------------------------------ contract
        contract = self.make_contract(
            partner_id=customer.id,
            customer_contract_ref=hostile("客户合同号"),
            tender_ref=hostile("招标编号"),
            delivery_place=hostile("交货地点"),
            clauses=Markup("<p>合同条款</p>") + Markup(IMG + SCRIPT + SVG),
            note=Markup("<p>条款备注</p>") + Markup(IMG + SCRIPT),
            order_line=[
                Command.create(
                    {
                        "product_id": self.product.id,
                        "product_uom_qty": 100,
                        "name": hostile("合同行"),
                    }
                )
            ],
            warranty_months=12,
        )
        for field, text in (("clauses", "合同条款"), ("note", "条款备注")):
            self.assertNotRegex(str(contract[field]), SCRIPTED)
            self.assertIn(text, contract[field])
        contract.action_contract_submit()
        self.attach(contract)
        contract.action_contract_sign()
        contract_chatter = self.post_hostile(contract, sales, "合同")
        # ------------------------------------------------------------ receivables
        advance = self.installment(contract, "signing")
        advance.with_user(sales).disposition_note = hostile("处置说明")
        installment_chatter = self.post_hostile(advance, sales, "应收")
        collection = (
            self.env["wsv.collection"]
            .with_user(sales)
            .create({"installment_id": advance.id, "amount": 100.0, "note": hostile("回款备注")})
        )
        # ------------------------------------------------------------ delivery request
        request = self.request(contract, 40)
        request.action_submit()
        self.assertEqual(request.state, "blocked")
        request.with_user(self.director).override_reason = hostile("放行理由")
        request_chatter = self.post_hostile(request, sales, "发货")

        def steps(label, action, record, form_texts, list_texts, kanban=True):
            views = [("form", form_texts), ("list", list_texts)]
            if kanban:
                views.append(("kanban", list_texts))
            return [
                {
                    "label": label,
                    "action": action,
                    "view": view,
                    "res_id": record.id if view == "form" else False,
                    "texts": texts,
                }
                for view, texts in views
            ]

        name = hostile("客户")
        sales_steps = (
            steps(
                "customer",
                "wsv_crm_customer.res_partner_action_my_customers",
                customer,
                [
                    name,
                    hostile("街道"),
                    hostile("城市"),
                    "客户备注",
                    hostile("定级理由"),
                    hostile("分成条款"),
                    hostile("登记名称"),
                    hostile("法人"),
                    hostile("联系人"),
                    *customer_chatter,
                ],
                [name],
            )
            + steps(
                "contact",
                "wsv_crm_customer.res_partner_action_customers",
                contact,
                [hostile("联系人"), hostile("职务"), name],
                [name],
            )
            + steps(
                "pool",
                "wsv_crm_customer.res_partner_action_pool",
                released,
                [hostile("公海客户"), hostile("重复理由")],
                [hostile("公海客户")],
            )
            + [
                {
                    "label": "pool moves",
                    "action": "wsv_crm_customer.wsv_pool_move_action",
                    "view": "list",
                    "res_id": False,
                    "texts": [hostile("公海客户"), hostile("释放理由")],
                }
            ]
            + steps(
                "requirement",
                "wsv_contract.wsv_requirement_action",
                requirement,
                [name, hostile("规格"), hostile("驳回理由"), *requirement_chatter],
                [name],
            )
            + steps(
                "contract",
                "wsv_contract.sale_order_action_contract",
                contract,
                [
                    name,
                    hostile("客户合同号"),
                    hostile("招标编号"),
                    hostile("交货地点"),
                    "合同条款",
                    "条款备注",
                    hostile("合同行"),
                    *contract_chatter,
                ],
                [name],
            )
            + steps(
                "installment",
                "wsv_fulfillment.wsv_receivable_installment_action",
                advance,
                [name, hostile("处置说明"), *installment_chatter],
                [name],
            )
            + steps(
                "collection",
                "wsv_fulfillment.wsv_collection_action",
                collection,
                [name, hostile("回款备注")],
                [name],
                kanban=False,
            )
            + steps(
                "delivery request",
                "wsv_fulfillment.wsv_delivery_request_action",
                request,
                [name, hostile("放行理由"), *request_chatter],
                [name],
            )
        )
        self.assertEqual(self.check_in_browser(sales, sales_steps), 24)
        # the note a new owner gets names the customers: as text (it is read in the inbox)
        released.with_user(self.manager_a).action_pool_assign(self.sales_a2.id, hostile("指派理由"))
        note = self.env["mail.message"].search(
            [
                ("model", "=", "res.partner"),
                ("res_id", "=", released.id),
                ("message_type", "=", "user_notification"),
            ]
        )
        self.assertEqual(len(note), 1)
        self.assertIn("公海客户&lt;img src=x onerror=", note.body)
        self.assertNotRegex(note.body, SCRIPTED.pattern.replace("|onerror|onload", ""))
