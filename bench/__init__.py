"""Benchmarks: they print numbers and assert nothing."""
