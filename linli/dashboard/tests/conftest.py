from linli.workorders.tests.test_rates import november  # noqa: F401 (the rates' hand-computed November)
