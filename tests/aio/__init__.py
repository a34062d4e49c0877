"""What only the async face has: cancellation, tasks, aiobotocore sessions, moto in server mode."""
