"""data/drama.schema.json is generated from the model and accepts every shipped file."""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from bot.data.folder import drama_files_in
from bot.data.model import SCHEMA_PATH, json_schema
from tests.builders import VALID_DRAMA

REPO = Path(__file__).resolve().parents[2]


def as_json(data: Any) -> Any:
    """YAML's dates and times as the ISO strings an editor sees."""

    def default(value: Any) -> str:
        if isinstance(value, date | datetime):
            return value.isoformat()
        raise TypeError(value)

    return json.loads(json.dumps(data, default=default))


def validator() -> jsonschema.Draft202012Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return jsonschema.Draft202012Validator(
        schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER
    )


def test_the_published_schema_is_the_one_the_model_generates() -> None:
    published = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    assert published == json_schema(), "run: python -m bot.data.model"
    jsonschema.Draft202012Validator.check_schema(published)


@pytest.mark.parametrize("path", drama_files_in(REPO / "data" / "dramas"), ids=lambda p: p.name)
def test_the_schema_accepts_every_shipped_file(path: Path) -> None:
    data = as_json(yaml.safe_load(path.read_text(encoding="utf-8")))
    errors = list(validator().iter_errors(data))
    assert not errors, [e.message for e in errors]


def test_the_schema_refuses_what_the_loader_refuses() -> None:
    data = as_json(yaml.safe_load(VALID_DRAMA))
    assert not list(validator().iter_errors(data))
    for key, value in (("synopsys", "x"), ("slug", "Not A Slug")):
        bad = {**data, key: value}
        assert list(validator().iter_errors(bad)), key
    bad_day = {**data, "schedule": {**data["schedule"], "weekdays": ["wedding"]}}
    assert list(validator().iter_errors(bad_day))
