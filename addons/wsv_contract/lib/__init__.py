"""Plain-Python business rules of wsv_contract: no ORM, unit-tested without a database."""
