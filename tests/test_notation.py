r"""The course has one notation (notation.md) and every chapter follows it.

The notation page exists, comes before the chapters in the table of
contents, and every chapter's Objectives box links it. The chapters' math
(the ``$...$`` and ``$$...$$`` spans of their markdown cells) is then scanned
for the reserved symbols used with another meaning, where a pattern can tell:
``b`` is the bias only, ``D`` is spatial depth only, ``i``/``o`` are sizes and
never indices, ``L`` (not ``n``) is the length of a 1D input, the loss is
``\mathcal{L}`` and its upstream gradient ``\delta`` (not ``\ell``, ``L`` or
``g``), ``w`` is never a width and an intermediate channel is ``c'``, not ``h``;
chapter 20's polynomial terms are indexed by ``\iota`` (``\kappa`` is chapter 9's depthwise
kernel index) and its spectral response is ``h`` (``\rho`` is chapter 19's rotation index).
``\lambda`` is chapter 20's eigenvalue and appears in no other chapter, a bold ``\mathbf e`` never
stands beside the expansion factor ``e``, and chapter 12's code names its matrices after the
prose's ``\Pi`` and ``\mathcal{R}`` in words, not with the letters ``P`` (chapter 20's polynomial
order) and ``R`` (a rank).
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import pytest

from book_site import toc_documents

REPO = Path(__file__).resolve().parent.parent
CHAPTERS = [f for f in toc_documents() if f.startswith("chapters/") and (REPO / f"{f}.ipynb").is_file()]

# Rows of the course's notation table (HELPERS.md); the page may add rows.
REQUIRED_ROWS = [
    r"$x$, $w$, $y$",
    r"$b$ | the bias, and nothing else",
    r"$C_\text{in}$, $C_\text{out}$",
    r"$c$, $f$",
    r"$D$ is spatial depth only, never channels",
    r"$s$, $p$, $d$, $g$",
    r"$i$, $o$ | input and output size along one axis",
    r"$u$, $v$ (and $t$ in depth) | output position indices; $m$, $n$ kernel tap indices",
    r"$\ell$",
    r"$a$ | `output_padding`",
    r"$K$ | depth multiplier",
    r"$x \star w$, $x * w$",
    r"$\mathbf{C}$, $\mathbf{C}^\top$ | the convolution matrix",
    r"$C$ | alone: the channel count",
    # Reserved after the lecturers' reads of all fifteen chapters.
    r"$u'$ | an input position",
    r"$j_\ell$ | the jump of layer $\ell$",
    r"$\mathcal{L}$; $\delta$ | a training loss; the upstream gradient",
    r"$\hat X$, $\hat W$; $X$ | im2col",
    r"$z$; $c'$ | the intermediate map",
    r"$w^\text{V}$, $w^\text{H}$, $w^\text{L}$; $w^\text{dw}$, $w^\text{pw}$",
    r"$R$ | the rank",
    r"$\gamma$ | the index of a group",
    r"$\alpha$; $e$ | MobileNet's width multiplier; the expansion factor",
    # Chapter 20's symbols, renamed so that chapters 9 and 19 keep theirs.
    r"$\lambda_\omega$, $\mathsf U$; $h$ |",
    r"$P$; $\iota$; $T_\iota$, $\theta_\iota$, $\Theta_\iota$ |",
]

MATH = re.compile(r"\$\$(.+?)\$\$|\$([^$\n]+?)\$", flags=re.DOTALL)

# (pattern inside a math span, what it would mean) -- each one a misuse of a
# reserved symbol that a regular expression can recognise without false alarms.
MISUSES = [
    (re.compile(r"D_\\text\{(in|out)\}"), "D for a number of channels (D is spatial depth only)"),
    (re.compile(r"\\beta(?![A-Za-z])"), "beta for the bias (the bias is b)"),
    (re.compile(r"\\sum_\{?b\b"), "b as a summation index (b is the bias only)"),
    (re.compile(r"(?<![\\\w])b\s*=\s*\d"), "b as a width or count (b is the bias only; a bottleneck width is C_mid)"),
    (re.compile(r"(?<![\\\w])b\s*<"), "b as a width (b is the bias only)"),
    (re.compile(r"[xyw]_\{?\s*i\s*[+,}]"), "i as an index (i is an input size; positions are u, v)"),
    (re.compile(r"[xyw]_\{?\s*[a-z]*\s*,?\s*j\s*[+,}]"), "j as an index (positions are u, v; output channels f)"),
    (re.compile(r"(?<![\\\w])n\s*-\s*k\s*\+\s*1"), "n as the input length (a 1D input has length L)"),
    (re.compile(r"\\partial\s*\\ell(?![A-Za-z])"), "ell for the loss (ell is a layer index; the loss is \\mathcal{L})"),
    (re.compile(r"\\partial\s*L(?![A-Za-z_])"), "L for the loss (L is a 1D length; the loss is \\mathcal{L})"),
    (re.compile(r"(?<![\\\w])g\s*=\s*\\partial"), "g for the upstream gradient (g is groups; the gradient is \\delta)"),
    (re.compile(r"\^\\top\s*g(?![A-Za-z_])"), "g for the upstream gradient (g is groups; the gradient is \\delta)"),
    (re.compile(r"(?<![\\\w])h\s*\\times\s*w(?![A-Za-z])"), "w as a width (w is the weight; a map is H x W)"),
    (re.compile(r"\\sum_\{?h\b"), "h as a channel index (an intermediate channel is c')"),
    (re.compile(r"(?<![\\\w])w_r\b|(?<![\\\w])r\s*\(k_H"), "r for a rank (r_ell is a receptive field; the rank is R)"),
    (re.compile(r"(?<![\\\w{])C\^(?:\\top|\+)|(?<![\\\w{])C\\,x"), "plain C for the convolution matrix (the matrix is \\mathbf{C}; C alone is a channel count)"),
    (re.compile(r"cK\s*\+\s*j\b"), "j for one of the K depthwise kernels (j_ell is a jump; the index is \\kappa)"),
    (re.compile(r"(?:T|\\theta|\\Theta)_\{?\\kappa(?![A-Za-z])|\^\{?\\kappa(?![A-Za-z])|\\sum_\{?\\kappa\s*=\s*0\}?\^\{?P|\\kappa\s*\\arccos"),
     "kappa for a polynomial filter's term (kappa is chapter 9's depthwise kernel index; the term index is \\iota)"),
    (re.compile(r"\\rho\s*\(\s*\\lambda"), "rho for a spectral response (rho is chapter 19's rotation index; the response is h)"),
    (re.compile(r"\\mathbf\s*\{?\s*e(?![A-Za-z])"), "bold e for a factor vector (e is the expansion factor)"),
]


# Chapter 18's dynamic convolution writes its kernel weights Gamma_xi, their routing scores Z_xi and
# the softmax temperature Omega: lambda is chapter 20's eigenvalue, a the output padding and T
# chapter 20's Chebyshev polynomial.
DYNAMIC_MISUSES = [
    (re.compile(r"\\lambda_\{?(?:\\xi|E\b|\d+\}?\s*\(x\))"),
     "lambda for a dynamic convolution's kernel weight (lambda is an eigenvalue in chapter 20; the weight is \\Gamma_xi)"),
    (re.compile(r"(?<![\\\w])a_\{?\\xi"), "a for a routing score (a is output_padding; the score is Z_xi)"),
    (re.compile(r"/\s*T(?![A-Za-z_])|(?<![\\\w])T\s*=\s*\d"),
     "T for the softmax temperature (T is chapter 20's Chebyshev polynomial; the temperature is \\Omega)"),
]
MISUSES += DYNAMIC_MISUSES


def math_spans(text: str) -> list[str]:
    return [m.group(1) or m.group(2) for m in MATH.finditer(text)]


def markdown_cells(chapter: str) -> list[str]:
    nb = nbformat.read(REPO / f"{chapter}.ipynb", as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "markdown"]


def test_notation_page_exists_with_label_and_the_course_table():
    text = (REPO / "notation.md").read_text(encoding="utf-8")
    assert text.startswith("(notation)=\n# "), "notation.md must open with the label (notation)= and a title"
    missing = [row for row in REQUIRED_ROWS if row not in text]
    assert not missing, f"rows of the course's notation table missing from notation.md: {missing}"


def test_notation_page_comes_before_the_chapters():
    documents = toc_documents()
    assert "notation" in documents, "_toc.yml does not list notation"
    first_chapter = next(i for i, d in enumerate(documents) if d.startswith("chapters/"))
    assert documents.index("notation") < first_chapter


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_objectives_link_the_notation_page(chapter):
    first = markdown_cells(chapter)[0]
    objectives = first[first.index("```{admonition} Objectives"):]
    assert "{ref}`notation`" in objectives, "the Objectives box must link {ref}`notation`"


@pytest.mark.parametrize("chapter", CHAPTERS)
def test_reserved_symbols_keep_their_meaning(chapter):
    found = []
    for index, source in enumerate(markdown_cells(chapter)):
        for span in math_spans(source):
            for pattern, meaning in MISUSES:
                if pattern.search(span):
                    found.append(f"markdown cell {index}: ${span.strip()[:60]}$ uses {meaning}")
    assert not found, "\n".join(found)


def test_misuse_patterns_catch_the_old_slips_and_pass_the_notation():
    """The patterns flag the slips the lecturer's read found, and not the notation itself."""
    slips = [r"D_\text{in} = C_\text{in}", r"\beta_j", r"\sum_{b=1}^{C}", r"b = 64",
             r"x_{i+m,\, j+n}", r"n - k + 1", r"b < \frac{k^2}{2}",
             r"g = \partial \ell / \partial y", r"\frac{\partial \ell}{\partial x} = C^\top g",
             r"\partial L / \partial w", r"C \times h \times w", r"\sum_{h=0}^{C_\text{mid}-1}",
             r"\langle x, C^\top y\rangle", r"y = C\,x", r"w - w_r", r"r(k_H + k_W)", r"z_{cK+j,\,u,\,v}",
             r"\sum_{\kappa=0}^{P} T_\kappa(\tilde{\mathsf L})\, x\, \Theta_\kappa^\top", r"\sum_\kappa \theta_\kappa \mathsf L^\kappa",
             r"(\mathsf L^\kappa)_{\eta\eta'}", r"\cos(\kappa \arccos \lambda)", r"\rho(\lambda) = e^{-2\lambda}",
             r"\operatorname{diag}\bigl(\rho(\lambda_0), \dots\bigr)"]
    for slip in slips:
        assert any(p.search(slip) for p, _ in MISUSES), slip
    fine = [r"y_{f,u,v} = b_f + \sum_{c} x_{c,u+m,v+n}\, w_{f,c,m,n}", r"o = \lfloor (i + 2p - d(k-1) - 1)/s \rfloor + 1",
            r"L - k + 1", r"C_\text{mid} < 242", r"(x \star w)_u = \sum_{m=0}^{k-1} x_{u+m}\, w_m",
            r"D \times H \times W", r"k_D k_H k_W C_\text{in} C_\text{out} + C_\text{out}",
            r"\delta = \partial \mathcal{L} / \partial y", r"\frac{\partial \mathcal{L}}{\partial x} = \mathbf{C}^\top \delta", r"C^2 k \sum_\ell o_\ell",
            r"\partial \mathcal{L} / \partial w_{f,c,m,n}", r"\sum_{c'} w_{f,c',m,n}\, w^\text{pw}_{c',c}",
            r"H \times W \times C", r"\hat W \hat X", r"k_H \times k_W",
            r"R(k_H + k_W)", r"r_\ell = r_{\ell-1} + (k-1) j_{\ell-1}", r"z_{cK+\kappa,\,u,\,v}",
            r"\sum_{\kappa=0}^{K-1} w^\text{pw}_{f,\,cK+\kappa}\; z_{cK+\kappa,\,u,\,v}", r"0 \le \kappa < K",
            r"y_{f,\rho} = b_f + \sum_c \sum_{\rho'=0}^{3} x_{c,\rho'} \star \operatorname{rot}^\rho\bigl(w_{f,c,\rho'-\rho}\bigr)",
            r"(\operatorname{rot}_{p4}\, y)_\rho = \operatorname{rot}(y_{\rho-1})",
            r"\sum_{\iota=0}^{P} T_\iota(\tilde{\mathsf L})\, x\, \Theta_\iota^\top", r"h(\lambda) = e^{-2\lambda}"]
    for ok in fine:
        assert not any(p.search(ok) for p, _ in MISUSES), ok


def test_glossary_and_chapter_1_define_convolution_the_same_way():
    glossary = (REPO / "glossary.md").read_text(encoding="utf-8")
    entry = glossary.split("\nconvolution\n", 1)[1].split("\n\n", 1)[0]
    chapter = "\n".join(markdown_cells("chapters/01_cross_correlation"))
    formula = r"x_{u+m}\, w_{k-1-m}"
    assert formula in entry, "the glossary's convolution must be written as chapter 1 writes it"
    assert formula in chapter


def test_dynamic_convolution_patterns_catch_chapter_18s_old_letters():
    """Chapter 18's former lambda_xi, a_xi and T are flagged; its letters and chapter 20's are not."""
    slips = [r"\lambda_1(x), \dots, \lambda_E(x)", r"\sum_{\xi=1}^{E} \lambda_\xi(x)\, w^{(\xi)}",
             r"e^{a_\xi/T} / \sum_{\xi'} e^{a_{\xi'}/T}", r"T = 30"]
    for slip in slips:
        assert any(p.search(slip) for p, _ in DYNAMIC_MISUSES), slip
    fine = [r"\Gamma_\xi = e^{Z_\xi/\Omega} / \sum_{\xi'} e^{Z_{\xi'}/\Omega}", r"\Omega = 30", r"\lambda_\omega",
            r"(\lambda w^\text{V})(w^\text{H}/\lambda)^\top", r"T_\iota(\tilde{\mathsf L}) = 2 \tilde{\mathsf L}",
            r"o = (i-1)s - 2p + d(k-1) + a + 1"]
    for ok in fine:
        assert not any(p.search(ok) for p, _ in MISUSES), ok


# lambda is chapter 20's eigenvalue (notation.md); every other chapter writes a scalar in words or
# with a letter of its own.
LAMBDA = re.compile(r"\\lambda(?![A-Za-z])")
LAMBDA_CHAPTER = "chapters/20_graph"


@pytest.mark.parametrize("chapter", [c for c in CHAPTERS if c != LAMBDA_CHAPTER])
def test_lambda_is_chapter_20s_eigenvalue_only(chapter):
    found = [f"markdown cell {index}: ${span.strip()[:60]}$"
             for index, source in enumerate(markdown_cells(chapter))
             for span in math_spans(source) if LAMBDA.search(span)]
    assert not found, "lambda is chapter 20's eigenvalue (notation.md):\n" + "\n".join(found)


# Chapter 12's prose writes the shuffle's permutation matrix Pi and the reachability matrix R (calligraphic);
# its code names them in words, since P is chapter 20's polynomial order and R a rank.
SHUFFLE_CODE_LETTERS = re.compile(r"^\s*(?:P|R_\w+)\s*=|\bR_(?:plain|shuffled|inverse)\b|@\s*P\b", flags=re.MULTILINE)


def code_cells(chapter: str) -> list[str]:
    nb = nbformat.read(REPO / f"{chapter}.ipynb", as_version=4)
    return [c.source for c in nb.cells if c.cell_type == "code"]


def test_chapter_12_code_names_its_matrices_in_words():
    found = [f"code cell {index}: {m.group(0).strip()}" for index, source in enumerate(code_cells("chapters/12_shuffled_grouped"))
             for m in SHUFFLE_CODE_LETTERS.finditer(source)]
    assert not found, "chapter 12's code uses P or R_* for Pi and the reachability matrix:\n" + "\n".join(found)


def test_new_patterns_catch_the_old_text_and_pass_the_new():
    """Chapter 8's old lambda, chapter 10's old bold e and chapter 12's old names are flagged; their fixes are not."""
    assert LAMBDA.search(r"(\lambda w^\text{V})(w^\text{H}/\lambda)^\top")
    assert not LAMBDA.search(r"w^\text{V} (w^\text{H})^\top")
    assert any(p.search(r"\sum_{j} \mathbf a_j \otimes \mathbf b_j \otimes \mathbf e_j") for p, _ in MISUSES)
    assert any(p.search(r"\mathbf{e}_j") for p, _ in MISUSES)
    assert not any(p.search(r"w^\text{L} \otimes w^\text{V} \otimes w^\text{H}") for p, _ in MISUSES)
    assert not any(p.search(r"\mathbf{C}^\top \mathbf{C}") for p, _ in MISUSES)
    assert not any(p.search(r"\alpha; e") for p, _ in MISUSES)
    old = "P = np.eye(C, dtype=int)[perm]\nR_plain = (M2 @ M1 > 0)\nR_shuffled = (M2 @ P @ M1 > 0)\n"
    assert len(SHUFFLE_CODE_LETTERS.findall(old)) >= 3
    new = ("shuffle_matrix = np.eye(C, dtype=int)[perm]\nreach_plain = (gamma2 @ gamma1 > 0)\n"
           "print(f\"{P_total}\")\nPRIME = 7\n")
    assert not SHUFFLE_CODE_LETTERS.findall(new)
