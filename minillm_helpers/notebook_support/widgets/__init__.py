"""Widget callbacks, one module per notebook: plain functions that take the widget's values
(and the notebook's own concept functions, passed in) and return what the widget prints."""
