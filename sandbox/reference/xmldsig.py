"""XMLDSig reference facts shared by the verifier and the test signers: namespace, algorithm URIs,
and C14N 1.0 of one element as it stands in its document (W3C xml-c14n §2.4, document subsets).
"""

from __future__ import annotations

from copy import deepcopy

from lxml import etree

DS = "http://www.w3.org/2000/09/xmldsig#"
ENVELOPED = DS + "enveloped-signature"
C14N_INCLUSIVE = "http://www.w3.org/TR/2001/REC-xml-c14n-20010315"
C14N_EXCLUSIVE = "http://www.w3.org/2001/10/xml-exc-c14n#"
XML_NS = "http://www.w3.org/XML/1998/namespace"
_INHERITED = tuple(f"{{{XML_NS}}}{name}" for name in ("lang", "space", "base"))


def canonical_subtree(element: etree._Element, exclusive: bool, with_comments: bool = False) -> bytes:
    """C14N 1.0 of ``element`` and its descendants, as a subset of the document it stands in.

    Inclusive C14N renders on the apex every namespace in scope and the ``xml:*`` attributes it
    inherits.  libxml2 canonicalising a subtree in place writes stray ``xmlns=""`` on the children
    of an element in a *default* namespace (the unprefixed Signature of .NET ``SignedXml``), so
    the element is copied into a document of its own whose root carries exactly that context."""
    if exclusive:
        return etree.tostring(element, method="c14n", exclusive=True, with_comments=with_comments)
    attrib = dict(element.attrib)
    for ancestor in element.iterancestors():
        for name in _INHERITED:
            if name in ancestor.attrib and name not in attrib:
                attrib[name] = ancestor.attrib[name]
    copy = etree.Element(element.tag, attrib=attrib, nsmap=element.nsmap)
    copy.text = element.text
    for child in element:
        copy.append(deepcopy(child))
    return etree.tostring(copy, method="c14n", exclusive=False, with_comments=with_comments)
