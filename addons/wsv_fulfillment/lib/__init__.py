"""Plain-Python business rules of wsv_fulfillment: no ORM, unit-tested without a database."""
