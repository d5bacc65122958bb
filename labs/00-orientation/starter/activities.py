# Lab 00: the payment gateway, an activity: the code that talks to the outside
# world. InvoiceWorkflow calls it once per invoice line.
from temporalio import activity


@activity.defn
async def payment_gateway(line: dict) -> bool:
    """Pay one invoice line (simulated: it logs and succeeds)."""
    activity.logger.info("Paying %s", line.get("description"))
    activity.logger.info("Payment succeeded")
    return True
