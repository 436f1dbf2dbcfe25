"""Renders templates with Python's Jinja2 set up as dbt sets it up: the oracle of the differential tests.

Reads one JSON object per line on stdin: {"id", "template", "context", "macros"} (context and
macros optional), and writes one per line on stdout: {"id", "output"} or {"id", "error"}.
The environment is dbt's: a sandboxed environment with the `do` and `loopcontrols` extensions,
Jinja's default Undefined, and Jinja's default whitespace settings (one trailing newline dropped).
"""
import json
import re
import sys

import jinja2
from jinja2.sandbox import SandboxedEnvironment


def environment():
    return SandboxedEnvironment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])


class MacroReturn(Exception):
    """dbt's `return(x)`: raised inside a macro, caught by the macro's caller."""

    def __init__(self, value):
        super().__init__()
        self.value = value


def do_return(value):
    raise MacroReturn(value)


MACRO_PREFIX = "dbt_macro__"
MACRO_START = re.compile(r"(\{%-?\s*macro\s+)([A-Za-z_][A-Za-z0-9_]*)")


def dbt_macro(function):
    """A macro called as dbt calls it: its `return(x)` value, else its rendered text."""

    def call(*args, **kwargs):
        try:
            return function(*args, **kwargs)
        except MacroReturn as ret:
            return ret.value

    return call


def render(env, case):
    context = dict(case.get("context") or {})
    macros = case.get("macros")
    names = {"return": do_return}
    if macros:
        # dbt renames every macro to dbt_macro__<name> (so `_private` ones are exported too) and
        # makes each one visible to every template and to each other, with the same context.
        # The module copies its globals when it is made, so each name is bound to a function that
        # finds the macro in the module once it exists.
        module = {}

        def bound(name):
            return lambda *args, **kwargs: dbt_macro(getattr(module["m"], MACRO_PREFIX + name))(*args, **kwargs)

        for match in MACRO_START.finditer(macros):
            names[match.group(2)] = bound(match.group(2))
        source = MACRO_START.sub(lambda m: m.group(1) + MACRO_PREFIX + m.group(2), macros)
        module["m"] = env.from_string(source, globals=names).make_module(vars=context)
    template = env.from_string(case["template"], globals=names)
    return template.render(**context)


def main():
    env = environment()
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        try:
            result = {"id": case["id"], "output": render(env, case)}
        except Exception as err:  # every failure is a result: the TypeScript side compares them
            result = {"id": case["id"], "error": f"{type(err).__name__}: {err}"}
        sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
