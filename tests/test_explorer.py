"""Explorers: frame counts, browser-side links, the frame shown for given slider values."""

import math

import ipywidgets as widgets
import pytest
from ipywidgets.widgets.widget_link import DirectionalLink
from matplotlib.figure import Figure

from convkit.explorer import Explorer
from convkit.plotting.render import figure_png

DRAWN = []


def draw(**values):
    DRAWN.append(values)
    fig = Figure(figsize=(1.5, 0.6))
    fig.text(0.1, 0.4, repr(sorted(values.items())), fontsize=6)
    return fig


def follow_links(explorer, slider_index, new_index):
    """What the browser does: move one slider, then apply every link whose source it is."""
    slider = explorer.sliders[slider_index]
    slider.index = new_index
    for link in explorer.links:
        (source, source_trait), (target, target_trait) = link.source, link.target
        if source is slider:
            setattr(target, target_trait, getattr(source, source_trait))


@pytest.mark.parametrize("params", [
    {"a": [1, 2, 3]},
    {"a": [1, 2, 3], "b": ["x", "y"]},
    {"a": [1, 2], "b": [10, 20, 30], "c": [0.5, 1.5]},
    {"a": [1, 2], "b": [10, 20, 30], "c": [0.5, 1.5], "d": ["p", "q"]},
])
def test_frame_counts_links_and_nesting(params):
    explorer = Explorer(draw, params, title="t", dpi=40)
    sizes = [len(v) for v in params.values()]
    total = 1
    for n in sizes:
        total *= n
    assert explorer.frame_count == total
    assert len(explorer.sliders) == len(params)
    # One link per stack: level l has prod(sizes[:l]) stacks.
    expected_links = sum(math.prod(sizes[:level]) for level in range(len(sizes)))
    assert len(explorer.links) == expected_links
    for level, slider in enumerate(explorer.sliders):
        targets = [link.target[0] for link in explorer.links if link.source[0] is slider]
        assert set(map(id, targets)) == set(map(id, explorer.stacks(level)))
        assert all(link.source[1] == "index" and link.target[1] == "selected_index" for link in explorer.links)
        assert all(isinstance(link, DirectionalLink) for link in explorer.links)
        assert slider.options == tuple((str(v), i) for i, v in enumerate(params[explorer.names[level]]))


def test_moving_sliders_shows_the_precomputed_frame():
    params = {"a": [1, 2], "b": [10, 20, 30], "c": [0.5, 1.5]}
    explorer = Explorer(draw, params, dpi=40)
    assert explorer.shown_values() == {"a": 1, "b": 10, "c": 0.5}
    follow_links(explorer, 1, 2)
    follow_links(explorer, 2, 1)
    follow_links(explorer, 0, 1)
    assert explorer.shown_values() == {"a": 2, "b": 30, "c": 1.5}
    follow_links(explorer, 1, 0)
    assert explorer.shown_values() == {"a": 2, "b": 10, "c": 1.5}
    # The frame widget shown is the one holding the PNG drawn for those values.
    node = explorer.stack
    while isinstance(node, widgets.Stack):
        node = node.children[node.selected_index]
    assert node is explorer.frame_widget(a=2, b=10, c=1.5)
    expected_png = figure_png(draw(a=2, b=10, c=1.5), dpi=40)
    assert explorer.frame(a=2, b=10, c=1.5) == expected_png


def test_four_sliders_each_move_their_own_level():
    params = {"a": [1, 2], "b": [10, 20, 30], "c": [0.5, 1.5], "d": ["p", "q"]}
    explorer = Explorer(draw, params, initial={"b": 20, "d": "q"}, dpi=30)
    assert explorer.shown_values() == {"a": 1, "b": 20, "c": 0.5, "d": "q"}
    assert [len(explorer.stacks(level)) for level in range(4)] == [1, 2, 6, 12]
    follow_links(explorer, 3, 0)
    assert explorer.shown_values() == {"a": 1, "b": 20, "c": 0.5, "d": "p"}
    follow_links(explorer, 0, 1)
    follow_links(explorer, 2, 1)
    assert explorer.shown_values() == {"a": 2, "b": 20, "c": 1.5, "d": "p"}
    follow_links(explorer, 1, 2)
    follow_links(explorer, 3, 1)
    assert explorer.shown_values() == {"a": 2, "b": 30, "c": 1.5, "d": "q"}
    assert explorer.index_of(a=2, b=30, c=1.5, d="q") == (1, 2, 1, 1)
    assert explorer.frame(a=2, b=30, c=1.5, d="q") == figure_png(draw(a=2, b=30, c=1.5, d="q"), dpi=30)
    assert repr(explorer) == "Explorer(a (2) x b (3) x c (2) x d (2) = 24 frames)"


def test_every_frame_drawn_once_with_its_values():
    DRAWN.clear()
    Explorer(draw, {"a": [1, 2], "b": [3, 4]}, dpi=30)
    assert sorted(map(lambda v: tuple(sorted(v.items())), DRAWN)) == [
        (("a", 1), ("b", 3)), (("a", 1), ("b", 4)), (("a", 2), ("b", 3)), (("a", 2), ("b", 4))]


def test_initial_values_and_alt_text():
    explorer = Explorer(draw, {"a": [1, 2, 3]}, initial={"a": 3}, alt="a is {a}", dpi=30)
    assert explorer.sliders[0].index == 2
    assert explorer.shown_values() == {"a": 3}
    assert explorer.alt_text(a=2) == "a is 2"
    assert 'alt="a is 2"' in explorer.frame_widget(a=2).value

    def draw_with_alt(a):
        return draw(a=a), f"custom {a}"

    explorer = Explorer(draw_with_alt, {"a": [1, 2]}, dpi=30)
    assert explorer.alt_text(a=1) == "custom 1"


def test_text_repr_is_short_and_free_of_image_bytes():
    explorer = Explorer(draw, {"kernel_size": [1, 2, 3], "stride": [1, 2]}, title="Output size", dpi=30)
    text = explorer._repr_mimebundle_()["text/plain"]
    assert text == "Explorer('Output size': kernel_size (3) x stride (2) = 6 frames)"
    assert "application/vnd.jupyter.widget-view+json" in explorer._repr_mimebundle_()


def test_play_button_links_to_the_slider():
    explorer = Explorer(draw, {"step": [1, 2, 3, 4]}, play=True, dpi=30)
    assert explorer.play.max == 3
    play_links = [link for link in explorer.links if link.source[0] is explorer.play]
    assert len(play_links) == 1 and play_links[0].target == (explorer.sliders[0], "index")
    with pytest.raises(ValueError, match="play"):
        Explorer(draw, {"a": [1, 2], "b": [1, 2]}, play=True, dpi=30)


@pytest.mark.parametrize("kwargs, error, match", [
    ({"params": {}}, ValueError, "1 to 4"),
    ({"params": {"a": [1], "b": [1], "c": [1], "d": [1], "e": [1]}}, ValueError, "1 to 4"),
    ({"params": {"a": []}}, ValueError, "at least one"),
    ({"params": {"a": "abc"}}, TypeError, "sequence"),
    ({"params": {"a": [1, 1]}}, ValueError, "distinct"),
    ({"params": [("a", [1])]}, TypeError, "mapping"),
    ({"params": {"a": list(range(10)), "b": list(range(10))}}, ValueError, "max_frames"),
    ({"params": {"a": [1]}, "initial": {"a": 5}}, ValueError, "a must be one of"),
    ({"params": {"a": [1]}, "labels": {"z": "zed"}}, ValueError, "labels"),
])
def test_bad_arguments(kwargs, error, match):
    with pytest.raises(error, match=match):
        Explorer(draw, dpi=30, **kwargs)


def test_draw_must_return_a_figure():
    with pytest.raises(TypeError, match="Figure"):
        Explorer(lambda a: "nope", {"a": [1]}, dpi=30)
    with pytest.raises(TypeError, match="callable"):
        Explorer("nope", {"a": [1]})


def test_frame_lookup_errors_name_the_parameter():
    explorer = Explorer(draw, {"a": [1, 2]}, dpi=30)
    with pytest.raises(ValueError, match="a must be one of"):
        explorer.frame(a=7)
    with pytest.raises(ValueError, match="unknown parameters"):
        explorer.frame(a=1, b=2)


def test_palette_frames_are_smaller_and_keep_the_drawing():
    import io

    import numpy as np
    from PIL import Image

    full = Explorer(draw, {"a": [1, 2]}, dpi=60)
    paletted = Explorer(draw, {"a": [1, 2]}, dpi=60, colors=32)
    with Image.open(io.BytesIO(paletted.frame(a=2))) as image:
        assert image.mode == "P" and len(image.getcolors()) <= 32
        small = np.asarray(image.convert("RGB"), dtype=int)
    with Image.open(io.BytesIO(full.frame(a=2))) as image:
        large = np.asarray(image.convert("RGB"), dtype=int)
    assert small.shape == large.shape
    assert np.abs(small - large).mean() < 2.0         # same picture, to the eye
    assert paletted.frame(a=2) == figure_png(draw(a=2), dpi=60, colors=32)
    assert len(paletted.frame(a=2)) < len(full.frame(a=2))
    with pytest.raises(ValueError, match="colors"):
        Explorer(draw, {"a": [1]}, colors=1)
    with pytest.raises(ValueError, match="colors"):
        figure_png(draw(a=1), colors=300)


def test_first_frame_mode_draws_one_frame_and_the_rest_on_demand(monkeypatch):
    """CONVKIT_EXPLORER_FRAMES=first (the tests' re-runs): the same widget, one frame drawn;
    frame() draws any other on demand, identical to what a full explorer draws."""
    params = {"a": [1, 2, 3], "b": ["x", "y"]}
    full = Explorer(draw, params, initial={"a": 2}, dpi=40)
    monkeypatch.setenv("CONVKIT_EXPLORER_FRAMES", "first")
    DRAWN.clear()
    quick = Explorer(draw, params, initial={"a": 2}, dpi=40)
    assert DRAWN == [{"a": 2, "b": "x"}]
    assert repr(quick) == repr(full) and quick.frame_count == 6
    assert quick.frame_widget(a=2, b="x").value == full.frame_widget(a=2, b="x").value
    assert "not drawn" in quick.frame_widget(a=3, b="y").value
    assert quick.frame(a=3, b="y") == full.frame(a=3, b="y")
    assert quick.alt_text(a=3, b="y") == full.alt_text(a=3, b="y")
    assert DRAWN[-1] == {"a": 3, "b": "y"} and len(DRAWN) == 2
    quick.frame(a=3, b="y")
    assert len(DRAWN) == 2, "a frame is drawn once"
    assert [len(s.children) for s in quick.stacks(1)] == [len(s.children) for s in full.stacks(1)]
