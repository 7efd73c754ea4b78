from . import models


def post_init_hook(env):
    """Name the approval tiers in the company's language, now that translations are loaded."""
    env["wsv.review.rule"].search([])._sync_tier_definition()
