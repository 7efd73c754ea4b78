# Copyright 2026 WSV
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).


def lang_env(env):
    """The environment our messages are written in: the context's language, else the user's.

    ``env._`` falls back to English when the context has no ``lang`` (an XML-RPC call without
    a context), while Odoo's own ``_`` falls back to the user's language: the same call then
    answered half in English, half in Chinese. Only messages use this; reads keep the caller's
    context.
    """
    if env.lang:
        return env
    lang = env["res.users"].context_get().get("lang")  # cached per user by Odoo
    return env(context=dict(env.context, lang=lang)) if lang else env
