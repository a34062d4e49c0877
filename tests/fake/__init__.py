"""``batchkit.testing``: FakeAWS's rules, the job lifecycle, the shipped stub library."""
