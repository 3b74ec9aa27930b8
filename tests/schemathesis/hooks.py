"""Schemathesis hooks for tests/api/schemathesis.test.ts (loaded through SCHEMATHESIS_HOOKS).

Some operations publish `x-validation-rules`: checks JSON Schema cannot express (a record must
exist, one field against another, a check digit). The test lets positive_data_acceptance take a
400 on those operations only; this check narrows that back: a schema-valid request may be refused
with 400 only when every field the refusal names is one of the operation's declared rules.
"""

import fnmatch
import json

import schemathesis


def _declared(case):
    return (case.operation.definition.raw or {}).get("x-validation-rules") or {}


def _named_fields(response):
    try:
        body = json.loads(response.content or b"null")
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    if not isinstance(error, dict) or error.get("code") != "VALIDATION_FAILED":
        return None
    fields = error.get("fields")
    return list(fields) if isinstance(fields, dict) else []


@schemathesis.check
def refusals_name_declared_rules(ctx, response, case):
    meta = case.meta
    if meta is None or not meta.generation.mode.is_positive or response.status_code != 400:
        return None
    rules = _declared(case)
    if not rules:
        return None  # positive_data_acceptance already fails a 400 here
    fields = _named_fields(response)
    undeclared = [f for f in (fields or ["(no fields named)"]) if not any(fnmatch.fnmatchcase(f, r) for r in rules)]
    if undeclared:
        raise AssertionError(
            "A schema-valid request was refused for fields without a declared rule: "
            + ", ".join(undeclared)
            + f"\nDeclared (x-validation-rules): {', '.join(rules)}"
        )
    return None
