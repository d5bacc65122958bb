# Exercise 2: the currency conversion's activities.
from temporalio import activity
from temporalio.exceptions import ApplicationError

# US dollars per unit of each currency. A fixed table rather than a live
# exchange-rate service, so the lab runs offline and every run agrees.
RATES_TO_USD = {
    "USD": 1.0,
    "EUR": 1.08,
    "GBP": 1.27,
    "JPY": 0.0067,
    "CAD": 0.73,
    "AUD": 0.66,
    "CHF": 1.13,
    "INR": 0.012,
    "MXN": 0.058,
}

# The simulated database: it lives as long as the worker process does.
DATABASE = {}


@activity.defn
async def convert(request: dict) -> dict:
    """Convert request["amount"] of request["currency"] to US dollars.

    request["fail_attempts"] (optional, for the exercise) makes the first N
    attempts fail as if the rate service were down, so the retries show.
    """
    currency = str(request.get("currency", "")).upper()
    amount = request.get("amount")
    # Bad input stays bad however often it is retried: fail for good at once.
    if currency not in RATES_TO_USD:
        raise ApplicationError(
            f"Unknown currency {request.get('currency')!r}: use one of {', '.join(RATES_TO_USD)}",
            type="UnknownCurrency",
            non_retryable=True,
        )
    if isinstance(amount, bool) or not isinstance(amount, (int, float)) or amount < 0:
        raise ApplicationError(
            f"The amount must be a number of at least 0, not {amount!r}",
            type="InvalidAmount",
            non_retryable=True,
        )

    attempt = activity.info().attempt
    if attempt <= int(request.get("fail_attempts") or 0):
        # An ordinary exception is retryable: Temporal tries again per the RetryPolicy.
        raise RuntimeError(f"Exchange-rate service unavailable (simulated failure of attempt {attempt})")

    rate = RATES_TO_USD[currency]
    converted_amount = round(amount * rate, 2)
    activity.logger.info("Converted %s %s to %.2f USD", amount, currency, converted_amount)
    return {
        "amount": amount,
        "currency": currency,
        "rate": rate,
        "converted_amount": converted_amount,
        "target_currency": "USD",
    }


@activity.defn
async def add_to_database(conversion: dict) -> str:
    """Store a confirmed conversion (simulated: kept in memory and logged)."""
    # Keyed by the workflow, so a retried attempt overwrites rather than adds a duplicate.
    record_id = activity.info().workflow_id
    DATABASE[record_id] = conversion
    activity.logger.info("Added conversion %s to the database: %s", record_id, conversion)
    return record_id
