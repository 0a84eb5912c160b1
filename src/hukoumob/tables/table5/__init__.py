"""Table 5 (the quasi-RC II mobility models) from the published tables (``from_published``) and from individual records (``from_records``)."""
