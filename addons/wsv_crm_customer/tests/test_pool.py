from datetime import timedelta

from freezegun import freeze_time

from odoo import fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged

from .common import CustomerCase


@tagged("post_install", "-at_install")
class TestPool(CustomerCase):
    def test_new_customer_without_owner_is_in_pool(self):
        customer = self.make_customer()
        self.assertEqual(customer.pool_state, "pool")
        self.assertTrue(customer.customer_code.startswith("KH"))
        owned = self.make_customer(owner=self.sales_a1)
        self.assertEqual(owned.pool_state, "private")
        self.assertEqual(owned.team_id, self.team_a)

    def test_a_salespersons_new_customer_is_theirs_within_the_limits(self):
        Partner = self.env["res.partner"].with_user(self.sales_a1)
        values = {"is_company": True, "is_customer": True}
        mine = Partner.create({"name": "孙磊新建测试电力有限公司", **values})
        self.assertEqual((mine.user_id, mine.team_id), (self.sales_a1, self.team_a))
        self.assertEqual(mine.pool_state, "private")
        pooled = Partner.create({"name": "公海新建测试电力有限公司", "user_id": False, **values})
        self.assertEqual(pooled.pool_state, "pool")
        with self.assertRaises(UserError) as caught:
            Partner.create(
                {"name": "他人新建测试电力有限公司", "user_id": self.sales_a2.id, **values}
            )
        self.assertIn("their own or the public pool", str(caught.exception))
        # the holding limit counts a new customer as it counts a claim
        self.env["wsv.holding.limit"].create({"max_customers": 1})
        with self.assertRaises(UserError) as caught:
            Partner.create({"name": "超限新建测试电力有限公司", **values})
        self.assertIn("this new customer would make 2", str(caught.exception))
        self.assertFalse(
            self.env["res.partner"].search([("name", "=", "超限新建测试电力有限公司")])
        )
        # a contact made a customer afterwards meets the same rule
        with self.assertRaises(UserError) as caught:
            Partner.create(
                {
                    "name": "后转客户测试电力有限公司",
                    "is_company": True,
                    "user_id": self.sales_a2.id,
                }
            ).write({"is_customer": True})
        self.assertIn("their own or the public pool", str(caught.exception))
        # a manager's new customer without a salesperson is still the pool's
        manager_made = (
            self.env["res.partner"]
            .with_user(self.manager_a)
            .create({"name": "经理新建测试电力有限公司", **values})
        )
        self.assertEqual(manager_made.pool_state, "pool")

    def test_claim_and_release_log_moves(self):
        customer = self.make_customer()
        self.env.cr.precommit.run()  # tracking compares with the values at the last commit
        customer.with_user(self.sales_a1).action_pool_claim()
        self.assertEqual(customer.user_id, self.sales_a1)
        self.env.cr.precommit.run()
        self.env.invalidate_all()
        tracked = customer.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "user_id"
        )
        self.assertEqual(tracked.new_value_integer, self.sales_a1.id)
        self.assertEqual(customer.pool_state, "private")
        self.assertEqual(customer.team_id, self.team_a)
        with self.assertRaisesRegex(UserError, "reason is required"):
            customer.with_user(self.sales_a1).action_pool_release("  ")
        self.assertEqual(customer.user_id, self.sales_a1)
        customer.with_user(self.sales_a1).action_pool_release("客户已转由代理商跟进")
        self.assertEqual(customer.pool_state, "pool")
        moves = customer.pool_move_ids.sorted("id")
        self.assertEqual(moves.mapped("kind"), ["claim", "release"])
        self.assertEqual(moves[1].reason, "客户已转由代理商跟进")
        self.assertEqual(moves[1].from_user_id, self.sales_a1)

    def test_claim_of_owned_customer_refused_and_nothing_changes(self):
        customer = self.make_customer(owner=self.sales_a2)
        free = self.make_customer()
        with self.assertRaisesRegex(UserError, "not in the public pool"):
            (free | customer).with_user(self.sales_a1).action_pool_claim()
        # nothing about the other salesperson's customer is told
        with self.assertRaises(UserError) as error:
            customer.with_user(self.sales_a1).action_pool_claim()
        self.assertNotIn(customer.name, str(error.exception))
        self.assertNotIn(self.sales_a2.name, str(error.exception))
        self.assertEqual(customer.user_id, self.sales_a2)
        self.assertFalse(free.user_id)
        self.assertFalse(free.pool_move_ids)

    def test_salesperson_cannot_set_owner_team_or_flag_directly(self):
        customer = self.make_customer()
        own = self.make_customer(owner=self.sales_a1)
        for target, vals in [
            (customer, {"user_id": self.sales_a1.id}),
            (customer, {"is_customer": False}),
            (own, {"team_id": self.team_b.id}),
            (own, {"user_id": self.sales_a2.id}),
        ]:
            with self.assertRaisesRegex(UserError, "Owner"):
                target.with_user(self.sales_a1).write(vals)
        # a context flag from a client does not open the door
        with self.assertRaisesRegex(UserError, "Owner"):
            customer.with_user(self.sales_a1).with_context(wsv_pool_move=True).write(
                {"user_id": self.sales_a1.id}
            )
        self.assertFalse(customer.user_id)
        self.assertEqual(own.team_id, self.team_a)

    def test_release_and_assign_wizards_as_the_users(self):
        customer = self.make_customer(owner=self.sales_a1)
        wizard_model = self.env["wsv.pool.wizard"]
        context = {
            "active_model": "res.partner",
            "active_ids": customer.ids,
            "default_action": "release",
        }
        with Form(wizard_model.with_user(self.sales_a1).with_context(**context)) as form:
            form.reason = "客户撤销采购计划"
        form.record.action_confirm()
        self.assertEqual(customer.pool_state, "pool")
        context["default_action"] = "assign"
        with Form(wizard_model.with_user(self.manager_a).with_context(**context)) as form:
            form.user_id = self.sales_a2
        form.record.action_confirm()
        self.assertEqual(customer.user_id, self.sales_a2)
        self.assertEqual(customer.pool_move_ids.sorted("id").mapped("kind"), ["release", "assign"])

    def test_a_pool_move_in_preparation_is_its_authors(self):
        customer = self.make_customer(owner=self.sales_a1)
        wizard = (
            self.env["wsv.pool.wizard"]
            .with_user(self.sales_a1)
            .create({"action": "release", "partner_ids": customer.ids, "reason": "不跟了"})
        )
        # another salesperson, and his manager, neither read it nor change or confirm it
        for user in (self.sales_a2, self.manager_a):
            other = wizard.with_user(user)
            with self.assertRaises(AccessError):
                other.read(["partner_ids"])
            with self.assertRaises(AccessError):
                other.write({"reason": "改了"})
            with self.assertRaises(AccessError):
                other.action_confirm()
            self.assertFalse(self.env["wsv.pool.wizard"].with_user(user).search([]))
        self.assertEqual(customer.pool_state, "private")
        wizard.action_confirm()
        self.assertEqual(customer.pool_state, "pool")

    def test_manager_editing_owner_by_hand_is_logged(self):
        customer = self.make_customer(owner=self.sales_a1)
        Message = self.env["mail.message"]
        before = Message.search([("partner_ids", "in", self.sales_a2.partner_id.ids)])
        customer.with_user(self.manager_a).write({"user_id": self.sales_a2.id})
        self.assertEqual(customer.user_id, self.sales_a2)
        self.assertEqual(customer.pool_move_ids.kind, "transfer")
        # told, as by Assign; and not to another team's salesperson
        notes = Message.search([("partner_ids", "in", self.sales_a2.partner_id.ids)]) - before
        self.assertEqual(len(notes), 1)
        with self.assertRaisesRegex(UserError, "not in your sales teams"):
            customer.with_user(self.manager_a).write({"user_id": self.sales_b1.id})
        self.assertEqual(customer.user_id, self.sales_a2)

    def test_release_of_someone_elses_customer_refused(self):
        customer = self.make_customer(owner=self.sales_a2)
        # sales_a1 cannot even see it; a manager of the team can release it
        with self.assertRaises(AccessError):
            customer.with_user(self.sales_a1).action_pool_release("不跟了")
        customer.with_user(self.manager_a).action_pool_release("调整客户分配")
        self.assertEqual(customer.pool_state, "pool")

    def test_holding_limit_per_grade_and_won(self):
        Limit = self.env["wsv.holding.limit"]
        Limit.create({"max_customers": 2, "include_won": False})
        Limit.create({"max_customers": 1, "grade": "A"})
        self.make_customer(owner=self.sales_a1)
        won = self.make_customer(owner=self.sales_a1, last_won_date=fields.Date.today())
        self.assertTrue(won.last_won_date)
        self.make_customer().with_user(self.sales_a1).action_pool_claim()  # won one not counted
        third = self.make_customer()
        with self.assertRaisesRegex(UserError, "at most 2 customers"):
            third.with_user(self.sales_a1).action_pool_claim()
        self.assertEqual(third.pool_state, "pool")
        # a grade-A customer: the A limit applies as well
        grade_a = self.make_customer(grade_manual="A", grade_manual_reason="战略客户")
        grade_a2 = self.make_customer(grade_manual="A", grade_manual_reason="战略客户")
        grade_a.with_user(self.sales_b1).action_pool_claim()
        with self.assertRaisesRegex(UserError, "of grade A"):
            grade_a2.with_user(self.sales_b1).action_pool_claim()
        # a limit for one salesperson replaces the general one
        Limit.create({"max_customers": 5, "user_id": self.sales_a1.id})
        third.with_user(self.sales_a1).action_pool_claim()
        self.assertEqual(third.user_id, self.sales_a1)

    def test_daily_claim_limit(self):
        self.env["ir.config_parameter"].set_param("wsv_crm_customer.pool_daily_claim_limit", 2)
        first, second, third = self.make_customer(), self.make_customer(), self.make_customer()
        (first | second).with_user(self.sales_a1).action_pool_claim()
        with self.assertRaisesRegex(UserError, "at most 2 customers a day"):
            third.with_user(self.sales_a1).action_pool_claim()
        with freeze_time(fields.Datetime.now() + timedelta(days=1)):
            third.with_user(self.sales_a1).action_pool_claim()
        self.assertEqual(third.user_id, self.sales_a1)

    def test_previous_owner_locked_out_for_n_days(self):
        self.env["ir.config_parameter"].set_param("wsv_crm_customer.pool_reclaim_lock_days", 15)
        customer = self.make_customer(owner=self.sales_a1)
        customer.with_user(self.sales_a1).action_pool_release("暂无需求")
        with self.assertRaisesRegex(UserError, "15 days"):
            customer.with_user(self.sales_a1).action_pool_claim()
        customer.with_user(self.sales_a2).action_pool_claim()  # anybody else may
        self.assertEqual(customer.user_id, self.sales_a2)

    def test_manager_assigns_and_transfers_in_bulk(self):
        pool = self.make_customer() | self.make_customer()
        owned = self.make_customer(owner=self.sales_a1)
        Message = self.env["mail.message"]
        before = Message.search([("partner_ids", "in", self.sales_a2.partner_id.ids)])
        (pool | owned).with_user(self.manager_a).action_pool_assign(self.sales_a2.id, "区域调整")
        self.assertEqual((pool | owned).user_id, self.sales_a2)
        # one note for the batch to the new owner, not Odoo's mail per customer
        notes = Message.search([("partner_ids", "in", self.sales_a2.partner_id.ids)]) - before
        self.assertEqual(len(notes), 1)
        self.assertIn("3", notes.subject)
        kinds = (pool | owned).pool_move_ids.mapped("kind")
        self.assertEqual(sorted(kinds), ["assign", "assign", "transfer"])
        with self.assertRaisesRegex(UserError, "only a sales manager"):
            pool.with_user(self.sales_a2).action_pool_assign(self.sales_a1.id)

    def test_a_manager_assigns_within_their_teams_a_director_across(self):
        pool = self.make_customer()
        with self.assertRaisesRegex(UserError, "not in your sales teams"):
            pool.with_user(self.manager_a).action_pool_assign(self.sales_b1.id)
        self.assertEqual(pool.pool_state, "pool")
        pool.with_user(self.director).action_pool_assign(self.sales_b1.id)
        self.assertEqual((pool.user_id, pool.team_id), (self.sales_b1, self.team_b))

    def test_followup_message_touches_customer_and_resets_warning(self):
        customer = self.make_customer(owner=self.sales_a1, recycle_warned_date=fields.Date.today())
        customer.with_user(self.sales_a1).message_post(
            body="电话回访，确认二期需求", message_type="comment"
        )
        self.assertTrue(customer.last_followup_date)
        self.assertFalse(customer.recycle_warned_date)
        # on an opportunity of the customer as well
        other = self.make_customer(owner=self.sales_a1)
        lead = self.env["crm.lead"].create(
            {
                "name": "二期集中器",
                "type": "opportunity",
                "partner_id": other.id,
                "user_id": self.sales_a1.id,
            }
        )
        lead.with_user(self.sales_a1).message_post(body="已发送报价", message_type="comment")
        self.assertTrue(other.last_followup_date)


@tagged("post_install", "-at_install")
class TestRecycle(CustomerCase):
    def _age(self, customers, days):
        past = fields.Datetime.now() - timedelta(days=days)
        self.env.cr.execute(
            "UPDATE res_partner SET create_date = %s, owner_date = %s WHERE id IN %s",
            (past, past, tuple(customers.ids)),
        )
        customers.invalidate_recordset()

    def test_recycle_rules_per_grade_exemptions_and_warning(self):
        Rule = self.env["wsv.recycle.rule"]
        Rule.create({"name": "全部", "no_followup_days": 30, "warn_days": 5})
        Rule.create({"name": "A类", "grade": "A", "no_followup_days": 90, "warn_days": 0})
        neglected = self.make_customer(owner=self.sales_a1)
        followed = self.make_customer(owner=self.sales_a1)
        grade_a = self.make_customer(
            owner=self.sales_a1, grade_manual="A", grade_manual_reason="战略"
        )
        with_opportunity = self.make_customer(owner=self.sales_a1)
        almost = self.make_customer(owner=self.sales_a2)
        self._age(neglected | followed | grade_a | with_opportunity, 40)
        self._age(almost, 27)
        followed.with_user(self.sales_a1).message_post(body="拜访", message_type="comment")
        self.env["crm.lead"].create(
            {"name": "表计招标", "type": "opportunity", "partner_id": with_opportunity.id}
        )
        count = self.env["res.partner"]._cron_pool_recycle()
        self.assertEqual(count, 1)
        self.assertEqual(neglected.pool_state, "pool")
        self.assertEqual(neglected.pool_move_ids.kind, "recycle")
        self.assertEqual(neglected.pool_move_ids.from_user_id, self.sales_a1)
        for kept in followed | grade_a | with_opportunity | almost:
            self.assertEqual(kept.pool_state, "private", kept.name)
        # the owner of the one due in 3 days got a to-do, once
        self.assertEqual(almost.activity_ids.user_id, self.sales_a2)
        self.assertTrue(almost.recycle_warned_date)
        self.env["res.partner"]._cron_pool_recycle()
        self.assertEqual(len(almost.activity_ids), 1)

    def test_no_won_deal_rule(self):
        self.env["wsv.recycle.rule"].create(
            {"name": "一年无成交", "no_won_days": 365, "warn_days": 0}
        )
        old = self.make_customer(owner=self.sales_b1)
        recent_win = self.make_customer(owner=self.sales_b1)
        self._age(old | recent_win, 400)
        recent_win._record_won(fields.Date.today() - timedelta(days=10))
        self.env["res.partner"]._cron_pool_recycle()
        self.assertEqual(old.pool_state, "pool")
        self.assertEqual(recent_win.pool_state, "private")

    def test_rule_days_must_be_given(self):
        with self.assertRaisesRegex(Exception, "No Follow-up For"):
            self.env["wsv.recycle.rule"].create({"name": "空规则"})
