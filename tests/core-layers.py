#!/usr/bin/env python3
"""Fails when two of switchboard-core's top-level modules import each other, directly or
through others: the core's modules must form layers (a directed graph without cycles).
A module is a file or folder directly under src-tauri/core/src; an import is any `crate::NAME`
path in its code (tests included, since `#[cfg(test)]` code is part of the module)."""
import pathlib, re, sys

src = pathlib.Path(__file__).resolve().parent.parent / "src-tauri" / "core" / "src"
modules = {p.stem for p in src.iterdir() if (p.suffix == ".rs" and p.stem not in ("lib",)) or (p.is_dir() and p.name != "bin")}
graph = {m: set() for m in modules}
for module in modules:
    files = [src / f"{module}.rs"] if (src / f"{module}.rs").exists() else []
    if (src / module).is_dir():
        files += list((src / module).rglob("*.rs"))
    for file in files:
        for line in file.read_text().splitlines():
            code = line.split("//")[0]
            for used in re.findall(r"\bcrate::(\w+)", code):
                if used in modules and used != module:
                    graph[module].add(used)
            m = re.match(r"\s*use crate::\{(.*)", code)
            if m:
                for used in re.findall(r"(\w+)(?:::|\s*[,}])", m.group(1)):
                    if used in modules and used != module:
                        graph[module].add(used)

# Tarjan's strongly connected components: any with more than one module is a cycle.
index, low, on_stack, stack, cycles, counter = {}, {}, set(), [], [], [0]
def visit(v):
    index[v] = low[v] = counter[0]; counter[0] += 1
    stack.append(v); on_stack.add(v)
    for w in graph[v]:
        if w not in index:
            visit(w); low[v] = min(low[v], low[w])
        elif w in on_stack:
            low[v] = min(low[v], index[w])
    if low[v] == index[v]:
        component = []
        while True:
            w = stack.pop(); on_stack.discard(w); component.append(w)
            if w == v: break
        if len(component) > 1:
            cycles.append(sorted(component))
sys.setrecursionlimit(10000)
for v in sorted(graph):
    if v not in index:
        visit(v)
if cycles:
    for component in cycles:
        print("core modules that import each other:", ", ".join(component))
        for m in component:
            print(f"  {m} -> {', '.join(sorted(graph[m] & set(component)))}")
    sys.exit(1)
print(f"core modules form layers: {len(modules)} modules, no cycle")
