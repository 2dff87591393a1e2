"""rekey's wheel: the self-contained binary scripts/dist builds, as `<name>.data/scripts/rekey`, in a
platform wheel tagged for the glibc the binary needs (as ruff ships its binary).

Two uses, one code path:
  - the PEP 517 build backend of the repository's pyproject.toml (`pip install .`): build_wheel runs
    scripts/dist, which builds the binary and calls back here to write the wheel;
  - `python3 Packaging/rekey_build.py wheel BINARY OUT_DIR`, what scripts/dist runs.

Standard library only, so pip's isolated build environment needs nothing installed.
"""

from __future__ import annotations

import base64
import hashlib
import io
import os
import platform
import re
import subprocess
import sys
import tarfile
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# "rekey" on PyPI is an unrelated project (1.2.3 when this was written): `pip install -U` would
# replace this one with it. The command is still `rekey`.
NAME = "rekey-jax"
SUMMARY = "Find and migrate legacy JAX PRNG-key code to explicit keys."
# The one place the version is written: `rekey --version` prints the same constant.
VERSION_SOURCE = ROOT / "Sources/RekeyDriver/Output/ToolInfo.swift"
# Licences of the C code linked into the binary (tree-sitter and its Python grammar), shipped
# beside it; Grammars/fetch puts them there.
LICENSES = ROOT / "Sources/TreeSitterPython/grammar"
# What the binary may load: glibc's own libraries, which every manylinux system has.
GLIBC_LIBRARIES = {
    "libc.so.6",
    "libm.so.6",
    "libpthread.so.0",
    "libdl.so.2",
    "librt.so.1",
    "ld-linux-x86-64.so.2",
    "ld-linux-aarch64.so.1",
}
# Fixed zip timestamps: the same binary gives the same wheel, byte for byte.
ZIP_DATE = (1980, 1, 1, 0, 0, 0)


def version() -> str:
    found = re.search(r'static let version = "([^"]+)"', VERSION_SOURCE.read_text())
    if not found:
        raise RuntimeError(f"no `static let version` in {VERSION_SOURCE}")
    return found.group(1)


def distribution() -> str:
    """The name as wheel and sdist file names spell it (PEP 427, PEP 625)."""
    return re.sub(r"[-_.]+", "_", NAME).lower()


def metadata() -> str:
    return f"Metadata-Version: 2.1\nName: {NAME}\nVersion: {version()}\nSummary: {SUMMARY}\n"


def needed_libraries(binary: Path) -> list[str]:
    dynamic = subprocess.run(["readelf", "-d", str(binary)], check=True, capture_output=True, text=True)
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", dynamic.stdout)


def glibc_floor(binary: Path) -> tuple[int, int]:
    """The newest GLIBC_x.y symbol version the binary imports: the oldest glibc it runs on."""
    symbols = subprocess.run(["objdump", "-T", str(binary)], check=True, capture_output=True, text=True)
    versions = {(int(major), int(minor)) for major, minor in re.findall(r"\bGLIBC_(\d+)\.(\d+)", symbols.stdout)}
    if not versions:
        raise RuntimeError(f"{binary} imports no versioned glibc symbol: is it a dynamic glibc executable?")
    return max(versions)


def platform_tag(binary: Path) -> str:
    foreign = [name for name in needed_libraries(binary) if name not in GLIBC_LIBRARIES]
    if foreign:
        # A wheel with such a binary would install and then fail to start elsewhere.
        raise RuntimeError(f"{binary} loads {', '.join(foreign)}: only glibc's libraries may be dynamic")
    major, minor = glibc_floor(binary)
    return f"manylinux_{major}_{minor}_{platform.machine()}"


def record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def write_wheel(binary: Path, out_dir: Path) -> Path:
    tag = f"py3-none-{platform_tag(binary)}"
    stem = f"{distribution()}-{version()}"
    dist_info = f"{stem}.dist-info"
    wheel_text = f"Wheel-Version: 1.0\nGenerator: rekey_build\nRoot-Is-Purelib: false\nTag: {tag}\n"
    members = [
        (f"{stem}.data/scripts/rekey", binary.read_bytes(), 0o755),
        (f"{dist_info}/METADATA", metadata().encode(), 0o644),
        (f"{dist_info}/WHEEL", wheel_text.encode(), 0o644),
        *((f"{dist_info}/{path.name}", path.read_bytes(), 0o644) for path in sorted(LICENSES.glob("LICENSE.*"))),
    ]
    record = "".join(record_line(name, data) + "\n" for name, data, _ in members) + f"{dist_info}/RECORD,,\n"
    members.append((f"{dist_info}/RECORD", record.encode(), 0o644))

    out_dir.mkdir(parents=True, exist_ok=True)
    wheel = out_dir / f"{stem}-{tag}.whl"
    partial = wheel.with_name(wheel.name + ".part")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data, mode in members:
            info = zipfile.ZipInfo(name, ZIP_DATE)
            info.external_attr = (0o100000 | mode) << 16  # a regular file, and pip keeps the exec bit
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    partial.replace(wheel)
    return wheel


# PEP 517 hooks.


def get_requires_for_build_wheel(config_settings=None):
    return []


def get_requires_for_build_sdist(config_settings=None):
    return []


def build_wheel(wheel_directory, config_settings=None, metadata_directory=None):
    # scripts/dist prints the wheel's path last; our interpreter writes it, whatever python3 is.
    built = subprocess.run(
        [str(ROOT / "scripts/dist"), "--out", str(Path(wheel_directory).resolve())],
        check=True,
        stdout=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHON": sys.executable},
    )
    return Path(built.stdout.strip().splitlines()[-1]).name


def build_sdist(sdist_directory, config_settings=None):
    """The files git tracks, and PKG-INFO. Building a wheel from it needs Swift, libtree-sitter-dev
    and the network (the grammar and SwiftPM's dependencies are fetched, never committed)."""
    tracked = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True
    ).stdout.decode().split("\0")
    stem = f"{distribution()}-{version()}"
    sdist = Path(sdist_directory) / f"{stem}.tar.gz"
    with tarfile.open(sdist, "w:gz", format=tarfile.PAX_FORMAT) as archive:
        for name in sorted(filter(None, tracked)):
            if (ROOT / name).is_file():  # a file deleted but not yet committed is left out
                archive.add(ROOT / name, f"{stem}/{name}", recursive=False)
        pkg_info = metadata().encode()
        info = tarfile.TarInfo(f"{stem}/PKG-INFO")
        info.size = len(pkg_info)
        info.mode = 0o644
        archive.addfile(info, io.BytesIO(pkg_info))
    return sdist.name


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] != "wheel":
        sys.exit("usage: rekey_build.py wheel BINARY OUT_DIR")
    print(write_wheel(Path(sys.argv[2]), Path(sys.argv[3])))
