"""Image references as the kubelet parses them: distribution's `ParseNormalizedNamed`.

Each case was run through docker/distribution 2.8.2's own `reference.ParseNormalizedNamed`
(Debian's golang-github-docker-distribution-dev, with crypto/sha256 and crypto/sha512 linked
in as the kubelet has them); the IPv6 host is the one case that library refuses and the newer
github.com/distribution/reference (Kubernetes 1.30+) accepts.
"""

from __future__ import annotations

import pytest

from pulumi_argo_orchestration import SpecError, load_pipeline
from pulumi_argo_orchestration.syntax.image_reference import image_reference_problem
from tests.conftest import minimal_spec

SHA = "a" * 64
ACCEPTED = [
    "alpine",
    "alpine:3.20",
    "docker.io/library/alpine:3.20",
    "index.docker.io/alpine",
    "ghcr.io/org/app:v1.2.3",
    "localhost/app",
    "localhost:5000/team/app:latest",
    "My.Registry.com:443/team/app",  # the domain may have capitals, the path not
    "a/b/c/d/e",
    "a__b",
    "a--b",
    "example.com/a:Tag_1.0",
    "a:_x",
    f"a:{'t' * 128}",
    f"alpine@sha256:{SHA}",
    f"alpine:3.20@sha256:{SHA}",
    f"alpine@sha512:{'b' * 128}",
    "[::1]:5000/app",
    "registry/{{inputs.parameters.image}}",  # substituted at run time: references check it
]
REFUSED = {
    "ALPINE": "a repository name must be lowercase",
    "ghcr.io/Org/app": "a repository name must be lowercase",
    "AbB/app": "a repository name must be lowercase",  # no '.' or ':': a Docker Hub path
    SHA: "a 64-character hexadecimal string is an image ID",
    "ALPINE:::bad image": "a repository name must be lowercase",
    "alpine:::bad image": "not an image reference the kubelet can pull",
    "a___b": "not an image reference",
    "-a": "not an image reference",
    "a:": "not an image reference",
    "a b": "not an image reference",
    f"a:{'t' * 129}": "not an image reference",
    f"a@sha256:{'a' * 63}": "a sha256 digest is 64 lowercase hexadecimal characters",
    f"a@sha256:{'A' * 64}": "a sha256 digest is 64 lowercase hexadecimal characters",
    f"a@md5:{'c' * 32}": "digest algorithm 'md5' is not one of sha256, sha384, sha512",
    f"y/{'x' * 254}": "the repository name is longer than 255 characters",
}


@pytest.mark.parametrize("image", ACCEPTED)
def test_references_the_kubelet_pulls(image):
    assert image_reference_problem(image) is None


@pytest.mark.parametrize(("image", "reason"), sorted(REFUSED.items()))
def test_references_the_kubelet_refuses(image, reason):
    problem = image_reference_problem(image)
    assert problem is not None and problem.startswith(reason), problem


def test_a_template_s_image_is_checked_with_its_path():
    templates = [
        {"name": "worker", "image": "Alpine:3.20"},
        {"name": "other", "image": "alpine", "sidecars": [{"name": "s", "image": "a b"}]},
    ]
    with pytest.raises(SpecError) as caught:
        load_pipeline(minimal_spec(templates=templates))
    assert [(p.path, p.message.split(":")[0]) for p in caught.value.problems] == [
        ("templates[0].image", "'Alpine"),
        ("templates[1].sidecars[0].image", "'a b'"),
    ]
    assert caught.value.problems[0].message == (
        "'Alpine:3.20': a repository name must be lowercase (the kubelet refuses it: "
        "InvalidImageName)"
    )
