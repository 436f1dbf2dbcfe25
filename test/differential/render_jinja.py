"""Renders templates with Python's Jinja2 set up as dbt sets it up: the oracle of the differential tests.

Reads one JSON object per line on stdin: {"id", "template", "context", "macros", "native"}
(context, macros and native optional), and writes one per line on stdout: {"id", "output"} or
{"id", "error"}. The environment is dbt's: a sandboxed environment with the `do` and
`loopcontrols` extensions, Jinja's default Undefined, and Jinja's default whitespace settings
(one trailing newline dropped). With "native", the template is rendered as dbt renders YAML values
(dbt_common's NativeSandboxEnvironment, quoted_native_concat and marker filters, copied below) and
the output is the value's Python type name and repr: "bool:True".
"""
import json
import re
import sys
from ast import literal_eval
from itertools import chain, islice

import jinja2
import jinja2.nativetypes
from jinja2.sandbox import SandboxedEnvironment


def environment():
    return SandboxedEnvironment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])


# ---- dbt_common.clients.jinja's native rendering, as dbt has it


class NativeSandboxEnvironment(SandboxedEnvironment):
    code_generator_class = jinja2.nativetypes.NativeCodeGenerator


class TextMarker(str):
    """A native-env marker: the value is text, not to be evaluated."""


class NativeMarker(str):
    """A native-env marker: the value is passed to literal_eval."""


class BoolMarker(NativeMarker):
    pass


class NumberMarker(NativeMarker):
    pass


class JinjaRenderingError(Exception):
    pass


def _is_number(value):
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def quoted_native_concat(nodes):
    head = list(islice(nodes, 2))

    if not head:
        return ""

    if len(head) == 1:
        raw = head[0]
        if isinstance(raw, TextMarker):
            return str(raw)
        elif not isinstance(raw, NativeMarker):
            # return non-strings as-is
            return raw
    else:
        # multiple nodes become a string.
        return "".join([str(v) for v in chain(head, nodes)])

    try:
        result = literal_eval(raw)
    except (ValueError, SyntaxError, MemoryError):
        result = raw
    if isinstance(raw, BoolMarker) and not isinstance(result, bool):
        raise JinjaRenderingError(f"Could not convert value '{raw!s}' into type 'bool'")
    if isinstance(raw, NumberMarker) and not _is_number(result):
        raise JinjaRenderingError(f"Could not convert value '{raw!s}' into type 'number'")

    return result


class NativeSandboxTemplate(jinja2.nativetypes.NativeTemplate):
    environment_class = NativeSandboxEnvironment

    def render(self, *args, **kwargs):
        vars = dict(*args, **kwargs)
        try:
            return quoted_native_concat(self.root_render_func(self.new_context(vars)))
        except Exception:
            return self.environment.handle_exception()


NativeSandboxEnvironment.template_class = NativeSandboxTemplate

NATIVE_FILTERS = {"as_text": TextMarker, "as_bool": BoolMarker, "as_native": NativeMarker, "as_number": NumberMarker}


def native_environment():
    env = NativeSandboxEnvironment(extensions=["jinja2.ext.do", "jinja2.ext.loopcontrols"])
    env.filters.update(NATIVE_FILTERS)
    return env


def render_native(env, case):
    value = env.from_string(case["template"]).render(**dict(case.get("context") or {}))
    # A marker that literal_eval could not read comes back as itself: to dbt's configs, a str.
    name = "str" if isinstance(value, str) else type(value).__name__
    return f"{name}:{str(value)!r}" if isinstance(value, str) else f"{name}:{value!r}"


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
    native = native_environment()
    for line in sys.stdin:
        if not line.strip():
            continue
        case = json.loads(line)
        try:
            output = render_native(native, case) if case.get("native") else render(env, case)
            result = {"id": case["id"], "output": output}
        except Exception as err:  # every failure is a result: the TypeScript side compares them
            result = {"id": case["id"], "error": f"{type(err).__name__}: {err}"}
        sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
