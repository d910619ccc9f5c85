"""The course in a real browser: JupyterLab from the Binder environment, Debian's Chromium, headless.

JupyterLab (built from binder/ as in test_binder.py, served on 127.0.0.1 with a token, stopped at the end of
the session) opens lesson 01 of the student release; Run All Cells runs it; a graph picture from
``make_dot`` appears; the ``GradientSliders`` widget renders, and dragging its x2 slider changes the numbers
it shows. A released exercise, validated with nbgrader's Validate button, shows its result.

Screenshots are saved in $AUTOGRAD_COURSE_ARTIFACTS, or <temp dir>/autograd-course-artifacts when it is not
set (``browser-*.png``). Needs Chromium at /usr/bin/chromium (`apt-get install chromium`; .ci/run installs
it as root): without it these tests skip, except under CI=true, where they fail.
"""

from __future__ import annotations

import base64
import re
import shutil
import urllib.parse

import pytest

pytest_plugins = ["binder_env"]
pytest.register_assert_rewrite("binder_env")

from binder_env import (PILOT, artifacts_dir, error_outputs, open_notebook, run_all_cells,  # noqa: E402
                        scroll_until, validate)

LESSON = "course/01_derivatives_three_ways.ipynb"



def numbers(panel_text: str) -> dict[str, float]:
    """GradientSliders' panel, 'name = value' per line, as a dict."""
    return {name: float(value) for name, value in re.findall(r"^\s*(\S+) = (-?[\d.]+)\s*$", panel_text, re.M)}


def svg_text(output) -> str:
    """The SVG an image/svg+xml output shows, inline or as an <img> data URI."""
    html = output.inner_html()
    if "<svg" in html:
        return html
    src = output.locator("img").first.get_attribute("src") or ""
    head, _, data = src.partition(",")
    return base64.b64decode(data).decode() if head.endswith(";base64") else urllib.parse.unquote(data)


def test_a_lesson_runs_with_a_graph_picture_and_a_slider_that_moves_the_gradient(jupyterlab, student_release, page):
    shots = artifacts_dir()
    shutil.copytree(student_release / "course", jupyterlab.root / "lesson" / "course")
    open_notebook(page, jupyterlab, f"lesson/{LESSON}")
    run_all_cells(page)
    assert not error_outputs(page), error_outputs(page)[0]

    # make_dot's picture of the backward graph: an SVG output with the nodes PyTorch would name
    pictures = page.locator('.jp-OutputArea-output[data-mime-type="image/svg+xml"]')

    def backward_graph():
        return next((pictures.nth(i) for i in range(pictures.count()) if "MulBackward0" in svg_text(pictures.nth(i))),
                    None)

    graph = scroll_until(page, backward_graph, "an SVG picture of a backward graph")
    svg = svg_text(graph)
    for node in ("SinBackward0", "ExpBackward0", "DivBackward0", "AccumulateGrad"):
        assert node in svg, node
    graph.scroll_into_view_if_needed()
    box = graph.bounding_box()
    assert box and box["width"] > 50 and box["height"] > 50       # drawn, not an empty or broken image
    graph.screenshot(path=str(shots / "browser-lesson01-graph.png"))

    panel = page.locator(".widget-html-content pre", has_text="df/dx2").first
    scroll_until(page, lambda: panel if panel.count() else None, "GradientSliders' panel")
    sliders = page.locator(".widget-vbox", has=panel).last
    x2 = sliders.locator(".widget-slider", has=page.locator(".widget-label", has_text="x2"))
    sliders.scroll_into_view_if_needed()
    assert sliders.locator(".widget-slider").count() == 2
    # textContent, not innerText: JupyterLab skips rendering cells out of view, and innerText is then empty
    before = panel.text_content()
    assert {"x1", "x2", "df/dx1", "df/dx2"} <= set(numbers(before)), before
    sliders.screenshot(path=str(shots / "browser-lesson01-sliders-before.png"))

    handle = x2.locator(".noUi-handle").first
    track = x2.locator(".noUi-target").first
    start, area = handle.bounding_box(), track.bounding_box()
    page.mouse.move(start["x"] + start["width"] / 2, start["y"] + start["height"] / 2)
    page.mouse.down()
    page.mouse.move(area["x"] + 0.8 * area["width"], start["y"] + start["height"] / 2, steps=10)
    page.mouse.up()
    # a drag sends several values: wait until the panel shows the one the slider stopped at (the panel's
    # HTML is replaced on each update, so it is read afresh each time)
    for _ in range(600):
        after, readout = panel.text_content(), x2.locator(".widget-readout").text_content()
        if after != before and abs(numbers(after).get("x2", float("nan")) - float(readout)) < 1e-3:
            break
        page.wait_for_timeout(100)
    sliders.screenshot(path=str(shots / "browser-lesson01-sliders-after.png"))

    old, new = numbers(before), numbers(after)
    assert {"x1", "x2", "df/dx1", "df/dx2"} <= set(new), after
    assert new["x2"] == pytest.approx(float(readout), abs=1e-3) and new["x2"] > old["x2"] + 1
    assert new["x1"] == old["x1"]
    assert new["df/dx2"] != old["df/dx2"] and new["df/dx1"] != old["df/dx1"], (before, after)


def test_validate_button_shows_the_result_on_a_released_exercise(jupyterlab, student_release, page):
    shutil.copytree(student_release / "exercises", jupyterlab.root / "validate" / "exercises")
    notebook = next((student_release / "exercises" / PILOT).glob("*.ipynb")).name
    open_notebook(page, jupyterlab, f"validate/exercises/{PILOT}/{notebook}")
    dialog = validate(page)
    dialog.screenshot(path=str(artifacts_dir() / "browser-validate-blank.png"))
    text = dialog.inner_text()
    # the blank release: every answer is a stub, so the checks fail, and the dialog says which
    assert "The following cell failed:" in text and "NotImplementedError" in text, text
    assert "Success!" not in text
