"""A short seeded fuzzing campaign (scripts/fuzz.py): mutated guests, AOT
files and XIP images, a fresh firmware process per case, on the ASan build
for fast, AOT and XIP. No case may crash, hang or raise an exception the API
does not promise. `make fuzz` runs a longer one."""

from scripts import fuzz

CASES = 150
SEED = 20261202


def test_short_campaign_finds_nothing(guest_dir, aotc):
    results = fuzz.campaign(cases=CASES, seed=SEED, quiet=True)
    for mode, stats in results.items():
        findings = [f"{case.outcome}: {case.detail} (saved as {path})"
                    for case, path in stats.findings]
        assert findings == [], mode
        assert stats.cases == CASES, mode
        # The campaign reaches past the loader: some mutants load and run.
        assert sum(n for outcome, n in stats.outcomes.items()
                   if outcome in ("clean: ran", "clean: loaded")) > 0, (mode, stats.outcomes)
