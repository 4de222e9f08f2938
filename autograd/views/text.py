"""Text for every view: the one number format, the one naming of nodes, and escaping for each output format.

It also holds :class:`Message`, the str that a REPL shows as plain lines.

Every picture, page, sentence, tree and explanation writes its numbers with
:func:`format_number` and its node names with :func:`node_names`, so the same
number and the same node read the same everywhere.  Each output format has one
escaping function: :func:`dot_label` (Graphviz's HTML-like labels),
:func:`dot_attribute` (Graphviz's quoted attributes, such as tooltips),
:func:`html_text` (web pages) and :func:`latex` (formulas in Markdown).
"""

import html
import math
import re
import unicodedata

__all__ = ["format_number", "node_names", "expression_of", "in_derivative", "d", "partial",
           "glossary", "shown_label", "printable", "Message",
           "dot_label", "dot_attribute", "html_text", "latex", "MAX_SHOWN_LABEL",
           "MAX_EXPRESSION_NAME"]

_POSITION_SUFFIX = re.compile(r"\(n\d+\)$")

SIGNIFICANT_DIGITS = 6
"""The most significant digits a view shows of a number that is not whole."""

MAX_SHOWN_LABEL = 60
"""The most characters of a label a view shows; a longer one is cut with "…"."""

MAX_EXPRESSION_NAME = 12
"""The longest name made from what an unlabelled node computes (``b·c``); longer ones are ``nK``."""


# --- numbers ------------------------------------------------------------------------

def format_number(x):
    """Write a number the one way every view writes it.

    The rule: a whole number is written in full, without a decimal point
    (``3``, ``-12``, ``1099511627776``); any other number is written exactly
    when its shortest exact form has at most six significant digits
    (``0.25``, ``1e-07``); otherwise its first six significant digits are
    written, cut (never rounded) and followed by ``…``, so a shortened number
    never looks exact and its digits are always correct as far as they go
    (``0.333333…``, ``123456…``, ``-1.23456…e-09``).  ``-0.0`` is written ``0``;
    ``nan``, ``inf`` and ``-inf`` as such.

    Args:
        x (float or int): the number.

    Returns:
        str.

    >>> [format_number(x) for x in (3.0, -12, 0.25, 1 / 3, 2 / 3, 123456.7, 2.0 ** 40)]
    ['3', '-12', '0.25', '0.333333…', '0.666666…', '123456…', '1099511627776']
    >>> [format_number(x) for x in (1e-07, -1.234567e-09, 1e20, 0.99999999, -0.0, float("nan"))]
    ['1e-07', '-1.23456…e-09', '1e+20', '0.999999…', '0', 'nan']
    """
    x = float(x)
    if math.isnan(x):
        return "nan"
    if math.isinf(x):
        return "inf" if x > 0 else "-inf"
    if x == 0:
        return "0"
    if x.is_integer() and abs(x) < 1e16:
        return str(int(x))
    exact = repr(x)                       # the shortest text that reads back as x
    mantissa, _, exponent = exact.partition("e")
    digits = mantissa.lstrip("-").replace(".", "").lstrip("0")
    if len(digits) <= SIGNIFICANT_DIGITS:
        return exact
    sign = "-" if x < 0 else ""
    # Cut the exact decimal digits after the sixth significant one.
    text = f"{abs(x):.{SIGNIFICANT_DIGITS + 10}e}"          # d.dddd...e±XX, enough digits to cut
    lead, power = text.split("e")
    power = int(power)
    kept = lead.replace(".", "")[:SIGNIFICANT_DIGITS]
    if -4 <= power < 16:            # where Python's repr writes plain decimals too
        if power >= SIGNIFICANT_DIGITS - 1:
            body = kept + "0" * (power - SIGNIFICANT_DIGITS + 1)
        elif power >= 0:
            body = kept[:power + 1] + "." + kept[power + 1:]
        else:
            body = "0." + "0" * (-power - 1) + kept
        return f"{sign}{body}…"
    return f"{sign}{kept[0]}.{kept[1:]}…e{power:+03d}"


# --- labels, made safe to show -----------------------------------------------------------

def shown_label(label):
    """A label as views show it: control characters and lone surrogates written as escapes, long ones cut.

    Labels are any str; a drawing or page must still render.  Control
    characters (a newline, a bell) are written as Python writes them in a
    string (``\\n``, ``\\x07``); a lone surrogate, which no file encoding
    can hold, as ``\\udc80``; a label longer than :data:`MAX_SHOWN_LABEL`
    characters is cut with ``…``.

    >>> shown_label("a\\nb"), shown_label("x\\udc80"), len(shown_label("w" * 1000))
    ('a\\\\nb', 'x\\\\udc80', 60)
    """
    if len(label) > MAX_SHOWN_LABEL:
        label = label[:MAX_SHOWN_LABEL - 1] + "…"
    return printable(label)


def printable(text):
    """``text`` with control characters and lone surrogates written as escapes (``\\n``, ``\\udc80``).

    What any view does to text from the user (labels, titles) before it goes
    into a file: every file encoding can hold the result, and nothing in it
    moves the cursor or rings a bell.
    """
    if text.isprintable() and not _has_surrogate(text):
        return text
    out = []
    for ch in text:
        if ch.isprintable() and not 0xD800 <= ord(ch) <= 0xDFFF:
            out.append(ch)
        elif unicodedata.category(ch) == "Zs":
            out.append(" ")
        else:
            out.append(repr(ch)[1:-1])     # '\n', '\x07', '\udc80'
    return "".join(out)


def _has_surrogate(text):
    return any(0xD800 <= ord(ch) <= 0xDFFF for ch in text)


# --- names ----------------------------------------------------------------------------

def node_names(order):
    """Name every node of a graph, the one way every view names them.

    * a labelled node: its label (made safe to show, see :func:`shown_label`);
    * a constant leaf (a number an operation turned into a leaf): its number, ``3``;
    * an unlabelled result: what it computes from its parents' names, when
      that is short (``b·c``, ``tanh(x)``, at most :data:`MAX_EXPRESSION_NAME`
      characters) and no parent is itself called ``n<K>``; else ``n<K>``, its
      position K in the topological order;
    * an unlabelled leaf: ``n<K>``.

    Two nodes never share a name: a name met again gets its position,
    ``x(n3)``.  The drawings' node ids use the same positions, so ``n4`` here
    is ``n4`` there.

    Args:
        order: the graph's topological order (a record's ``order``).

    Returns:
        dict mapping each Value to its name (str).

    >>> from autograd import Value, topological_order
    >>> a, b, c = Value(5, "a"), Value(3, "b"), Value(2, "c")
    >>> J = (3 * (a + b * c)).named("J")
    >>> sorted(node_names(topological_order(J)).values())
    ['3', 'J', 'a', 'a + b·c', 'b', 'b·c', 'c']
    >>> x = Value(0.5, "x")
    >>> y = ((x * x).tanh().exp() + x.sigmoid()).named("y")
    >>> [node_names(topological_order(y))[n] for n in topological_order(y)]
    ['x', 'x·x', 'tanh(x·x)', 'n3', 'sigmoid(x)', 'y']
    """
    labels_used = {}
    for node in order:
        if node.label:
            label = shown_label(node.label)
            labels_used[label] = labels_used.get(label, 0) + 1
    names = {}
    taken = {}
    for position, node in enumerate(order):
        if node.label:
            name = shown_label(node.label)
            if labels_used[name] > 1:
                name = f"{name}(n{position})"
        elif node.role == "constant":
            name = format_number(node.data)
        elif node.parents and not any(_is_position(names[parent]) for parent in node.parents):
            name = expression_of(node, names)
            if len(name) > MAX_EXPRESSION_NAME:
                name = f"n{position}"
        else:
            name = f"n{position}"
        taken.setdefault(name, []).append(node)
        names[node] = name
    # Two equal numbers may share a name; two different nodes that compute the
    # same expression, or an expression that reads like a label, may not.
    position = {node: i for i, node in enumerate(order)}
    for name, nodes in taken.items():
        if len(nodes) > 1 and not all(n.role == "constant" and not n.label for n in nodes):
            for node in nodes:
                if not _POSITION_SUFFIX.search(names[node]):
                    names[node] = f"{name}(n{position[node]})"
    return names


def in_derivative(name):
    """A name as it stands after the d or ∂ of a derivative: bracketed if it is an expression.

    >>> in_derivative("b"), in_derivative("b·c"), in_derivative("tanh(x)")
    ('b', '(b·c)', 'tanh(x)')
    """
    return name if _is_atom(name) else f"({name})"


def d(of, wrt):
    """The total derivative d of / d wrt, names bracketed where needed: ``dJ/da``, ``dJ/d(b·c)``."""
    return f"d{in_derivative(of)}/d{in_derivative(wrt)}"


def partial(of, wrt):
    """The local (partial) derivative ∂of/∂wrt, names bracketed where needed: ``∂u/∂b``."""
    return f"∂{in_derivative(of)}/∂{in_derivative(wrt)}"


def expression_of(node, names):
    """What ``node`` computes, written with its parents' names in its op's notation.

    Uses the op table's ``notation`` and ``symbol``: ``a + b``, ``-a``,
    ``x^2``, ``tanh(x)``.  A parent whose name is itself an expression with
    a space or an operator is bracketed.

    Args:
        node: a Value with parents.
        names: dict of names for (at least) its parents.

    Returns:
        str.
    """
    op = node.op
    parents = [names[parent] for parent in node.parents]
    loose = op.symbol != op.symbol.strip()        # " + " binds more loosely than "·"
    if op.notation == "infix" and len(parents) == 2:
        left, right = parents
        # Read left to right: in a sum the left operand needs no brackets.
        if not loose:
            left = _bracketed(left, loose)
        return f"{left}{op.symbol}{_bracketed(right, loose)}"
    if op.notation == "prefix" and len(parents) == 1:
        return f"{op.symbol}{_bracketed(parents[0], False)}"
    if op.notation == "power" and len(parents) == 1:
        return f"{_bracketed(parents[0], False)}{op.symbol}"
    return f"{op.symbol}({', '.join(parents)})"


def _is_position(name):
    return name.startswith("n") and name[1:].isdigit()


def _is_atom(name):
    """A name, a number or a call such as tanh(x·y): nothing to bracket."""
    name = _POSITION_SUFFIX.sub("", name)          # x(n3): a label met twice, with its position
    if name.startswith("(") and name.endswith(")") and name.count("(") == 1:
        return True                                # already bracketed: d(node)
    if name.endswith(")") and name.find("(") > 0 and name[:name.find("(")].isidentifier():
        return True
    return all(ch.isalnum() or ch in "._[],…" for ch in name.lstrip("-"))


def _is_loose(name):
    return " " in name


def _bracketed(name, inside_loose):
    """Bracket an operand: any non-atom inside a tight op; inside a loose one, only a loose expression."""
    if _is_atom(name):
        return name
    if inside_loose and not _is_loose(name):
        return name
    return f"({name})"


def glossary(order, names, nodes=None, limit=10):
    """One line for every ``n<K>`` name, saying what the node is: the names a learner cannot guess.

    Args:
        order: the topological order.
        names: the names from :func:`node_names`.
        nodes: the nodes to explain (default: all in ``order``).
        limit (int): the most lines; past it, one line says how many more there are.

    Returns:
        list of str, e.g. ``["n3 = exp(tanh(x·x)): unlabelled, named by its position 3 in the topological order"]``.
    """
    position = {node: i for i, node in enumerate(order)}
    lines = []
    for node in (order if nodes is None else nodes):
        name = names[node]
        if not _is_position(name):
            continue
        if node.parents:
            what = expression_of(node, names)
        else:
            what = f"{'an' if node.role[:1] in 'aeiou' else 'a'} {node.role}"
        lines.append(f"{name} = {what}: unlabelled, named by its position {position[node]} "
                     f"in the topological order")
    if len(lines) > limit:
        lines[limit - 1:] = [f"… and {len(lines) - limit + 1} more unlabelled nodes n<K>, each "
                             f"named by its position K in the topological order"]
    return lines


class Message(str):
    """A str that a REPL shows as plain text, without quotes or escapes.

    ``Stepper.next()`` returns one, so typing ``s.next()`` at the prompt shows
    the sentence itself.  It is an ordinary str otherwise (``==``, ``print``,
    ``json.dumps`` all see the text).  ``shown`` is what the REPL displays.

    >>> m = Message("a.grad = 3", shown="step 1 of 1: a.grad = 3")
    >>> m == "a.grad = 3", m
    (True, step 1 of 1: a.grad = 3)
    """

    def __new__(cls, text, shown=None):
        message = super().__new__(cls, text)
        message.shown = text if shown is None else shown
        return message

    def __repr__(self):
        return self.shown


# --- escaping, one function per output format -------------------------------------------

def dot_label(text):
    """Escape text for a Graphviz HTML-like label (inside ``<...>``).

    ``< > & " '`` become entities; Graphviz also reads a backslash as an
    escape inside HTML labels, so each is doubled; a newline becomes ``<BR/>``.

    >>> dot_label('a<b & "c"\\\\')
    'a&lt;b &amp; &quot;c&quot;\\\\\\\\'
    """
    escaped = html.escape(text, quote=True).replace("\\", "\\\\")
    return "<BR/>".join(escaped.split("\n"))


def dot_attribute(text):
    """Escape text for a plain quoted Graphviz attribute (a tooltip): backslashes doubled, newlines as ``\\n``.

    The graphviz package then escapes the double quotes.
    """
    return text.replace("\\", "\\\\").replace("\n", "\\n")


def html_text(text):
    """Escape text for HTML, in an element or a double-quoted attribute.

    >>> html_text('<b> & "x"')
    '&lt;b&gt; &amp; &quot;x&quot;'
    """
    return html.escape(text, quote=True)


_LATEX_SPECIALS = {"\\": "\\backslash ", "{": "\\{", "}": "\\}", "_": "\\_", "$": "\\$",
                   "&": "\\&", "#": "\\#", "%": "\\%", "^": "\\hat{}", "~": "\\sim ", " ": "\\ "}


def latex(text):
    r"""Escape text for LaTeX math (inside ``\mathrm{...}``): every special character neutralised.

    >>> latex("x_1 & 50%")
    'x\\_1\\ \\&\\ 50\\%'
    """
    return "".join(_LATEX_SPECIALS.get(ch, ch) for ch in text)
