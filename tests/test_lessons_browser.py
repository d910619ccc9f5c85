"""Every lesson in a real browser, as a learner meets it: JupyterLab from the Binder environment in headless
Chromium (see test_browser.py), Run All Cells, then down the whole notebook, so that every cell and widget
renders, moving every slider, choosing another option in every dropdown, typing into every text box and
clicking every button. Pictures must fit the notebook's column, and a stepper must wait at its start. Any
error output (a traceback, in a cell or in a widget's output) or widget that fails to display fails the
test, naming the lesson and what was touched last.

Screenshots of a failure go to $AUTOGRAD_COURSE_ARTIFACTS (``lesson-*.png``).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

pytest_plugins = ["binder_env"]
pytest.register_assert_rewrite("binder_env")

from binder_env import artifacts_dir, error_outputs, open_notebook, run_all_cells  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
LESSONS = sorted(p.name for p in (ROOT / "course").glob("*.ipynb"))

WIDGET_PROBLEMS = ("Error displaying widget", "Model not found", "Error rendering output")


@pytest.fixture(scope="module")
def lessons_root(jupyterlab, student_release):
    target = jupyterlab.root / "lessons"
    if not target.exists():
        shutil.copytree(student_release / "course", target)
    return "lessons"


def wait_idle(page, timeout_ms=120_000):
    page.wait_for_function("""() => Array.from(document.querySelectorAll('.jp-StatusBar-TextItem'))
                                     .some(e => /\\|\\s*Idle/.test(e.textContent))""", timeout=timeout_ms)


def problems(page) -> list[str]:
    found = error_outputs(page)
    text = page.locator(".jp-Notebook").first.text_content() or ""
    found += [p for p in WIDGET_PROBLEMS if p in text]
    return found


def too_wide_pictures(page) -> list[str]:
    """Pictures (SVG or image outputs) in view that are wider than the notebook's output column."""
    return page.evaluate("""() => {
        const found = [];
        for (const area of document.querySelectorAll('.jp-Notebook .jp-OutputArea-output')) {
            const picture = area.querySelector('svg, img');
            if (!picture) continue;
            const width = picture.getBoundingClientRect().width, column = area.getBoundingClientRect().width;
            if (width > column + 1) found.push(`a picture ${Math.round(width)} px wide in a ${Math.round(column)} px column`);
        }
        return found;
    }""")


def place(element) -> str:
    """Where an element is in the notebook (scrolling does not change it): its top and left, in pixels."""
    return element.evaluate("e => { const r = e.getBoundingClientRect(); return Math.round(r.top + "
                            "document.querySelector('.jp-WindowedPanel-outer').scrollTop) + ':' + "
                            "Math.round(r.left); }")


def touch_widgets_in_view(page, touched: set, log: list):
    """Move each visible slider one step right then left, pick another option in each dropdown, click each
    enabled button; each widget once (by its place in the page)."""
    for handle in page.locator(".jp-Notebook .widget-slider .noUi-handle").all():
        if not handle.is_visible():
            continue
        key = ("slider", place(handle))
        if key in touched:
            continue
        touched.add(key)
        label = handle.evaluate("e => (e.closest('.widget-slider').querySelector('.widget-label') || {})"
                                ".textContent || ''")
        log.append(f"slider {label!r}")
        handle.focus()
        page.keyboard.press("ArrowRight")
        wait_idle(page)
        page.keyboard.press("ArrowLeft")
        wait_idle(page)
    for select in page.locator(".jp-Notebook .widget-dropdown select").all():
        if not select.is_visible():
            continue
        options = select.locator("option").all_text_contents()
        key = ("dropdown", tuple(options), select.evaluate("e => e.getBoundingClientRect().left"))
        if key in touched or len(options) < 2:
            continue
        touched.add(key)
        log.append(f"dropdown {options!r}")
        current = select.input_value()
        choice = next(o for o in select.locator("option").all() if o.get_attribute("value") != current)
        select.select_option(choice.get_attribute("value"))
        wait_idle(page)
    for box in page.locator(".jp-Notebook .widget-text input").all():
        if not box.is_visible():
            continue
        key = ("text", place(box))
        if key in touched:
            continue
        touched.add(key)
        typed = " * 2" if box.input_value() else "1"        # an expression to change, or a guess to check
        log.append(f"text {box.input_value()!r} + {typed!r}")
        box.click()
        page.keyboard.press("End")
        page.keyboard.type(typed)
        page.keyboard.press("Enter")
        wait_idle(page)
    for button in page.locator(".jp-Notebook button.jupyter-button").all():
        if not button.is_visible():
            continue
        if button.text_content() == "Previous" and ("stepper", place(button)) not in touched:
            # Run All must not spoil a stepper: each one met still waits at its start for Next
            touched.add(("stepper", place(button)))
            assert button.is_disabled(), "a BackwardStepper is not at its start after Run All"
        if button.is_disabled():
            continue
        key = ("button", button.text_content(), place(button))
        if key in touched:
            continue
        touched.add(key)
        log.append(f"button {button.text_content()!r}")
        button.click()
        wait_idle(page)


@pytest.mark.parametrize("lesson", LESSONS)
def test_every_widget_of_the_lesson_works_after_run_all_and_when_touched(lesson, lessons_root, jupyterlab, page):
    open_notebook(page, jupyterlab, f"{lessons_root}/{lesson}")
    run_all_cells(page, timeout_ms=600_000)
    wait_idle(page, 600_000)
    shot = artifacts_dir() / f"lesson-{Path(lesson).stem}.png"
    found = problems(page)
    if found:
        page.screenshot(path=str(shot))
    assert not found, f"{lesson}: after Run All: {found[0]}"

    scroller = page.locator(".jp-NotebookPanel .jp-WindowedPanel-outer").first
    scroller.evaluate("e => { e.scrollTop = 0; }")
    touched, log = set(), []
    at_end = 0
    while at_end < 3:
        page.wait_for_timeout(200)
        wide = too_wide_pictures(page)
        if wide:
            page.screenshot(path=str(shot))
        assert not wide, f"{lesson}: {wide[0]}"
        touch_widgets_in_view(page, touched, log)
        found = problems(page)
        if found:
            page.screenshot(path=str(shot))
        assert not found, f"{lesson}: after touching {log[-3:]}: {found[0]}"
        end = scroller.evaluate("""e => { const end = e.scrollTop + e.clientHeight >= e.scrollHeight - 2;
                                          e.scrollTop += Math.round(e.clientHeight * 0.6); return end; }""")
        at_end = at_end + 1 if end else 0
    print(f"{lesson}: touched {len(log)} widgets: {log}")
