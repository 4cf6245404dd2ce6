"""The built wheel works on its own: rules ship inside it, explain runs outside the checkout."""

from __future__ import annotations

import json
import subprocess
import sys
import venv
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.slow


def test_wheel_installs_and_explains_from_outside_the_checkout(tmp_path: Path):
    dist = tmp_path / "dist"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(dist), str(ROOT)], check=True, timeout=600)
    (wheel,) = dist.glob("kerasdoctor-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    bindir = env_dir / ("Scripts" if sys.platform == "win32" else "bin")
    inner = str(bindir / "python")
    # The dependencies come from this environment's site-packages, appended after the new
    # environment's own (a directory named in a .pth file is added without running its .pth
    # files, so an editable install of the checkout stays invisible); every dependency the
    # wheel declares must then be found.
    (site_packages,) = (Path(p) for p in subprocess.check_output([inner, "-c", "import site; print(site.getsitepackages()[0])"], text=True).split())
    outer = [p for p in sys.path if p.endswith("site-packages")]
    (site_packages / "outer-dependencies.pth").write_text("\n".join(outer) + "\n")
    subprocess.run([sys.executable, "-m", "pip", "--python", inner, "install", "-q", "--no-deps", str(wheel)], check=True, timeout=600)
    declared = (
        "import re, importlib.metadata as md\n"
        "needed = [re.split(r'[ <>=!~;\\[]', r)[0] for r in md.requires('kerasdoctor') if 'extra ==' not in r]\n"
        "print(sorted(n for n in needed if md.version(n)))"
    )
    found = subprocess.run([inner, "-c", declared], capture_output=True, text=True, timeout=120, cwd=tmp_path)
    assert found.returncode == 0 and "pyyaml" in found.stdout.lower(), found.stderr
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    example = (ROOT / "fixtures" / "formats" / "ipython_tfop_on_keras_tensor.txt").read_text()
    proc = subprocess.run(
        [str(bindir / "kerasdoctor"), "explain", "--format", "json"],
        input=example,
        capture_output=True,
        text=True,
        cwd=elsewhere,
        timeout=120,
        env={"PATH": str(bindir), "HOME": str(tmp_path), "KERASDOCTOR_NO_CACHE": "1"},
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)["matches"][0]["name"] == "raw-op-on-keras-tensor"
    listed = subprocess.run([str(bindir / "kerasdoctor"), "rules", "--format", "json"], capture_output=True, text=True, cwd=elsewhere, check=True)
    shipped = {r["id"] for r in json.loads(listed.stdout)["rules"]}
    in_repo = {p.name.split("-", 1)[0] for p in (ROOT / "rules").glob("KD*.yaml")}
    assert shipped == in_repo
    assert all("site-packages" in r["path"] for r in json.loads(listed.stdout)["rules"])
    # the raise-site index ships too: a message no rule words is traced to the library check behind it
    unmatched = "ValueError: Cannot iterate over a shape with unknown rank."
    proc = subprocess.run(
        [str(bindir / "kerasdoctor"), "explain", "--format", "json", unmatched],
        capture_output=True,
        text=True,
        cwd=elsewhere,
        timeout=120,
        env={"PATH": str(bindir), "HOME": str(tmp_path), "KERASDOCTOR_NO_CACHE": "1"},
    )
    top = json.loads(proc.stdout)["matches"][0]
    assert top["kind"] == "raise-site" and top["raise_site"]["function"].endswith("TensorShape.__iter__"), top
    # so does the last resort's prior (a missing file would only leave the guess without it, silently)
    prior = subprocess.run(
        [inner, "-c", "from kerasdoctor.explain import nearest; print(len(nearest.prevalence()))"], capture_output=True, text=True, cwd=elsewhere, timeout=120
    )
    assert prior.returncode == 0 and int(prior.stdout) > 100, prior.stderr
