"""How long an integration's job waits before it tries again (SAP, the e-invoice platform)."""


def backoff(attempt, cap, base=10.0):
    """Seconds before retry number ``attempt`` (1, 2, ...): doubling from ``base``, never
    more than ``cap``, so work resumes at most ``cap`` seconds after the other side is back."""
    if attempt < 1:
        return base
    # (2 ** attempt grows without bound: stop doubling once past the cap)
    return min(cap, base * 2 ** min(attempt - 1, 20))


def job_env(env):
    """The system's environment for an integration's job, in the caller's language."""
    return env(context=job_context(env.context), su=True)


def job_context(context):
    """The context an integration's job runs with: the caller's language and time zone only.
    No client ``default_*`` key fills what the job creates, and no ``queue_job__no_delay``
    runs the outside call inside the caller's transaction."""
    return {key: context[key] for key in ("lang", "tz") if key in context}
