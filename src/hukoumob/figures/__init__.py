"""Every figure of the book: mobility tables (``mobility_tables``), Table 6 hazards (``table6``), the path diagram (``path_diagram``)."""
