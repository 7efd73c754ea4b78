"""Plain-Python business rules of wsv_crm_customer: no ORM, unit-tested without a database."""
