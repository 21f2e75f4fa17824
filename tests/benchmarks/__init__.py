"""Benchmarks of the importer against the sandbox run in a separate process.

``python -m tests.benchmarks OUT.json [--size full|ci]`` prints one table and writes every
figure, with the machine it ran on, to ``OUT.json``. See ``tests/benchmarks/bench.py``.
"""
