// SentencePiece module.
