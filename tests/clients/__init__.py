"""The clients' behaviour; a test taking the ``face`` fixture runs on the sync and the async
client."""
