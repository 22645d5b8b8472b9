"""Every chapter in the book follows the house skeleton (CONTRIBUTING.md).

Reads the notebooks the table of contents lists, without executing them:
label and numbered title, Objectives box, the Colab install cell with the
repository URL of ``_config.yml``, seeded random generators, Summary,
Exercises in sphinx-exercise's gated form with tagged solutions and checks,
References with a per-chapter bibliography, and links that resolve to the
glossary and the bibliography.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest
import yaml

import prose_words  # tools/ is on the pytest pythonpath (pyproject.toml)
from book_site import toc_documents

REPO = Path(__file__).resolve().parent.parent

# The chapter files CONTRIBUTING.md allows, in order (no other notebook may
# sit in chapters/, placeholders included).
CHAPTER_NAMES = [
    "01_cross_correlation", "02_channels", "03_arithmetic", "04_conv3d", "05_pointwise",
    "06_transposed", "07_dilated", "08_spatially_separable", "09_depthwise_separable",
    "10_flattened", "11_grouped", "12_shuffled_grouped", "13_pointwise_grouped",
    "14_side_by_side", "15_computing", "16_causal", "17_deformable", "18_reparam_dynamic",
    "19_group_equivariant", "20_graph",
]


def toc_chapters() -> list[str]:
    return [f for f in toc_documents() if f.startswith("chapters/")]


def repository_url() -> str:
    config = yaml.safe_load((REPO / "_config.yml").read_text(encoding="utf-8"))
    return config["repository"]["url"]


def glossary_terms() -> set[str]:
    """Terms defined in glossary.md (lower case, as Sphinx matches them)."""
    text = (REPO / "glossary.md").read_text(encoding="utf-8")
    block = text.split("```{glossary}", 1)[1].split("\n```", 1)[0]
    terms = set()
    for line in block.splitlines():
        if line and not line.startswith((" ", ":")):
            terms.add(line.strip().lower())
    return terms


def bib_keys() -> set[str]:
    text = (REPO / "references.bib").read_text(encoding="utf-8")
    return set(re.findall(r"^@\w+\{([^,\s]+),", text, flags=re.MULTILINE))


CHAPTERS = toc_chapters()
# The per-chapter tests run on the chapters that exist; a listed chapter
# that is missing fails test_toc_lists_existing_files_only instead.
EXISTING = [c for c in CHAPTERS if (REPO / f"{c}.ipynb").is_file()]


def load(chapter: str) -> nbformat.NotebookNode:
    return nbformat.read(REPO / f"{chapter}.ipynb", as_version=4)


def tags(cell) -> set[str]:
    return set(cell.get("metadata", {}).get("tags", []))


def markdown_text(nb) -> str:
    return "\n\n".join(c.source for c in nb.cells if c.cell_type == "markdown")


def headings(nb, level: int) -> list[str]:
    pattern = re.compile(rf"^{'#' * level} (.+)$", flags=re.MULTILINE)
    return [m.group(1).strip() for m in pattern.finditer(markdown_text(nb))]


def directive_name(cell) -> str | None:
    """``exercise-start``, ``solution-end`` ... if the markdown cell opens with that directive."""
    if cell.cell_type != "markdown":
        return None
    match = re.match(r"\s*```\{(exercise-start|exercise-end|solution-start|solution-end)\}",
                     cell.source)
    return match.group(1) if match else None


# --- the table of contents --------------------------------------------------


def test_toc_lists_existing_files_only():
    missing = [f for f in toc_documents()
               if not any((REPO / f"{f}{ext}").is_file() for ext in ("", ".md", ".ipynb"))]
    assert not missing, f"_toc.yml lists files that do not exist: {missing}"


def test_chapters_on_disk_are_the_toc_chapters_with_allowed_names():
    on_disk = sorted(f"chapters/{p.stem}" for p in (REPO / "chapters").glob("*.ipynb"))
    assert sorted(CHAPTERS) == on_disk, (
        "every notebook in chapters/ must be in _toc.yml and vice versa "
        f"(toc: {sorted(CHAPTERS)}, disk: {on_disk})"
    )
    unknown = [c for c in CHAPTERS if c.split("/", 1)[1] not in CHAPTER_NAMES]
    assert not unknown, f"not a chapter name of CONTRIBUTING.md (placeholder?): {unknown}"


def test_toc_keeps_course_order():
    names = [c.split("/", 1)[1] for c in CHAPTERS]
    assert names == sorted(names, key=CHAPTER_NAMES.index)


def test_toc_groups_chapters_in_captioned_parts():
    toc = yaml.safe_load((REPO / "_toc.yml").read_text(encoding="utf-8"))
    assert toc["format"] == "jb-book"
    for part in toc["parts"]:
        assert part.get("caption"), f"a part without caption: {part}"
    # Front matter (the notation page) may come in a part of its own before
    # the chapters; the first part that holds chapters is Part I.
    chapter_parts = [part for part in toc["parts"]
                     if any(entry.get("file", "").startswith("chapters/") for entry in part["chapters"])]
    assert chapter_parts[0]["caption"].endswith("Foundations")


# --- each chapter -----------------------------------------------------------

@pytest.mark.parametrize("chapter", EXISTING)
def test_title_label_and_objectives(chapter):
    nb = load(chapter)
    first = nb.cells[0]
    assert first.cell_type == "markdown"
    lines = first.source.splitlines()
    assert re.fullmatch(r"\(ch-[a-z0-9-]+\)=", lines[0]), f"first line is not a label: {lines[0]!r}"
    number = int(Path(chapter).name.split("_", 1)[0])
    assert re.fullmatch(rf"# {number}\. \S.*", lines[1]), (
        f"second line should be the title '# {number}. ...', got {lines[1]!r}"
    )
    assert re.search(r"```\{admonition\} Objectives\s*\n:class: tip", first.source), (
        "the first cell needs an Objectives admonition with :class: tip"
    )


@pytest.mark.parametrize("chapter", EXISTING)
def test_first_code_cell_installs_convkit_from_the_config_url(chapter):
    nb = load(chapter)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert code, "a chapter without code cells"
    source = code[0].source
    assert "import convkit" in source
    assert "except ModuleNotFoundError" in source, "the install must only run when convkit is missing"
    urls = re.findall(r'"convkit @ git\+([^"]+)"', source)
    assert urls == [repository_url()], (
        f"the install URL {urls} must equal repository.url of _config.yml ({repository_url()})"
    )


# Calls that draw from a global or implicitly seeded random generator.
NUMPY_GLOBAL_RANDOM = re.compile(
    r"np\.random\.(rand|randn|randint|random|normal|uniform|choice|shuffle|permutation)\("
)
TORCH_RANDOM = re.compile(
    r"torch\.(rand|randn|randint|randperm|normal|bernoulli|multinomial)\(|"
    r"nn\.(Conv\w*|ConvTranspose\w*|Linear|BatchNorm\w*)\(|torch\.nn\.init\."
)


@pytest.mark.parametrize("chapter", EXISTING)
def test_random_generators_are_seeded(chapter):
    nb = load(chapter)
    code = [c.source for c in nb.cells if c.cell_type == "code"]
    numpy_seeded = torch_seeded = False
    for index, source in enumerate(code):
        for line in source.splitlines():
            if "#" in line:
                line = line[: line.index("#")]
            unseeded = re.search(r"default_rng\(\s*\)", line)
            assert not unseeded, f"code cell {index}: default_rng() without a seed: {line.strip()}"
            if "np.random.seed(" in line:
                numpy_seeded = True
            if "torch.manual_seed(" in line:
                torch_seeded = True
            if NUMPY_GLOBAL_RANDOM.search(line):
                assert numpy_seeded, (
                    f"code cell {index} uses numpy's global generator before np.random.seed: "
                    f"{line.strip()} (prefer rng = np.random.default_rng(0))"
                )
            if TORCH_RANDOM.search(line):
                assert torch_seeded, (
                    f"code cell {index} draws random numbers in torch before torch.manual_seed: "
                    f"{line.strip()}"
                )


@pytest.mark.parametrize("chapter", EXISTING)
def test_sections_in_skeleton_order(chapter):
    nb = load(chapter)
    h2 = headings(nb, 2)
    for required in ("Summary", "Exercises", "References"):
        assert required in h2, f"missing '## {required}' (sections: {h2})"
    positions = [h2.index(name) for name in ("Summary", "Exercises", "References")]
    assert positions == sorted(positions), f"Summary, Exercises, References out of order: {h2}"
    assert h2[-1] == "References", f"References must be the last section: {h2}"


@pytest.mark.parametrize("chapter", EXISTING)
def test_references_section_has_a_filtered_bibliography(chapter):
    nb = load(chapter)
    text = markdown_text(nb)
    references = text[text.rindex("## References"):]
    assert re.search(r"```\{bibliography\}\s*\n:filter: docname in docnames\s*\n```", references), (
        "## References needs a ```{bibliography} block with :filter: docname in docnames"
    )


@pytest.mark.parametrize("chapter", EXISTING)
def test_exercises_are_gated_pairs_with_tagged_solutions(chapter):
    nb = load(chapter)
    cells = nb.cells
    exercise_labels = []
    inside_solution = None
    expecting_solution_for = None
    for index, cell in enumerate(cells):
        name = directive_name(cell)
        if name == "exercise-start":
            label = re.search(r":label:\s*(\S+)", cell.source)
            assert label, f"cell {index}: exercise-start without :label:"
            exercise_labels.append(label.group(1))
        elif name == "exercise-end":
            expecting_solution_for = exercise_labels[-1]
        elif name == "solution-start":
            target = re.search(r"\{solution-start\}\s*(\S+)", cell.source).group(1)
            assert target == expecting_solution_for, (
                f"cell {index}: solution for {target!r} does not follow its exercise "
                f"({expecting_solution_for!r})"
            )
            assert ":class: dropdown" in cell.source, f"cell {index}: solution is not a dropdown"
            inside_solution = target
        if inside_solution is not None:
            assert "solution" in tags(cell), (
                f"cell {index} belongs to the solution of {inside_solution} but is not tagged "
                "'solution'"
            )
        else:
            assert "solution" not in tags(cell), (
                f"cell {index} is tagged 'solution' outside a solution-start/solution-end pair"
            )
        if name == "solution-end":
            assert inside_solution is not None, f"cell {index}: solution-end without solution-start"
            inside_solution = None
            expecting_solution_for = None
    assert inside_solution is None, "a solution is not closed with solution-end"
    assert len(exercise_labels) >= 3, f"at least three exercises, found {exercise_labels}"
    assert len(set(exercise_labels)) == len(exercise_labels), "exercise labels repeat"
    prefix = f"ch{Path(chapter).name[:2]}-"
    wrong = [label for label in exercise_labels if not label.startswith(prefix)]
    assert not wrong, f"exercise labels must start with {prefix!r}: {wrong}"


@pytest.mark.parametrize("chapter", EXISTING)
def test_a_coding_exercise_has_a_check_cell(chapter):
    nb = load(chapter)
    labels = re.findall(r":label:\s*(\S+)", markdown_text(nb))
    checks = [c for c in nb.cells if c.cell_type == "code" and "check" in tags(c)]
    assert checks, "no code cell tagged 'check'"
    for cell in checks:
        ids = re.findall(r"check\(\s*\w+\s*,\s*[\"']([^\"']+)[\"']", cell.source)
        assert ids, f"a check cell that does not call check(fn, id): {cell.source!r}"
        assert set(ids) <= set(labels), f"check ids {ids} are not exercise labels {labels}"


@pytest.mark.parametrize("chapter", EXISTING)
def test_glossary_terms_and_citations_resolve(chapter):
    text = markdown_text(load(chapter))
    terms = re.findall(r"\{term\}`([^`]+)`", text)
    # {term}`kernels <kernel>` links the text "kernels" to the term "kernel".
    targets = {re.sub(r"^.*<([^>]+)>$", r"\1", t).strip().lower() for t in terms}
    unknown = sorted(targets - glossary_terms())
    assert not unknown, f"{{term}} targets missing from glossary.md: {unknown}"
    assert terms, "a chapter should link its first uses of course terms to the glossary"
    cited = set()
    for group in re.findall(r"\{cite(?::\w+)?\}`([^`]+)`", text):
        cited |= {key.strip() for key in group.split(",")}
    unknown_keys = sorted(cited - bib_keys())
    assert not unknown_keys, f"citation keys missing from references.bib: {unknown_keys}"
    assert cited, "a chapter should cite at least one work"


@pytest.mark.parametrize("chapter", EXISTING)
def test_figure_cells_hide_their_code(chapter):
    nb = load(chapter)
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        has_png = any("image/png" in out.get("data", {}) for out in cell.get("outputs", []))
        if has_png:
            assert tags(cell) & {"hide-input", "remove-input", "remove-cell"}, (
                f"code cell {index} draws a figure but is not tagged hide-input or remove-input"
            )


@pytest.mark.parametrize("chapter", EXISTING)
def test_prose_within_the_budget(chapter):
    """CHAPTER_BAR.md: at most about 2,500 words of prose (tools/prose_words.py counts them)."""
    words = prose_words.prose_words(REPO / f"{chapter}.ipynb")
    assert words > 500, f"{chapter}: {words} words of prose; the counter lost the chapter's body"
    assert words <= prose_words.BUDGET + prose_words.TOLERANCE, (
        f"{chapter}: {words} words of prose, over the budget of about {prose_words.BUDGET}")


def test_prose_counter_ignores_math_code_and_directives():
    source = ("```{admonition} Objectives\n:class: tip\nRead this.\n```\n\n"
              "The map $y = w \\star x$ has `conv2d(x, w)` two [links](http://x.y/z).\n\n"
              "```python\nfor i in range(10): pass\n```\n$$\na + b\n$$\n")
    assert prose_words.count_words(source) == len("Read this. The map has two links".split())
