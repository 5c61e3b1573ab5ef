// LineEditor module.
