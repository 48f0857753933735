"""A row id as the JSON API takes it: a positive 64-bit integer (PostgreSQL's bigint), so a larger number is
refused with 422 like any other bad input instead of failing in the database with a 500."""

from typing import Annotated

from pydantic import Field

BIGINT_MAX = 2**63 - 1
RowId = Annotated[int, Field(ge=1, le=BIGINT_MAX)]
