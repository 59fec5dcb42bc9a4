"""Every reader: the built pages pass a WCAG 2.1 AA audit, figures are described and numbered.

axe-core (from the npm registry, pinned in tests/browser/package-lock.json) audits each page in
the same visit as the other browser tests. A rule may be excluded only for elements that only
an upstream project can fix, each listed in ``UPSTREAM`` with the upstream issue; today there
are none: the theme's and docutils' violations are fixed here (book/_templates,
book/_ext/accessible_citations.py, book/_assets/accessibility.css).
"""

from __future__ import annotations

import re

from visiting import offenders

# rule id -> (CSS selector fragments of the elements it may skip, upstream issue). Empty.
UPSTREAM: dict[str, tuple[tuple[str, ...], str]] = {}

FILE_NAME = re.compile(r"(^|/)[\w.-]+\.(png|jpe?g|svg|gif)$|^data:|_images/", re.IGNORECASE)


def unexcused(violations):
    """The violations not covered by an upstream-recorded exclusion, as 'rule: target' lines."""
    found = []
    for violation in violations:
        skip, _ = UPSTREAM.get(violation["rule"], ((), ""))
        for element in violation["elements"]:
            if not any(fragment in element["target"] for fragment in skip):
                found.append(f"{violation['rule']}: {element['target']} ({violation['help']})")
    return found


def test_every_page_passes_the_wcag_21_aa_audit(visits):
    assert not offenders(visits, lambda v: unexcused(v.violations))


def test_every_figure_has_alt_text_that_describes_it(visits):
    """Alt text is written for someone who cannot see the figure: not empty, not a file name."""
    figures = [f for v in visits.values() for f in v.report["figures"]]
    assert figures, "no figure found in any page"
    assert not offenders(
        visits,
        lambda v: [
            f["id"]
            for f in v.report["figures"]
            if not f["alt"] or FILE_NAME.search(f["alt"]) or len(f["alt"].split()) < 8
        ],
    )


def test_every_figure_is_numbered_and_captioned(visits):
    assert not offenders(
        visits,
        lambda v: [
            f["id"]
            for f in v.report["figures"]
            if not (f["number"] and len(f["caption"]) > len(f["number"]) + 10 and f["target"])
        ],
    )


def test_the_prose_refers_to_its_figures_by_number(visits):
    """Each page with figures cites at least one of them by number ({numref})."""
    assert not offenders(
        visits, lambda v: v.report["figures"] and not v.report["figureRefs"] and v.page
    )


def test_the_keyboard_alone_reaches_and_moves_every_slider(visits):
    """Tab reaches each static slider; the arrow key steps its frame and announces the value."""
    steps = [s for v in visits.values() for s in v.keyboard]
    assert steps, "no slider figure to check"
    assert not offenders(
        visits,
        lambda v: [
            s["id"] for s in v.keyboard if not (s["tabbable"] and s["moved"] and s["announced"])
        ],
    )
