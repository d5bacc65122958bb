# Lab 06: the activities: the payment gateway, and the validation that the
# next version of InvoiceWorkflow runs first.
from temporalio import activity


@activity.defn
async def payment_gateway(line: dict) -> bool:
    """Pay one invoice line.

    A flaky gateway on demand: a line with "fail_attempts": N fails its first
    N attempts (as if the gateway were down), so you can watch Temporal retry
    it. The same line always fails the same way, so every run agrees.
    """
    attempt = activity.info().attempt
    activity.logger.info("Paying %s (attempt %d)", line.get("description"), attempt)
    if attempt <= int(line.get("fail_attempts", 0)):
        # An ordinary exception is retryable: Temporal tries again per the RetryPolicy.
        raise RuntimeError(f"Payment gateway unavailable (simulated failure of attempt {attempt})")
    activity.logger.info("Payment succeeded")
    return True


@activity.defn
async def validate_invoice(invoice: dict) -> bool:
    """Check an invoice before anyone is asked to approve it. Simulated, like
    the payment: it logs the invoice and accepts it."""
    activity.logger.info("Validating invoice %s (%d lines)", invoice.get("invoice_id"), len(invoice.get("lines", [])))
    return True
