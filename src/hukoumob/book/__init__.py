"""The book layer: the results contract (``results``), the reproducibility report (``report``) and the build pipeline (``build``)."""
