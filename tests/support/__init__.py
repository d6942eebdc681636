"""What the tests share, in a package pytest does not collect (nothing here is named test_*).

- `fuzz`: the Hypothesis profiles of the fuzz tests (NEWSCLI_FUZZ=long for a long run);
- `hostile`: hostile text, near-valid article files and article files with any field;
- `harness`: throw-away newsrooms, and newscli run in one as a user runs it;
- `checkers`: what a page or a feed may hold, as a browser or a feed reader sees it;
- `faults`: OS calls that fail in one step of an atomic write, and killed processes;
- `newsrooms`: the sample newsroom with its photos, stories to add to it, generated ones;
- `site_tools`: the Nu Html Checker and headless Chromium, for the exported site.

Fixtures are in tests/conftest.py; the checkers' own tests in tests/test_support_checkers.py.
"""
