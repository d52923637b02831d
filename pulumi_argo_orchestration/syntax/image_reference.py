"""Container image references, as the kubelet parses them before it pulls.

The API server takes any non-empty `image`; the kubelet parses it with the distribution
library's `reference.ParseNormalizedNamed`, and a pod whose image does not parse fails at run
time with `InvalidImageName`. The grammar is distribution's `reference/regexp.go` (docker/
distribution v2.8, and github.com/distribution/reference, which Kubernetes 1.30+ vendors and
which also takes IPv6 hosts such as `[::1]:5000/app`): path components, an optional domain with
port, tag and digest; the name at most 255 characters (`NameTotalLengthMax`). Text holding an
Argo tag (`{{...}}`) is substituted at run time and checked by the reference rules instead.
"""

from __future__ import annotations

import re

_ALPHANUMERIC = r"[a-z0-9]+"
_SEPARATOR = r"(?:[._]|__|[-]+)"
_PATH_COMPONENT = rf"{_ALPHANUMERIC}(?:{_SEPARATOR}{_ALPHANUMERIC})*"
_DOMAIN_COMPONENT = r"(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])"
_IPV6 = r"\[(?:[a-fA-F0-9:]+)\]"
_HOST = rf"(?:{_DOMAIN_COMPONENT}(?:\.{_DOMAIN_COMPONENT})*|{_IPV6})"
_DOMAIN = rf"{_HOST}(?::[0-9]+)?"
_NAME = rf"(?:{_DOMAIN}/)?{_PATH_COMPONENT}(?:/{_PATH_COMPONENT})*"
_TAG = r"[\w][\w.-]{0,127}"
_DIGEST = r"[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}"
REFERENCE = rf"(?P<name>{_NAME})(?::(?P<tag>{_TAG}))?(?:@(?P<digest>{_DIGEST}))?"
NAME_MAX = 255
# The digests go-digest can check (`algorithm.go`): lowercase hex of the hash's size.
_DIGEST_HEX = {"sha256": 64, "sha384": 96, "sha512": 128}
_DEFAULT_DOMAIN = "docker.io"


def image_reference_problem(image: str) -> str | None:
    """Why the kubelet would refuse `image` (InvalidImageName), or None when it parses.

    `ParseNormalizedNamed` (normalize.go), step by step: no bare 64-hex name, the Docker Hub
    domain and `library/` added as `splitDockerDomain` does, a lowercase repository, the
    reference grammar and the name's length (`Parse`, reference.go), then the digest
    (go-digest's `Digest.Validate`).
    """
    if "{{" in image:
        return None
    if re.fullmatch(r"[a-f0-9]{64}", image):
        return (
            "a 64-character hexadecimal string is an image ID, not a reference (InvalidImageName)"
        )
    domain, remainder = _split_docker_domain(image)
    if remainder.partition(":")[0].lower() != remainder.partition(":")[0]:
        return "a repository name must be lowercase (the kubelet refuses it: InvalidImageName)"
    match = re.fullmatch(REFERENCE, f"{domain}/{remainder}")
    if match is None:
        return (
            "not an image reference the kubelet can pull (InvalidImageName): "
            "[registry[:port]/]name[:tag][@digest], e.g. alpine:3.20 or ghcr.io/org/app@sha256:…"
        )
    if len(match.group("name")) > NAME_MAX:
        return f"the repository name is longer than {NAME_MAX} characters (InvalidImageName)"
    digest = match.group("digest")
    if digest is not None:
        algorithm, _, encoded = digest.partition(":")
        size = _DIGEST_HEX.get(algorithm)
        if size is None:
            return f"digest algorithm {algorithm[:20]!r} is not one of sha256, sha384, sha512"
        if not re.fullmatch(f"[a-f0-9]{{{size}}}", encoded):
            return f"a {algorithm} digest is {size} lowercase hexadecimal characters"
    return None


def _split_docker_domain(name: str) -> tuple[str, str]:
    """normalize.go `splitDockerDomain`: a first part with no '.' or ':' (and not `localhost`)
    is a Docker Hub path, and an official image gets `library/`."""
    head, slash, rest = name.partition("/")
    if not slash or (not re.search("[.:]", head) and head != "localhost"):
        domain, remainder = _DEFAULT_DOMAIN, name
    else:
        domain, remainder = head, rest
    if domain == "index.docker.io":
        domain = _DEFAULT_DOMAIN
    if domain == _DEFAULT_DOMAIN and "/" not in remainder:
        remainder = f"library/{remainder}"
    return domain, remainder
