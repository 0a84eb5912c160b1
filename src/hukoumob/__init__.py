"""hukoumob: the helper package of the executable replication of Wu and Treiman (2007).

One module per concern:

- contract and inputs: ``schema`` (the results contract), ``paths``,
  ``published`` (the transcribed tables), ``sources`` (the ``data_source``
  setting), ``records`` (men from the replica or the real file), ``classes``
  (the EGP collapse), ``weights`` (footnote 5);
- tables and models: ``outflow`` (Tables 3-4 rebuilt from percentages),
  ``tabulate`` (Tables 1, 3-4 from records), ``attainment`` and
  ``blau_duncan`` (Tables 1-2), ``mobility`` (the Table 5 engine),
  ``table5_tables`` (Table 5 from the published tables), ``mobility_records``
  (Table 5 from records), ``hazard`` (Table 6), ``survey`` (design-based
  variance);
- the synthetic replica: ``replica``;
- output: ``results`` (writing and comparing reproduced numbers), ``plots``,
  ``path_diagram``, ``hazard_plots``, ``report``, and ``build`` (the book
  pipeline).
"""

__version__ = "0.1.0"
