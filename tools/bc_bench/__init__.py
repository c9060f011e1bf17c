"""Synthetic firm generator and benchmark of the Billing Control suite.

``generator.generate(env, size, seed)`` fills a database with a firm of a
given size; ``benchmark.run(env, runs)`` measures the suite on it. Both take
an Odoo environment and never commit: the command line (``cli``) commits the
generated firm, the tests roll everything back.
"""
