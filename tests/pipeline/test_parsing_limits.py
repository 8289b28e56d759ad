"""An attribute value of 60 MB (issue 23, finding 3) is refused without the huge parser: the process's peak
memory stays under ten times the attribute's size (it peaked at 853 MB for 60 MB before)."""

import subprocess
import sys

PROBE = r"""
import resource
from sandbox.pipeline.parsing import XmlRefused, parse_document
data = b'<?xml version="1.0" encoding="utf-8"?><GIAMDINHHS a="' + b"A" * 60_000_000 + b'"><X/></GIAMDINHHS>'
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
try:
    parse_document(data)
    print("parsed")
except XmlRefused as exc:
    print(exc.detail_vi)
print((resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) // 1024)
"""


def test_a_60_mb_attribute_is_refused_with_a_bounded_peak():
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=300)
    verdict, grown_mb = done.stdout.strip().splitlines()
    assert verdict == "một giá trị thuộc tính dài quá 10 MB"
    assert int(grown_mb) < 600, f"peak grew by {grown_mb} MB for a 60 MB attribute"
