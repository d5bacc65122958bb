# The fault suites' payment gateway, in place of the chapter's: each line says
# how many attempts fail before one succeeds (fewer than the chapter's three),
# so the outcome is fixed by the input while retries really happen.
from temporalio import activity


@activity.defn
async def payment_gateway(line: dict) -> bool:
    attempt = activity.info().attempt
    if attempt <= line.get("flaky_failures", 0):
        raise RuntimeError(f"gateway flaked on attempt {attempt} for {line.get('description')}")
    return True
