"""Precision of ``kerasdoctor lint`` on published, correct Keras code, era by era, each with its target.

Every finding on this corpus is either a false alarm (to fix in the check) or a
real mistake in the published code (to keep, after reading it). The script lists
every finding so each one can be judged.

The corpus is extracted from git snapshots of public repositories into a
temporary folder (never into this repository). Give the git directories on the
command line; each is recognised by its ``owner+name`` folder (as ``fetch``
stores them) or by the name of the repository directory:

  keras-team/keras                         examples/ at 2.2.4 and 2.3.1 (tf1: standalone multi-backend Keras 2.x)
  keras-team/keras-core                    examples/ (keras3: the keras.io examples ported to Keras 3)
  keras-team/keras-io                      examples/ and guides/ (keras3)
  fchollet/deep-learning-with-python-notebooks
                                           first_edition/ (tf1), second_edition/ (keras2), the root (keras3)
  tensorflow/docs                          site/en/ as of 2023-10 (keras2: TF 2.14, tf.keras is Keras 2; r1/: tf1)
  ageron/handson-ml2, ageron/handson-ml3   notebooks (keras2: TF 2.x tf.keras)
  tensorflow/examples                      courses/, tensorflow_examples/, lite/ as of 2023-10 (keras2)
  d2l-ai/d2l-en                            the TensorFlow tabs of the book, d2l/tensorflow.py (keras2)
  tensorflow/models                        official/ (keras2 as of 2023-10)

Usage: python benchmarks/lint_corpus.py GITDIR... [--keep DIR] [--json OUT] [--target T] [--as-keras3]
``--target`` lints every era with one target instead (e.g. Keras 2 code with keras3).
``--as-keras3`` lints only the eras written for Keras 2 or TF 1, each with target keras3:
what a user migrating that code to Keras 3 would be told.
"""

from __future__ import annotations

import argparse
import collections
import inspect
import io
import json
import os
import re
import subprocess
import sys
import tarfile
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))

# (repository, era, target, revision or "before:<date>", paths inside the repository)
ERAS: list[tuple[str, str, str, str, tuple[str, ...]]] = [
    ("keras-team/keras", "keras-2.2.4-examples", "tf1", "2.2.4", ("examples",)),
    ("keras-team/keras", "keras-2.3.1-examples", "tf1", "2.3.1", ("examples",)),
    ("fchollet/deep-learning-with-python-notebooks", "dlwp-1st-edition", "tf1", "HEAD", ("first_edition",)),
    ("fchollet/deep-learning-with-python-notebooks", "dlwp-2nd-edition", "keras2", "HEAD", ("second_edition",)),
    ("fchollet/deep-learning-with-python-notebooks", "dlwp-3rd-edition", "keras3", "HEAD", ("*.ipynb",)),
    ("tensorflow/docs", "tf-docs-r1", "tf1", "before:2023-11-01", ("site/en/r1",)),
    ("tensorflow/docs", "tf-docs-2023", "keras2", "before:2023-11-01", ("site/en",)),
    ("ageron/handson-ml2", "handson-ml2", "keras2", "HEAD", ("*.ipynb",)),
    ("ageron/handson-ml3", "handson-ml3", "keras2", "HEAD", ("*.ipynb",)),
    ("tensorflow/examples", "tf-examples-2023", "keras2", "before:2023-11-01", ("courses", "tensorflow_examples", "lite/examples", "lite/codelabs")),
    ("d2l-ai/d2l-en", "d2l-tensorflow", "keras2", "HEAD", ("d2l/tensorflow.py",)),
    ("tensorflow/models", "tf-models-official", "keras2", "before:2023-11-01", ("official",)),
    ("keras-team/keras-core", "keras-core-examples", "keras3", "HEAD", ("examples",)),
    ("keras-team/keras-io", "keras-io", "keras3", "HEAD", ("examples", "guides")),
]
D2L_TAB = re.compile(r"^%%tab\s+(?P<tabs>.*)$")


def repo_of(gitdir: str) -> str | None:
    """``owner/name`` of a git directory, from its path (``owner+name/repo`` or ``.../name/.git``)."""
    parts = os.path.abspath(gitdir).rstrip("/").split(os.sep)
    for part in reversed(parts):
        if "+" in part:
            return part.replace("+", "/", 1)
    known = {r.split("/")[1]: r for r, *_ in ERAS}
    for part in reversed(parts):
        if part in known:
            return known[part]
    return None


def git(gitdir: str, *args: str) -> bytes:
    return subprocess.run(
        ["git", "--git-dir", gitdir if not os.path.isdir(os.path.join(gitdir, ".git")) else os.path.join(gitdir, ".git"), *args],
        check=True,
        capture_output=True,
    ).stdout


def revision(gitdir: str, rev: str) -> str:
    if rev.startswith("before:"):
        return git(gitdir, "rev-list", "-1", f"--before={rev[7:]}", "HEAD").decode().strip()
    return rev


def extract(gitdir: str, rev: str, paths: tuple[str, ...], dest: str, skip: str = "") -> None:
    """The .py and .ipynb files under ``paths`` at ``rev`` (``*.ipynb``: the top folder's notebooks)."""
    commit = revision(gitdir, rev)
    names = git(gitdir, "ls-tree", "-r", "--name-only", commit).decode().splitlines()
    wanted = []
    for name in names:
        if not name.endswith((".py", ".ipynb", ".md")):
            continue
        for path in paths:
            if skip and name.startswith(skip):
                continue
            if (path.startswith("*") and "/" not in name and name.endswith(path[1:])) or name == path or name.startswith(path.rstrip("/") + "/"):
                wanted.append(name)
    if not wanted:
        return
    try:
        data = git(gitdir, "archive", "--format=tar", commit, *wanted)
    except subprocess.CalledProcessError:
        # a snapshot may lack its largest blobs: take the files one by one, skipping those
        for name in wanted:
            try:
                blob = git(gitdir, "show", f"{commit}:{name}")
            except subprocess.CalledProcessError:
                print(f"  (missing from the snapshot: {name})", file=sys.stderr)
                continue
            out = os.path.join(dest, name)
            os.makedirs(os.path.dirname(out), exist_ok=True)
            with open(out, "wb") as handle:
                handle.write(blob)
        return
    with tarfile.open(fileobj=io.BytesIO(data)) as archive:
        archive.extractall(dest, filter="data")


def d2l_tabs(gitdir: str, dest: str) -> None:
    """The book's TensorFlow code cells (``%%tab tensorflow`` / ``%%tab all``), one .py per chapter page."""
    names = git(gitdir, "ls-tree", "-r", "--name-only", "HEAD").decode().splitlines()
    for name in names:
        if not (name.startswith("chapter_") and name.endswith(".md")):
            continue
        text = git(gitdir, "show", f"HEAD:{name}").decode("utf-8", "replace")
        cells: list[str] = []
        for block in re.findall(r"```\{\.python \.input[^}]*\}\n(.*?)```", text, flags=re.S):
            lines = block.splitlines()
            tab = D2L_TAB.match(lines[0]) if lines else None
            if tab is None:
                continue
            tabs = {t.strip() for t in tab.group("tabs").split(",")}
            if "tensorflow" not in tabs and "all" not in tabs:
                continue
            cells.append("\n".join(line for line in lines[1:] if not line.lstrip().startswith(("%", "!"))))
        if cells and any("tensorflow" in c or "tf." in c for c in cells):
            out = os.path.join(dest, name[:-3] + ".py")
            os.makedirs(os.path.dirname(out), exist_ok=True)
            with open(out, "w", encoding="utf-8") as handle:
                handle.write("from d2l import tensorflow as d2l\nimport tensorflow as tf\n\n" + "\n\n".join(cells) + "\n")


def lint(folder: str, target: str) -> tuple[object, float]:
    from kerasdoctor.lint.engine import lint_paths

    options: dict[str, object] = {"cache": False, "use_config": False}
    if "target" in inspect.signature(lint_paths).parameters:
        options["target"] = target
    start = time.perf_counter()
    result = lint_paths([folder], **options)  # type: ignore[arg-type]
    return result, time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("gitdirs", nargs="+", help="git directories of the repositories above")
    parser.add_argument("--keep", metavar="DIR", help="extract here and keep it (default: a temporary folder, removed)")
    parser.add_argument("--json", metavar="OUT", help="write every finding as JSON")
    parser.add_argument("--target", choices=("keras2", "keras3", "tf1"), help="one target for every era")
    parser.add_argument("--as-keras3", action="store_true", help="only the Keras 2 / TF 1 eras, each linted with target keras3")
    args = parser.parse_args()
    if args.as_keras3:
        if args.target not in (None, "keras3"):
            parser.error("--as-keras3 lints with target keras3; it cannot be combined with another --target")
        args.target = "keras3"

    by_repo: dict[str, str] = {}
    for gitdir in args.gitdirs:
        name = repo_of(gitdir)
        if name is None:
            print(f"{gitdir}: not one of the corpus repositories", file=sys.stderr)
            continue
        by_repo[name] = gitdir
    root = args.keep or tempfile.mkdtemp(prefix="kd-lint-corpus-")
    per_rule: dict[str, collections.Counter[str]] = collections.defaultdict(collections.Counter)
    findings: list[dict[str, object]] = []
    totals = {"files": 0, "lines": 0, "findings": 0}
    try:
        for repo, era, target, rev, paths in ERAS:
            gitdir = by_repo.get(repo)
            if gitdir is None or (args.as_keras3 and target == "keras3"):
                continue
            target = args.target or target
            dest = os.path.join(root, era)
            if not os.path.isdir(dest):
                os.makedirs(dest)
                try:
                    if repo == "d2l-ai/d2l-en":
                        d2l_tabs(gitdir, dest)
                    extract(gitdir, rev, paths, dest, skip="site/en/r1/" if era == "tf-docs-2023" else "")
                except subprocess.CalledProcessError as exc:
                    print(f"{era}: cannot extract {rev} of {repo}: {exc.stderr.decode().strip()}", file=sys.stderr)
                    continue
            result, seconds = lint(dest, target)
            lines = 0
            for dirpath, _, names in os.walk(dest):
                for n in names:
                    if n.endswith((".py", ".ipynb")):
                        with open(os.path.join(dirpath, n), "rb") as handle:
                            lines += handle.read().count(b"\n")
            diagnostics = result.diagnostics  # type: ignore[attr-defined]
            totals["files"] += result.files  # type: ignore[attr-defined]
            totals["lines"] += lines
            totals["findings"] += len(diagnostics)
            print(f"\n## {era} ({repo} {rev}, target {target}): {result.files} files, {lines} lines, {len(diagnostics)} findings, {seconds:.1f}s")  # type: ignore[attr-defined]
            for d in diagnostics:
                per_rule[era][d.name] += 1
                where = os.path.relpath(d.path, dest) + (f"[cell {d.cell}]" if d.cell else "")
                print(f"  {where}:{d.line}:{d.column}: {d.id} {d.name}: {d.message}")
                findings.append({"era": era, "target": target, **d.to_dict(), "path": where})
            for e in result.errors:  # type: ignore[attr-defined]
                print(f"  error {os.path.relpath(e.path, dest)}: {e.message}")
    finally:
        if not args.keep:
            import shutil

            shutil.rmtree(root, ignore_errors=True)
    print("\n## per era and rule")
    for era, counts in per_rule.items():
        print(f"  {era}: " + ", ".join(f"{name} {n}" for name, n in counts.most_common()))
    print(f"\n{totals['files']} files, {totals['lines']} lines, {totals['findings']} findings")
    if args.json:
        with open(args.json, "w", encoding="utf-8") as handle:
            json.dump({"totals": totals, "findings": findings}, handle, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
