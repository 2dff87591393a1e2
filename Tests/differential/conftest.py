"""Puts the differential test's agreement figure in pytest's terminal summary (seen without -s)."""


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    summary = getattr(config, "rekey_differential_summary", None)
    if summary:
        terminalreporter.write_sep("=", "rekey differential")
        terminalreporter.write_line(summary)
