"""Reports on what was sold, read from orders alone: the sales statistics behind `/api/statistics/*`
(`statistics`) and the admin home's sales dashboard (`dashboard`)."""
