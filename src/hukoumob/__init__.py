"""hukoumob: the helper package of the executable replication of Wu and Treiman (2007).

One module per concern: ``schema`` (the results contract), ``paths`` (where
things live), ``published`` (loading the transcribed tables), ``classes``
(the EGP collapse), ``weights`` (footnote 5), ``outflow`` (Tables 3-4 rebuilt
from percentages), ``results`` (writing and comparing reproduced numbers),
``plots`` (figures), ``mobility`` (the Table 5 engine) and ``build`` (the book
pipeline).
"""

__version__ = "0.1.0"
