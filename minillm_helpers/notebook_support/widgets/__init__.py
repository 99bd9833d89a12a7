"""Widget callbacks: one module per notebook (nb01 ... nb06).

A callback is a plain function that takes the widget's values (and, where it
needs one, the concept function the notebook built, passed in as an argument)
and returns what the widget shows. Callbacks hold no concept code of their own,
so each notebook may use them; each has a test in tests/.
"""
