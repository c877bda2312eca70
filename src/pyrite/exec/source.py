"""Source builder for generated code: nested functions, indentation, fresh names.

Owns only text layout. Every line added here is built by the code generator
from its own identifiers (r0, k0, c12 …); SQL identifiers and literals never
reach it — those travel in the constants tuple."""

from __future__ import annotations


class Func:
    """One generated function: header, nested definitions (pre) and body lines."""

    __slots__ = ("header", "pre", "body")

    def __init__(self, header: str) -> None:
        self.header = header
        self.pre: list[str] = []
        self.body: list[tuple[int, str]] = []

    def emit(self, level: int, line: str) -> None:
        self.body.append((level, line))

    def render(self, indent: int = 0) -> list[str]:
        pad = "    " * indent
        out = [pad + self.header]
        inner = "    " * (indent + 1)
        for line in self.pre:
            out.append(inner + line)
        for level, line in self.body:
            out.append(inner + "    " * level + line)
        if not self.pre and not self.body:
            out.append(inner + "pass")
        return out

    def nest(self, child: Func) -> None:
        """nest(child): define child inside this function (its closure sees our locals)."""
        self.pre.extend(child.render(0))


class Names:
    """Fresh local names: r0, k1, f2 … unique within one statement."""

    __slots__ = ("n",)

    def __init__(self) -> None:
        self.n = 0

    def fresh(self, prefix: str) -> str:
        self.n += 1
        return f"{prefix}{self.n}"
