"""Benchmarks of newscli at newsroom scale, and the generator of realistic newsrooms they use."""
