"""The WebAssembly spec tests (binaryen's test/spec from Debian, converted by
wast2json) through the Python `wasm` API on the fast and classic
interpreters and AOT: no crash, no failure that spec_expected_failures.txt
does not list with its reason, and no listed failure that passes."""

import pytest

from scripts import spec


@pytest.fixture(scope="module")
def results(guest_dir, aotc):
    return spec.run(quiet=True)


@pytest.mark.parametrize("mode", spec.MODES)
def test_spec_suite(results, mode):
    s = results[mode]
    assert s.problems == [], "crashes or hangs"
    assert s.unexpected == []
    assert s.stale == [], "listed failures that pass now: remove them from the list"
    # Most of the suite applies; what does not is reported with its reason.
    assert s.applicable > 14000 and s.passed > 0.96 * s.applicable
    print(f"{mode}: {s.passed}/{s.applicable} pass ({s.pass_rate:.2f} %), "
          f"{s.expected_failures} known failures, {s.not_applicable} not applicable")
