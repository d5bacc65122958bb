"""Private internals of Durable Lab's temporalio re-implementation."""
