"""hukoumob: the helper package of the executable replication of Wu and Treiman (2007).

The tree shows the data flow, one direction only (each layer imports only
from the layers above it in this list):

- ``inputs``: what comes in — the transcribed published tables
  (``published``), the men from the replica or the real file (``records``,
  ``sources``), reference data (``reference``), the EGP collapse
  (``classes``), footnote 5's weights (``weights``), the results schema
  (``schema``) and ``paths``;
- the engines, which know nothing of this book (labels and tables come in as
  arguments): ``survey`` (design-based variance), ``mobility`` (the
  log-multiplicative mobility models);
- ``tables``: the paper's tables, one module per table or pair
  (``table1_2``, ``us1962``, ``table3_4``, ``table5``, ``table6``);
- ``replica``: the calibrated synthetic replica of the survey;
- ``figures``: every figure of the book;
- ``book``: the results contract (``results``), the reproducibility report
  (``report``) and the build pipeline (``build``).

See ``ARCHITECTURE.md`` at the repository root.
"""

__version__ = "0.1.0"
