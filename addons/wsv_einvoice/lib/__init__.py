"""Plain-Python parts of wsv_einvoice: no ORM, tested without a database (and against the
Nuonuo simulator over a socket)."""
