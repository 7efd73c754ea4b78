"""Plain-Python parts of wsv_sap_bridge: no ORM, tested without a database (and against the
SAP simulator over a socket)."""
