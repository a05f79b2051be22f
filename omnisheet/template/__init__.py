"""The definition, the lowest layer: the template's structure and words, how a language
writes numbers and dates, and the value types every layer above takes."""
