"""A line marked `# + notebook NN: why` in the package (with the block it opens) is one that
notebook NN adds to a class an earlier cell showed `without_added_lines`; notebook NN prints
them with `show_added_lines(cls, notebook=NN)`."""

import importlib
import inspect
import re
import textwrap

from minillm_helpers.stages import BUILT_BY

MARK = re.compile(r"\s*# \+ notebook (\d+): ?(.*)$")  # "# + notebook 06: what it adds"


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip())


def marked_lines(source: str) -> dict[int, int]:
    """{line index: notebook} for every marked line and each line of the block it opens."""
    lines, marked = source.splitlines(), {}
    for i, line in enumerate(lines):
        mark = MARK.search(line)
        if not mark or i in marked:
            continue
        marked[i] = int(mark.group(1))
        k = i - 1
        while k >= 0 and lines[k].lstrip().startswith("@"):  # a marked def's decorators
            marked[k] = marked[i]
            k -= 1
        if line[: mark.start()].rstrip().endswith(":"):  # opens a block: its body goes too
            j = i + 1
            while j < len(lines) and (not lines[j].strip() or _indent(lines[j]) > _indent(line)):
                marked[j] = marked[i]
                j += 1
    return marked


def without_added_lines(source: str) -> str:
    """The source as an earlier cell shows it: every marked line (and its block) left out."""
    marked = marked_lines(source)
    kept = [line for i, line in enumerate(source.splitlines()) if i not in marked]
    return "\n".join(kept) + "\n"


def package_class(cls) -> type:
    """The package's class (or function) of cls's name."""
    for module in BUILT_BY:
        found = getattr(importlib.import_module(f"minillm_helpers.{module}"), cls.__name__, None)
        if inspect.isclass(found) or inspect.isfunction(found):
            return found
    raise ValueError(f"The package has no class named {cls.__name__}")


def added_lines(cls, notebook: int, context: int = 2) -> str:
    """The lines notebook `notebook` adds to the package's class of cls's name, marked "+",
    with each method's first line and `context` lines around them ("..." for the rest)."""
    source = textwrap.dedent(inspect.getsource(package_class(cls)))
    marked = marked_lines(source)
    if notebook not in marked.values():
        raise ValueError(f"{cls.__name__} has no lines marked '# + notebook {notebook:02d}'")
    lines = [(i, MARK.sub(lambda m: f"  # {m.group(2)}" if m.group(2) else "", line))
             for i, line in enumerate(source.splitlines())
             if line.strip() and marked.get(i, 0) <= notebook]  # what this notebook has taught
    added = [n for n, (i, _) in enumerate(lines) if marked.get(i) == notebook]
    methods = [0] * len(lines)  # the line where each line's method begins
    for n, (_, line) in enumerate(lines):
        opens = re.match(r"(    )?(def |@)", line) and not (n and "@" in lines[n - 1][1][:5])
        methods[n] = n if opens else methods[n - 1] if n else 0
    shown = {m for n in added for m in (methods[n], *(
        k for k in range(n - context, n + context + 1)
        if 0 <= k < len(lines) and methods[k] == methods[n]))}
    shown |= {m + 1 for m in shown if lines[m][1].lstrip().startswith("@")}  # and its def
    pieces = [f"class {cls.__name__}(...):  # what notebook {notebook:02d} adds, marked +"
              if inspect.isclass(cls) else f"# what notebook {notebook:02d} adds, marked +"]
    for n in sorted(shown):
        if n and n - 1 not in shown and pieces[-1] != "      ...":
            pieces.append("      ...")
        i, line = lines[n]
        if methods[n] == n and n - 1 in shown:  # a new method right after another
            pieces.append("")
        pieces.append(("+ " if marked.get(i) == notebook else "  ") + line)
    return "\n".join(pieces)


def show_added_lines(*classes, notebook: int) -> None:
    """Print what notebook `notebook` adds to each class: its lines marked "+"."""
    print("\n\n".join(added_lines(cls, notebook) for cls in classes))
