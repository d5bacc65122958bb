# Lab 03: the payment gateway that InvoiceWorkflow calls once per invoice line.
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
