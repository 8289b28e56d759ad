"""No GPL or AGPL distribution is installed with the sandbox (it is Apache-2.0): read from each installed
distribution's own metadata (License, License-Expression, classifiers).  LGPL (psycopg, fpdf2) is allowed.
A distribution that declares no licence at all fails too — vietnam-provinces, GPL-3.0-or-later by its
repository, ships releases with neither a licence field nor a licence file — and is also named here."""

import re
from importlib import metadata

STRONG = re.compile(r"(?<![LA])GPL|Affero|(?<!Lesser )General Public License", re.IGNORECASE)
WEAK = re.compile(r"LGPL|Lesser General Public License|GNU Library", re.IGNORECASE)


def _strong_copyleft(text: str) -> bool:
    """'GPL-3.0-or-later', 'GNU General Public License v3', 'AGPL' — not 'LGPL' or 'GNU Lesser …'."""
    for part in re.split(r"\s+(?:OR|AND)\s+|;|\n", text or ""):
        if WEAK.search(part) and not re.search(r"Affero|AGPL", part, re.IGNORECASE):
            continue
        if STRONG.search(part) or re.search(r"AGPL", part):
            return True
    return False


def licences(dist) -> list[str]:
    meta = dist.metadata
    found = [meta.get("License-Expression") or "", (meta.get("License") or "").splitlines()[0] if meta.get("License") else ""]
    found += [c for c in meta.get_all("Classifier") or [] if c.startswith("License ::")]
    return [x for x in found if x]


def test_the_checker_tells_strong_from_weak_copyleft():
    assert _strong_copyleft("GPL-3.0-or-later") and _strong_copyleft("License :: OSI Approved :: GNU General Public License v3 (GPLv3)")
    assert _strong_copyleft("AGPL-3.0") and _strong_copyleft("GNU Affero General Public License v3")
    assert not _strong_copyleft("LGPL-3.0-only") and not _strong_copyleft("GNU Lesser General Public License v3 (LGPLv3)")
    assert not _strong_copyleft("MIT") and not _strong_copyleft("Apache-2.0 OR BSD-3-Clause")


KNOWN_GPL = {"vietnam-provinces"}      # GPL-3.0-or-later (its repository), undeclared in some releases' metadata


def _licence_files(dist) -> list[str]:
    return [str(f) for f in dist.files or [] if f.name.upper().startswith(("LICEN", "COPYING"))]


def test_no_gpl_or_agpl_distribution_is_installed():
    offending, undeclared = {}, []
    for dist in metadata.distributions():
        name = (dist.metadata["Name"] or "").lower()
        bad = [x for x in licences(dist) if _strong_copyleft(x)] + (["GPL-3.0-or-later"] if name in KNOWN_GPL else [])
        if bad:
            offending[name] = bad
        elif not licences(dist) and not _licence_files(dist):
            undeclared.append(name)
    assert offending == {}, f"GPL/AGPL distributions installed: {offending}"
    assert undeclared == [], f"distributions that declare no licence: {undeclared}"
