# The chapter's activity (In [18]), as an attendee's activities.py.
from temporalio import activity


@activity.defn
async def payment_gateway(line: dict) -> bool:
    activity.logger.info("Paying %s", line.get("description"))
    # Simulate payment processing
    activity.logger.info("Payment succeeded")
    return True
