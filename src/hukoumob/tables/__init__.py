"""The paper's tables, one module per table or pair: Tables 1-2 (``table1_2``), the U.S. 1962 column (``us1962``), Tables 3-4 (``table3_4``), Table 5 (``table5``), Table 6 (``table6``)."""
